import { describe, expect, it } from 'vitest';
import { acknowledge, dismiss, effectiveStatus, snooze } from '../../src/alerts/alert-actions.js';
import { decideAlert, releaseExpiredSnooze, type AlertDecision } from '../../src/alerts/alert-decision.js';
import { Alert } from '../../src/domain/alert.js';
import type { Assessment } from '../../src/domain/assessment.js';
import type { Tier } from '../../src/domain/tier.js';

// ---------------------------------------------------------------------------------------------
// Assessments as the rule would give them; only the tier, reason and evidence matter here.

function assessment(tier: Tier | null, evidenceIds: string[] = ['m1'], profileVersion = 'default-1'): Assessment {
  return {
    tier,
    reason: tier ? `because ${tier}` : 'no neuropathy on record',
    criteriaMet: [],
    criteriaMissing: [],
    evidence: tier === null ? [] : evidenceIds.map((id) => ({ kind: 'neuropathy', observedAt: '2025-01-01T00:00:00.000Z', qualifiers: {}, certainty: 'definite', source: { messageControlId: id, sendingFacility: 'SYNTHLAB', segment: 'DG1[1]', resultKey: 'G6181' } })),
    suggestedWorkup: [],
    ruleVersion: '2.0.0',
    profileVersion,
  };
}

const T0 = '2025-02-01T00:00:00.000Z';
const LATER = '2025-02-10T00:00:00.000Z';
const SNOOZE_UNTIL = '2025-03-01T00:00:00.000Z';
const AFTER_SNOOZE = '2025-03-02T00:00:00.000Z';
let ids = 0;

const step = (current: Alert | null, a: Assessment, now = LATER): AlertDecision =>
  decideAlert({ current, assessment: a, patientKey: 'SYNTH|P1', ruleId: 'poems-workup', now, newId: () => `alert-${++ids}` });

/** Runs a sequence of tiers from no alert; returns the last decision and every notification key. */
function run(...tiers: (Tier | null)[]): { alert: Alert; keys: string[] } {
  let alert: Alert | null = null;
  const keys: string[] = [];
  for (const tier of tiers) {
    const d = step(alert, assessment(tier));
    if (d.alert) alert = d.alert;
    if (d.notification) keys.push(d.notification.key);
  }
  if (alert === null) throw new Error('no alert');
  return { alert, keys };
}

const created = (tier: Tier): Alert => step(null, assessment(tier), T0).alert as Alert;

describe('when there is no alert yet', () => {
  it('creates episode 1, version 1, notifies with the key (alert id, episode, tier)', () => {
    const d = step(null, assessment('workup-recommended'), T0);
    expect(d.alert).toMatchObject({ status: 'open', version: 1, episode: 1, notifiedTiers: ['workup-recommended'], tier: 'workup-recommended' });
    expect(d.notification).toMatchObject({ key: `${d.alert?.id}|1|workup-recommended`, event: 'created', episode: 1 });
    expect(() => Alert.parse(d.alert)).not.toThrow();
  });

  it('does nothing without a tier', () => {
    expect(step(null, assessment(null))).toEqual({ alert: null, notification: null });
  });
});

describe('when the tier rises', () => {
  it('escalates and notifies the new tier in the same episode', () => {
    const d = step(created('screening-gap'), assessment('workup-recommended'));
    expect(d.alert).toMatchObject({ tier: 'workup-recommended', episode: 1, version: 2, notifiedTiers: ['screening-gap', 'workup-recommended'] });
    expect(d.notification).toMatchObject({ key: `${d.alert?.id}|1|workup-recommended`, event: 'escalated' });
  });

  it('does not notify a tier already notified in this episode (up, down, up again)', () => {
    const { alert, keys } = run('workup-recommended', 'screening-gap', 'workup-recommended');
    expect(keys).toHaveLength(1);
    expect(alert.history.at(-1)).toMatchObject({ event: 'escalated', reason: expect.stringMatching(/already notified in this episode/) });
  });

  it('reopens an acknowledged alert as open when it notifies', () => {
    const acked = acknowledge(created('screening-gap'), T0, 'dr-synth');
    const d = step(acked, assessment('criteria-met'));
    expect(d.alert?.status).toBe('open');
    expect(d.notification?.event).toBe('escalated');
  });
});

describe('when the tier stays the same', () => {
  it('updates the evidence silently, one version more', () => {
    const first = created('workup-recommended');
    const d = step(first, assessment('workup-recommended', ['m1', 'm2']));
    expect(d.alert?.evidence).toHaveLength(2);
    expect(d.alert?.version).toBe(2);
    expect(d.alert?.history.at(-1)?.event).toBe('updated');
    expect(d.notification).toBeNull();
  });

  it('writes nothing when nothing changed (no version bump per message)', () => {
    expect(step(created('workup-recommended'), assessment('workup-recommended'))).toEqual({ alert: null, notification: null });
  });

  it('does not re-notify when only the profile version changes', () => {
    const d = step(created('criteria-met'), assessment('criteria-met', ['m1'], 'site-2026-01'));
    expect(d.alert?.profileVersion).toBe('site-2026-01');
    expect(d.notification).toBeNull();
  });
});

describe('when the tier drops', () => {
  it('downgrades silently, keeps the clinician status and says why', () => {
    const acked = acknowledge(created('criteria-met'), T0);
    const d = step(acked, assessment('screening-gap'));
    expect(d.alert).toMatchObject({ tier: 'screening-gap', status: 'acknowledged' });
    expect(d.alert?.history.at(-1)).toMatchObject({ event: 'downgraded', reason: 'downgraded from criteria-met: because screening-gap' });
    expect(d.notification).toBeNull();
  });

  it('withdraws when no tier holds, keeping the last tier; the inbox shows why', () => {
    const d = step(created('screening-gap'), assessment(null));
    expect(d.alert).toMatchObject({ status: 'withdrawn', tier: 'screening-gap', evidence: [], reason: 'no neuropathy on record' });
    expect(d.alert?.history.at(-1)).toMatchObject({ event: 'withdrawn', reason: 'no tier holds any more: no neuropathy on record' });
    expect(d.notification).toBeNull();
    expect(step(d.alert, assessment(null))).toEqual({ alert: null, notification: null });
  });
});

describe('when a withdrawn alert qualifies again', () => {
  it('reopens as a new episode and is notified again under a new key', () => {
    const { alert, keys } = run('screening-gap', null, 'screening-gap');
    expect(alert).toMatchObject({ status: 'open', episode: 2, notifiedTiers: ['screening-gap'] });
    expect(keys).toEqual([`${alert.id}|1|screening-gap`, `${alert.id}|2|screening-gap`]);
    expect(alert.history.at(-1)?.event).toBe('reopened');
  });

  it('keeps the alert id across episodes', () => {
    const { alert, keys } = run('criteria-met', null, 'workup-recommended', null, 'criteria-met');
    expect(alert.episode).toBe(3);
    expect(keys).toEqual([`${alert.id}|1|criteria-met`, `${alert.id}|2|workup-recommended`, `${alert.id}|3|criteria-met`]);
  });
});

describe('when a clinician dismisses an alert', () => {
  const dismissedAt = (tier: Tier): Alert => dismiss(created(tier), T0, 'poems-excluded', 'IFE negative, VEGF normal', 'dr-synth');

  it('records the reason from the list, the text, the tier and who', () => {
    expect(dismissedAt('workup-recommended')).toMatchObject({
      status: 'dismissed',
      dismissal: { reason: 'poems-excluded', note: 'IFE negative, VEGF normal', tier: 'workup-recommended', by: 'dr-synth' },
    });
  });

  it('stays dismissed and silent at the same or a lower tier', () => {
    const same = step(dismissedAt('workup-recommended'), assessment('workup-recommended', ['m1', 'm2']));
    expect(same.alert?.status).toBe('dismissed');
    expect(same.notification).toBeNull();
    const lower = step(same.alert, assessment('screening-gap'));
    expect(lower.alert?.status).toBe('dismissed');
    expect(step(lower.alert, assessment('workup-recommended')).notification).toBeNull();
  });

  it('notifies again only above the dismissed tier, and the dismissal ends', () => {
    const d = step(dismissedAt('workup-recommended'), assessment('criteria-met'));
    expect(d.notification).toMatchObject({ event: 'escalated', tier: 'criteria-met' });
    expect(d.alert?.status).toBe('open');
    expect(d.alert?.dismissal).toBeUndefined();
  });

  it('survives withdrawal: a reopened episode is held back up to the dismissed tier', () => {
    const withdrawn = step(dismissedAt('workup-recommended'), assessment(null)).alert as Alert;
    expect(withdrawn.dismissal?.tier).toBe('workup-recommended');
    const reopened = step(withdrawn, assessment('screening-gap'));
    expect(reopened.alert).toMatchObject({ status: 'dismissed', episode: 2, notifiedTiers: [] });
    expect(reopened.alert?.history.at(-1)).toMatchObject({ event: 'reopened', reason: expect.stringMatching(/not notified: dismissed at workup-recommended/) });
    expect(reopened.notification).toBeNull();
    const wr = step(reopened.alert, assessment('workup-recommended'));
    expect(wr.notification).toBeNull();
    const cm = step(wr.alert, assessment('criteria-met'));
    // the first notification of episode 2
    expect(cm.notification).toMatchObject({ key: `${cm.alert?.id}|2|criteria-met`, event: 'reopened' });
  });

  it('notifies a reopened episode above the dismissed tier at once', () => {
    const withdrawn = step(dismissedAt('screening-gap'), assessment(null)).alert as Alert;
    const d = step(withdrawn, assessment('workup-recommended'));
    expect(d.notification).toMatchObject({ key: `${d.alert?.id}|2|workup-recommended`, event: 'reopened' });
  });
});

describe('when a clinician snoozes an alert', () => {
  const snoozedAt = (tier: Tier): Alert => snooze(created(tier), T0, SNOOZE_UNTIL);

  it('records the date and the tier', () => {
    expect(snoozedAt('workup-recommended')).toMatchObject({ status: 'snoozed', snoozedUntil: SNOOZE_UNTIL, snoozedTier: 'workup-recommended' });
  });

  it('comes back and notifies when its tier rises before the date', () => {
    const d = step(snoozedAt('workup-recommended'), assessment('criteria-met'));
    expect(d.notification?.tier).toBe('criteria-met');
    expect(d.alert?.status).toBe('open');
    expect(d.alert?.snoozedUntil).toBeUndefined();
  });

  it('reads as open once the date passes, and the sweep reopens it without a repeat notification', () => {
    const s = snoozedAt('screening-gap');
    expect(effectiveStatus(s, LATER)).toBe('snoozed');
    expect(effectiveStatus(s, AFTER_SNOOZE)).toBe('open');
    expect(releaseExpiredSnooze(s, LATER)).toEqual({ alert: null, notification: null });
    const d = releaseExpiredSnooze(s, AFTER_SNOOZE);
    expect(d.alert).toMatchObject({ status: 'open', version: s.version + 1 });
    expect(d.alert?.snoozedUntil).toBeUndefined();
    expect(d.alert?.history.at(-1)?.event).toBe('snooze-ended');
    expect(d.notification).toBeNull();
  });

  describe('and it is withdrawn, then qualifies again (the snooze survives)', () => {
    const reopenedHeld = (): Alert => {
      const withdrawn = step(snoozedAt('workup-recommended'), assessment(null)).alert as Alert;
      expect(withdrawn.snoozedUntil).toBe(SNOOZE_UNTIL);
      const d = step(withdrawn, assessment('workup-recommended'));
      expect(d.notification).toBeNull();
      expect(d.alert).toMatchObject({ status: 'snoozed', episode: 2, notifiedTiers: [] });
      return d.alert as Alert;
    };

    it('holds the reopened episode back until the date, then the sweep releases its notification', () => {
      const held = reopenedHeld();
      expect(releaseExpiredSnooze(held, LATER).alert).toBeNull();
      const d = releaseExpiredSnooze(held, AFTER_SNOOZE);
      expect(d.notification).toMatchObject({ key: `${held.id}|2|workup-recommended`, event: 'reopened' });
      expect(d.alert).toMatchObject({ status: 'open', notifiedTiers: ['workup-recommended'] });
      expect(releaseExpiredSnooze(d.alert as Alert, AFTER_SNOOZE).alert).toBeNull();
    });

    it('releases it also at the next re-evaluation after the date', () => {
      const d = step(reopenedHeld(), assessment('workup-recommended'), AFTER_SNOOZE);
      expect(d.notification?.key).toMatch(/\|2\|workup-recommended$/);
    });

    it('releases a held tier that dropped meanwhile: the episode was never notified', () => {
      const dropped = step(reopenedHeld(), assessment('screening-gap')).alert as Alert;
      expect(dropped.status).toBe('snoozed');
      expect(releaseExpiredSnooze(dropped, AFTER_SNOOZE).notification?.tier).toBe('screening-gap');
    });

    it('notifies at once at a higher tier', () => {
      const d = step(reopenedHeld(), assessment('criteria-met'));
      expect(d.notification).toMatchObject({ tier: 'criteria-met', episode: 2 });
    });

    it('notifies a reopening after the date at once', () => {
      const withdrawn = step(snoozedAt('workup-recommended'), assessment(null)).alert as Alert;
      const d = step(withdrawn, assessment('workup-recommended'), AFTER_SNOOZE);
      expect(d.notification?.event).toBe('reopened');
      expect(d.alert?.snoozedUntil).toBeUndefined();
    });
  });
});

describe('clinician actions', () => {
  it('let the latest decision win: a dismissal replaces a snooze, a snooze a dismissal, an acknowledgement both', () => {
    const a = created('workup-recommended');
    const dismissedAfterSnooze = dismiss(snooze(a, T0, SNOOZE_UNTIL), T0, 'other', '');
    expect(dismissedAfterSnooze.snoozedUntil).toBeUndefined();
    const snoozedAfterDismissal = snooze(dismiss(a, T0, 'other', ''), T0, SNOOZE_UNTIL);
    expect(snoozedAfterDismissal.dismissal).toBeUndefined();
    const acked = acknowledge(snoozedAfterDismissal, T0);
    expect(acked).toMatchObject({ status: 'acknowledged' });
    expect(acked.snoozedUntil).toBeUndefined();
  });

  it('on a withdrawn alert record the hold but keep it withdrawn', () => {
    const withdrawn = step(created('workup-recommended'), assessment(null)).alert as Alert;
    const d = dismiss(withdrawn, T0, 'already-under-haematology', '');
    expect(d.status).toBe('withdrawn');
    expect(step(d, assessment('workup-recommended')).notification).toBeNull();
  });

  it('each add one version and one history event', () => {
    const a = created('workup-recommended');
    const b = acknowledge(a, T0, 'dr-synth');
    expect(b.version).toBe(a.version + 1);
    expect(b.history.at(-1)).toMatchObject({ event: 'acknowledged', by: 'dr-synth' });
  });
});
