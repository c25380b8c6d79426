import type { Alert, AlertEvent, AlertStatus, Notification } from '../domain/alert.js';
import { notificationKey } from '../domain/alert.js';
import type { Assessment } from '../domain/assessment.js';
import type { PatientKey } from '../domain/patient-key.js';
import { TIERS, tierRank, type Tier } from '../domain/tier.js';
import { dismissalHolds, isDue, snoozeHolds } from './alert-holds.js';

export interface AlertDecision {
  /** the alert to store (its version one above the one read), or null when nothing changes */
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

const NOTHING: AlertDecision = { alert: null, notification: null };

/**
 * Spec §4, pure: the patient's new assessment against the current alert (one per patient and
 * rule).
 * - no alert and a tier: create episode 1 and notify;
 * - no tier any more: withdraw (the last tier stays, the reason says why); nothing is notified;
 * - a withdrawn alert with a tier again: reopen as the next episode and notify;
 * - a higher tier: escalate and notify, unless that tier was already notified in this episode;
 * - the same tier: refresh the evidence silently; a lower tier: downgrade silently;
 * - a dismissal holds back every tier up to the dismissed one, a running snooze every tier up to
 *   the snoozed one; a tier above lifts them. Both survive withdrawal, so a reopened episode is
 *   held back by them too. A notification held back by a snooze is released when the snooze
 *   date passes (here at the next re-evaluation, or by `releaseExpiredSnooze`).
 */
export function decideAlert({ current, assessment, patientKey, ruleId, now, newId }: DecisionInput): AlertDecision {
  const { tier } = assessment;
  if (current === null) return tier === null ? NOTHING : create(assessment, tier, patientKey, ruleId, now, newId());
  if (tier === null) return current.status === 'withdrawn' ? NOTHING : withdraw(current, assessment, now);
  return advance(current, assessment, tier, now);
}

/**
 * The sweep step for an alert that receives no messages (spec §4 "a snoozed alert comes back
 * when the date passes"): the same decision on the alert's own content, at `now`. The service
 * runs it periodically over snoozed alerts; nothing happens before the date.
 */
export function releaseExpiredSnooze(alert: Alert, now: string): AlertDecision {
  if (alert.status === 'withdrawn' || alert.snoozedUntil === undefined || Date.parse(alert.snoozedUntil) > Date.parse(now)) return NOTHING;
  return advance(alert, assessmentOf(alert), alert.tier, now);
}

function create(assessment: Assessment, tier: Tier, patientKey: PatientKey, ruleId: string, now: string, id: string): AlertDecision {
  const alert: Alert = {
    id,
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
    history: [{ at: now, event: 'created', tier, status: 'open', reason: assessment.reason }],
  };
  return { alert, notification: notify(alert, 'created', now) };
}

function withdraw(current: Alert, assessment: Assessment, now: string): AlertDecision {
  // the last tier stays (the JSON tier is never null); dismissal and snooze stay too (spec §4)
  const alert = withEvent({ ...current, status: 'withdrawn', ...content(assessment) }, now, 'withdrawn', `no tier holds any more: ${assessment.reason}`);
  return { alert, notification: null };
}

function advance(current: Alert, assessment: Assessment, tier: Tier, now: string): AlertDecision {
  const reopening = current.status === 'withdrawn';
  const episode = reopening ? current.episode + 1 : current.episode;
  const notifiedBefore = reopening ? [] : current.notifiedTiers;
  const heldByDismissal = dismissalHolds(current, tier);
  const heldBySnooze = snoozeHolds(current, tier, now);
  const notifying = isDue(tier, notifiedBefore) && !heldByDismissal && !heldBySnooze;
  const snoozeEnded = current.snoozedUntil !== undefined && !heldBySnooze;
  const dismissalLifted = current.dismissal !== undefined && !heldByDismissal;

  const status = statusAfter(current.status, notifying, heldByDismissal, heldBySnooze);
  const rank = tierRank(tier) - tierRank(current.tier);
  const unchanged = !reopening && rank === 0 && status === current.status && !notifying && !snoozeEnded && !dismissalLifted;
  if (unchanged && sameContent(current, assessment)) return NOTHING;

  const { dismissal, snoozedUntil, snoozedTier, ...rest } = current;
  const next: Alert = {
    ...rest,
    ...(heldByDismissal && dismissal ? { dismissal } : {}),
    ...(heldBySnooze && snoozedUntil ? { snoozedUntil, ...(snoozedTier ? { snoozedTier } : {}) } : {}),
    ...content(assessment),
    tier,
    status,
    episode,
    notifiedTiers: notifying ? sortTiers([...notifiedBefore, tier]) : notifiedBefore,
  };
  const kind: AlertEvent['event'] = reopening ? 'reopened' : rank > 0 ? 'escalated' : rank < 0 ? 'downgraded' : snoozeEnded ? 'snooze-ended' : 'updated';
  const alert = withEvent(next, now, kind, eventReason(kind, current, assessment, { notifying, heldByDismissal, heldBySnooze, tierNotified: notifiedBefore.includes(tier) }));
  return { alert, notification: notifying ? notify(alert, notificationEvent(episode, notifiedBefore), now) : null };
}

/**
 * Notified: open. Held back: the hold's status. Otherwise the clinician's status stays
 * (acknowledged stays acknowledged), except that a lifted hold or a reopening is open again.
 */
function statusAfter(before: AlertStatus, notifying: boolean, heldByDismissal: boolean, heldBySnooze: boolean): AlertStatus {
  if (notifying) return 'open';
  if (heldByDismissal) return 'dismissed';
  if (heldBySnooze) return 'snoozed';
  return before === 'open' || before === 'acknowledged' ? before : 'open';
}

interface Why {
  notifying: boolean;
  heldByDismissal: boolean;
  heldBySnooze: boolean;
  tierNotified: boolean;
}

function eventReason(kind: AlertEvent['event'], current: Alert, assessment: Assessment, why: Why): string {
  const held = why.heldByDismissal
    ? `; not notified: dismissed at ${current.dismissal?.tier} (${current.dismissal?.reason})`
    : why.heldBySnooze
      ? `; not notified: snoozed until ${current.snoozedUntil}`
      : !why.notifying && why.tierNotified && (kind === 'escalated' || kind === 'reopened')
        ? '; already notified in this episode'
        : '';
  switch (kind) {
    case 'downgraded':
      return `downgraded from ${current.tier}: ${assessment.reason}${held}`;
    case 'snooze-ended':
      return `snooze until ${current.snoozedUntil} ended${why.notifying ? ': the held-back notification is sent' : ''}`;
    case 'updated':
      return 'evidence updated';
    default:
      return `${assessment.reason}${held}`;
  }
}

function notificationEvent(episode: number, notifiedBefore: readonly Tier[]): Notification['event'] {
  if (notifiedBefore.length > 0) return 'escalated';
  return episode === 1 ? 'created' : 'reopened';
}

type Content = Pick<Alert, 'reason' | 'ruleVersion' | 'profileVersion' | 'criteriaMet' | 'criteriaMissing' | 'evidence' | 'suggestedWorkup'>;

function content(a: Assessment): Content {
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

/** The alert's own content as an assessment (the snooze sweep re-decides without new evidence). */
function assessmentOf(alert: Alert): Assessment {
  return { tier: alert.tier, ...content(alert) };
}

/**
 * Same content means nothing to write: a stream of messages that change nothing clinical does
 * not bump the version or grow the history. Findings compare by source and what they say.
 */
function sameContent(current: Alert, a: Assessment): boolean {
  return canonical(content(current)) === canonical(content(a));
}

function canonical(c: Content): string {
  return JSON.stringify([
    c.reason,
    c.ruleVersion,
    c.profileVersion,
    c.criteriaMet,
    c.criteriaMissing,
    c.suggestedWorkup.map((w) => [w.id, w.text]),
    c.evidence.map((f) => [f.kind, f.source.sendingFacility, f.source.messageControlId, f.source.segment, f.source.resultKey, f.observedAt, f.lastObservedAt ?? '', f.value ?? '', f.unit ?? '', f.certainty, f.status ?? '', f.qualifiers.lightChain ?? '', f.qualifiers.cidp ?? '']),
  ]);
}

/** Every change of an alert is one event in its history and one version more. */
export function withEvent(alert: Alert, now: string, kind: AlertEvent['event'], reason: string, by?: string): Alert {
  const entry: AlertEvent = { at: now, event: kind, ...(by ? { by } : {}), tier: alert.tier, status: alert.status, reason };
  return { ...alert, version: alert.version + 1, updatedAt: now, history: [...alert.history, entry] };
}

/**
 * The notification an alert's standing tier was sent with in this episode (same key), or null
 * when that tier was not notified (held back, downgraded to it, withdrawn). A re-delivered
 * message enqueues it again: the first delivery may have died between the alert write and the
 * enqueue, and the queue ignores a key it holds, so the notification goes out once.
 */
export function standingNotification(alert: Alert, now: string): Notification | null {
  if (alert.status === 'withdrawn' || !alert.notifiedTiers.includes(alert.tier)) return null;
  const before = alert.notifiedTiers.filter((t) => tierRank(t) < tierRank(alert.tier));
  return notify(alert, notificationEvent(alert.episode, before), now);
}

function notify(alert: Alert, kind: Notification['event'], now: string): Notification {
  return { key: notificationKey(alert.id, alert.episode, alert.tier), alertId: alert.id, episode: alert.episode, patientKey: alert.patientKey, tier: alert.tier, event: kind, createdAt: now };
}

export function sortTiers(tiers: readonly Tier[]): Tier[] {
  return TIERS.filter((t) => tiers.includes(t));
}
