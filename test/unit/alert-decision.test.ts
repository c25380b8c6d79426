import { describe, expect, it } from 'vitest';
import { acknowledge, dismiss, effectiveStatus, snooze } from '../../src/alerts/alert-actions.js';
import { decide } from '../../src/alerts/alert-decision.js';
import type { Alert } from '../../src/domain/alert.js';
import type { Assessment } from '../../src/domain/assessment.js';
import type { Tier } from '../../src/domain/tier.js';

function assessment(tier: Tier | null, evidenceIds: string[] = ['m1']): Assessment {
  return {
    tier,
    reason: tier ? `tier ${tier}` : 'no neuropathy on record',
    criteriaMet: [],
    criteriaMissing: [],
    evidence: evidenceIds.map((id) => ({ kind: 'neuropathy', observedAt: '2025-01-01T00:00:00.000Z', qualifiers: {}, certainty: 'definite', source: { messageControlId: id, sendingFacility: 'L', segment: 'DG1[1]', resultKey: 'DG1|G6181' } })),
    suggestedWorkup: [],
    ruleVersion: '1.0.0',
    profileVersion: 'default-1',
  };
}

let ids = 0;
const step = (current: Alert | null, a: Assessment, now = '2025-02-01T00:00:00.000Z') =>
  decide({ current, assessment: a, patientKey: 'SYNTH|P1', ruleId: 'poems-workup', now, newId: () => `alert-${++ids}` });

describe('when there is no alert yet', () => {
  it('creates an open alert and notifies with the (alert id, episode, tier) key', () => {
    const d = step(null, assessment('workup-recommended'));
    expect(d.alert?.status).toBe('open');
    expect(d.notification?.key).toBe(`${d.alert?.id}|1|workup-recommended`);
  });
  it('does nothing without a tier', () => {
    expect(step(null, assessment(null))).toEqual({ alert: null, notification: null });
  });
});

describe('when the tier rises', () => {
  it('escalates and notifies again, even after a dismissal', () => {
    const first = step(null, assessment('screening-gap')).alert as Alert;
    const dismissed = dismiss(first, '2025-02-02T00:00:00.000Z', 'not-clinically-relevant', 'seen in clinic');
    const d = step(dismissed, assessment('criteria-met'));
    expect(d.alert?.status).toBe('open');
    expect(d.alert?.tier).toBe('criteria-met');
    expect(d.alert?.dismissal).toBeUndefined();
    expect(d.notification?.event).toBe('escalated');
  });
});

describe('when the tier stays the same', () => {
  it('updates the evidence without notifying', () => {
    const first = step(null, assessment('workup-recommended', ['m1'])).alert as Alert;
    const d = step(first, assessment('workup-recommended', ['m1', 'm2']));
    expect(d.alert?.evidence).toHaveLength(2);
    expect(d.notification).toBeNull();
  });
  it('writes nothing when the evidence is unchanged', () => {
    const first = step(null, assessment('workup-recommended')).alert as Alert;
    expect(step(first, assessment('workup-recommended'))).toEqual({ alert: null, notification: null });
  });
  it('keeps a dismissed alert dismissed and silent', () => {
    const first = step(null, assessment('workup-recommended', ['m1'])).alert as Alert;
    const dismissed = dismiss(first, '2025-02-02T00:00:00.000Z', 'poems-excluded', '');
    const d = step(dismissed, assessment('workup-recommended', ['m1', 'm2']));
    expect(d.alert?.status).toBe('dismissed');
    expect(d.notification).toBeNull();
  });
});

describe('when the tier drops', () => {
  it('downgrades, keeps the clinician status and says why', () => {
    const first = acknowledge(step(null, assessment('criteria-met')).alert as Alert, '2025-02-02T00:00:00.000Z');
    const d = step(first, assessment('screening-gap'));
    expect(d.alert?.tier).toBe('screening-gap');
    expect(d.alert?.status).toBe('acknowledged');
    expect(d.alert?.history.at(-1)?.reason).toMatch(/downgraded from criteria-met/);
    expect(d.notification).toBeNull();
  });
  it('withdraws when no tier holds, keeping the last tier and the reason', () => {
    const first = step(null, assessment('screening-gap')).alert as Alert;
    const d = step(first, assessment(null));
    expect(d.alert?.status).toBe('withdrawn');
    expect(d.alert?.tier).toBe('screening-gap');
    expect(d.alert?.history.at(-1)?.event).toBe('withdrawn');
    expect(step(d.alert, assessment(null))).toEqual({ alert: null, notification: null });
  });
  it('reopens a withdrawn alert when a tier holds again', () => {
    const withdrawn = step(step(null, assessment('screening-gap')).alert, assessment(null)).alert as Alert;
    const d = step(withdrawn, assessment('screening-gap'));
    expect(d.alert?.status).toBe('open');
    expect(d.notification?.event).toBe('reopened');
  });
});

describe('when a clinician snoozes an alert', () => {
  it('reads as open again once the snooze has run out', () => {
    const s = snooze(step(null, assessment('screening-gap')).alert as Alert, '2025-02-02T00:00:00.000Z', '2025-03-01T00:00:00.000Z');
    expect(effectiveStatus(s, '2025-02-15T00:00:00.000Z')).toBe('snoozed');
    expect(effectiveStatus(s, '2025-03-02T00:00:00.000Z')).toBe('open');
  });
});
