import { describe, expect, it } from 'vitest';
import { dismiss, snooze } from '../../src/alerts/alert-actions.js';
import { decideAlert } from '../../src/alerts/alert-decision.js';
import { mergeAlerts, moveAlert } from '../../src/alerts/alert-merge.js';
import type { Alert } from '../../src/domain/alert.js';
import type { Assessment } from '../../src/domain/assessment.js';
import type { Tier } from '../../src/domain/tier.js';

const T0 = '2025-02-01T00:00:00.000Z';
const NOW = '2025-02-10T00:00:00.000Z';
const SNOOZE_UNTIL = '2025-04-01T00:00:00.000Z';

function assessment(tier: Tier | null): Assessment {
  return { tier, reason: tier ? `because ${tier}` : 'no neuropathy on record', criteriaMet: [], criteriaMissing: [], evidence: [], suggestedWorkup: [], ruleVersion: '2.0.0', profileVersion: 'default-1' };
}

/** An alert of `patient` that went through `tiers` (null = withdrawn). */
function alertOf(patient: string, id: string, ...tiers: (Tier | null)[]): Alert {
  let alert: Alert | null = null;
  for (const tier of tiers) {
    const d = decideAlert({ current: alert, assessment: assessment(tier), patientKey: patient, ruleId: 'poems-workup', now: T0, newId: () => id });
    if (d.alert) alert = d.alert;
  }
  if (alert === null) throw new Error('no alert');
  return alert;
}

describe('when two identifiers of one person both have an alert (spec §4 merges)', () => {
  it('keeps the survivor id, takes the higher tier, the later episode and both notified tiers; closes the other', () => {
    const survivor = alertOf('SYNTH|S', 'alert-s', 'screening-gap');
    const absorbed = alertOf('SYNTH|P', 'alert-p', 'criteria-met', null, 'criteria-met');
    const { survivor: s, closed } = mergeAlerts(survivor, absorbed, NOW);
    expect(s).toMatchObject({ id: 'alert-s', patientKey: 'SYNTH|S', tier: 'criteria-met', status: 'open', episode: 2, notifiedTiers: ['screening-gap', 'criteria-met'], version: survivor.version + 1 });
    expect(closed).toMatchObject({ id: 'alert-p', status: 'withdrawn', version: absorbed.version + 1 });
    expect(closed.history.at(-1)).toMatchObject({ event: 'merged', reason: 'merged into alert alert-s' });
  });

  it('does not notify again when the joined timeline gives the tier either had notified', () => {
    const { survivor } = mergeAlerts(alertOf('SYNTH|S', 'alert-s', 'screening-gap'), alertOf('SYNTH|P', 'alert-p', 'criteria-met'), NOW);
    const d = decideAlert({ current: survivor, assessment: assessment('criteria-met'), patientKey: 'SYNTH|S', ruleId: 'poems-workup', now: NOW, newId: () => 'x' });
    expect(d.notification).toBeNull();
  });

  it('carries a dismissal that still holds the standing tier', () => {
    const absorbed = dismiss(alertOf('SYNTH|P', 'alert-p', 'criteria-met'), T0, 'poems-excluded', 'bone marrow normal');
    const { survivor } = mergeAlerts(alertOf('SYNTH|S', 'alert-s', 'workup-recommended'), absorbed, NOW);
    expect(survivor).toMatchObject({ tier: 'criteria-met', status: 'dismissed', dismissal: { reason: 'poems-excluded', tier: 'criteria-met' } });
  });

  it('ends a dismissal below the standing tier, as an escalation would', () => {
    const absorbed = dismiss(alertOf('SYNTH|P', 'alert-p', 'screening-gap'), T0, 'other', '');
    const { survivor } = mergeAlerts(alertOf('SYNTH|S', 'alert-s', 'criteria-met'), absorbed, NOW);
    expect(survivor.status).toBe('open');
    expect(survivor.dismissal).toBeUndefined();
  });

  it('carries a running snooze', () => {
    const absorbed = snooze(alertOf('SYNTH|P', 'alert-p', 'workup-recommended'), T0, SNOOZE_UNTIL);
    const { survivor } = mergeAlerts(alertOf('SYNTH|S', 'alert-s', 'screening-gap'), absorbed, NOW);
    expect(survivor).toMatchObject({ tier: 'workup-recommended', status: 'snoozed', snoozedUntil: SNOOZE_UNTIL, snoozedTier: 'workup-recommended' });
  });

  it('takes the tier of the live alert over a withdrawn one, and still the later episode', () => {
    const { survivor } = mergeAlerts(alertOf('SYNTH|S', 'alert-s', 'workup-recommended'), alertOf('SYNTH|P', 'alert-p', 'criteria-met', null, 'criteria-met', null), NOW);
    expect(survivor).toMatchObject({ tier: 'workup-recommended', status: 'open', episode: 2, notifiedTiers: ['workup-recommended'] });
  });

  it('keeps both withdrawn, with the dismissal surviving for the next episode', () => {
    const absorbed = dismiss(alertOf('SYNTH|P', 'alert-p', 'workup-recommended', null), T0, 'poems-excluded', '');
    const { survivor } = mergeAlerts(alertOf('SYNTH|S', 'alert-s', 'screening-gap', null), absorbed, NOW);
    expect(survivor).toMatchObject({ status: 'withdrawn', dismissal: { tier: 'workup-recommended' } });
    const d = decideAlert({ current: survivor, assessment: assessment('workup-recommended'), patientKey: 'SYNTH|S', ruleId: 'poems-workup', now: NOW, newId: () => 'x' });
    expect(d.notification).toBeNull();
    expect(d.alert?.status).toBe('dismissed');
  });
});

describe('when only the prior identifier has an alert', () => {
  it('moves it to the survivor with the same id, one version more', () => {
    const prior = alertOf('SYNTH|P', 'alert-p', 'workup-recommended');
    const moved = moveAlert(prior, 'SYNTH|S', NOW);
    expect(moved).toMatchObject({ id: 'alert-p', patientKey: 'SYNTH|S', version: prior.version + 1, tier: 'workup-recommended', notifiedTiers: ['workup-recommended'] });
    expect(moved.history.at(-1)?.event).toBe('merged');
  });
});
