import type { Alert, AlertEvent, Notification } from '../domain/alert.js';
import { notificationKey } from '../domain/alert.js';
import type { Assessment } from '../domain/assessment.js';
import type { PatientKey } from '../domain/patient-key.js';
import { tierRank } from '../domain/tier.js';

export interface Decision {
  /** the alert to store, or null when nothing changes */
  alert: Alert | null;
  notification: Notification | null;
}

export interface DecisionInput {
  current: Alert | null;
  assessment: Assessment;
  patientKey: PatientKey;
  ruleId: string;
  now: string;
  newId: () => string;
}

/**
 * Spec §4, pure: compares the patient's new assessment with the current alert.
 * - no alert yet and a tier: create, notify;
 * - a higher tier (or a tier again after withdrawal): escalate/reopen, notify — even when the
 *   alert was acknowledged, dismissed or snoozed, since new evidence outranks those;
 * - the same tier: refresh the evidence, no notification;
 * - a lower tier: downgrade, keep the clinician's status, no notification;
 * - no tier any more: withdraw, and say why in the history.
 * Downgrades and withdrawals are not pushed: the inbox shows them (decision in docs/decisions.md).
 */
export function decide({ current, assessment, patientKey, ruleId, now, newId }: DecisionInput): Decision {
  const { tier } = assessment;
  if (current === null) {
    if (tier === null) return { alert: null, notification: null };
    const alert: Alert = {
      id: newId(),
      version: 1,
      episode: 1,
      notifiedTiers: [tier],
      patientKey,
      rule: ruleId,
      tier,
      status: 'open',
      ...content(assessment),
      createdAt: now,
      updatedAt: now,
      history: [event(now, 'created', tier, 'open', assessment.reason)],
    };
    return { alert, notification: notify(alert, 'created', now) };
  }

  if (tier === null) {
    if (current.status === 'withdrawn') return { alert: null, notification: null };
    return {
      alert: withEvent({ ...current, status: 'withdrawn', ...content(assessment) }, now, 'withdrawn', current.tier, `no tier holds any more: ${assessment.reason}`),
      notification: null,
    };
  }

  const wasWithdrawn = current.status === 'withdrawn';
  const rising = wasWithdrawn || tierRank(tier) > tierRank(current.tier);
  if (rising) {
    const kind = wasWithdrawn ? 'reopened' : 'escalated';
    const { snoozedUntil: _s, dismissal: _d, ...rest } = current;
    const alert = withEvent({ ...rest, tier, status: 'open', ...content(assessment) }, now, kind, tier, assessment.reason);
    return { alert, notification: notify(alert, kind, now) };
  }
  if (tierRank(tier) < tierRank(current.tier)) {
    const alert = withEvent({ ...current, tier, ...content(assessment) }, now, 'downgraded', tier, `downgraded from ${current.tier}: ${assessment.reason}`);
    return { alert, notification: null };
  }
  if (sameEvidence(current, assessment)) return { alert: null, notification: null };
  return { alert: withEvent({ ...current, ...content(assessment) }, now, 'updated', tier, 'evidence updated'), notification: null };
}

function content(a: Assessment): Pick<Alert, 'reason' | 'ruleVersion' | 'profileVersion' | 'criteriaMet' | 'criteriaMissing' | 'evidence' | 'suggestedWorkup'> {
  return {
    reason: a.reason,
    ruleVersion: a.ruleVersion,
    profileVersion: a.profileVersion,
    criteriaMet: a.criteriaMet,
    criteriaMissing: a.criteriaMissing,
    evidence: a.evidence,
    suggestedWorkup: a.suggestedWorkup,
  };
}

function event(at: string, kind: AlertEvent['event'], tier: AlertEvent['tier'], status: AlertEvent['status'], reason: string): AlertEvent {
  return { at, event: kind, tier, status, reason };
}

/** Every change of an alert is one event in its history and one version more. */
export function withEvent(alert: Alert, now: string, kind: AlertEvent['event'], tier: AlertEvent['tier'], reason: string): Alert {
  return { ...alert, version: alert.version + 1, updatedAt: now, history: [...alert.history, event(now, kind, tier, alert.status, reason)] };
}

function notify(alert: Alert, kind: Notification['event'], now: string): Notification {
  return { key: notificationKey(alert.id, alert.episode, alert.tier), alertId: alert.id, episode: alert.episode, patientKey: alert.patientKey, tier: alert.tier, event: kind, createdAt: now };
}

function evidenceKey(f: Alert['evidence'][number]): string {
  return `${f.kind}@${f.source.sendingFacility}/${f.source.messageControlId}/${f.source.resultKey}/${f.value ?? ''}`;
}

function sameEvidence(current: Alert, a: Assessment): boolean {
  if (current.evidence.length !== a.evidence.length || current.profileVersion !== a.profileVersion) return false;
  const keys = new Set(current.evidence.map(evidenceKey));
  return a.evidence.every((f) => keys.has(evidenceKey(f)));
}
