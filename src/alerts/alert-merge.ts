import type { Alert, AlertStatus } from '../domain/alert.js';
import type { PatientKey } from '../domain/patient-key.js';
import { tierRank } from '../domain/tier.js';
import { sortTiers, withEvent } from './alert-decision.js';
import { dismissalHolds, snoozeHolds, snoozeRunning } from './alert-holds.js';

/**
 * Spec §4 merges, pure. Two identifiers of one person each had an alert: the surviving
 * patient's alert keeps its id (receivers key on it) and takes the higher tier, the later
 * episode, the tiers either notified and any dismissal or snooze; the other closes as
 * `withdrawn` ("merged into …"). Nothing is notified here: the survivor is re-evaluated on the
 * joined timeline right after, and only a tier neither alert had notified can notify then.
 */
export function mergeAlerts(survivor: Alert, absorbed: Alert, now: string): { survivor: Alert; closed: Alert } {
  const active = [survivor, absorbed].filter((a) => a.status !== 'withdrawn');
  // the alert whose tier stands: the higher of the live ones (the survivor on a tie)
  const pool = active.length > 0 ? active : [survivor, absorbed];
  const top = pool.reduce((best, a) => (tierRank(a.tier) > tierRank(best.tier) ? a : best));
  const dismissal = strongestDismissal(survivor, absorbed);
  const snoozed = latestSnooze(survivor, absorbed);
  const holds = { tier: top.tier, ...(dismissal ? { dismissal } : {}), ...snoozed };
  const live = active.length > 0;
  // a hold below the standing tier is over (that tier rose above it), as in an escalation;
  // with no live alert both holds survive, as they survive any withdrawal
  const keepDismissal = dismissal !== undefined && (!live || dismissalHolds(holds, top.tier));
  const keepSnooze = snoozed.snoozedUntil !== undefined && (!live || snoozeHolds(holds, top.tier, now));

  const { dismissal: _d, snoozedUntil: _u, snoozedTier: _t, ...base } = survivor;
  const merged: Alert = {
    ...base,
    tier: top.tier,
    status: live ? statusOf(top.status, keepDismissal, keepSnooze && snoozeRunning(holds, now)) : 'withdrawn',
    reason: top.reason,
    criteriaMet: top.criteriaMet,
    criteriaMissing: top.criteriaMissing,
    evidence: top.evidence,
    suggestedWorkup: top.suggestedWorkup,
    ruleVersion: top.ruleVersion,
    profileVersion: top.profileVersion,
    episode: Math.max(survivor.episode, absorbed.episode),
    // a withdrawn alert's notified tiers belong to a closed episode
    notifiedTiers: sortTiers((live ? active : [top]).flatMap((a) => a.notifiedTiers)),
    ...(keepDismissal && dismissal ? { dismissal } : {}),
    ...(keepSnooze ? snoozed : {}),
  };
  return {
    survivor: withEvent(merged, now, 'merged', `merged with alert ${absorbed.id} of a merged identifier`),
    closed: withEvent({ ...absorbed, status: 'withdrawn' }, now, 'merged', `merged into alert ${survivor.id}`),
  };
}

/** The prior identifier's alert when the survivor has none: the same alert, now the survivor's. */
export function moveAlert(alert: Alert, survivor: PatientKey, now: string): Alert {
  return withEvent({ ...alert, patientKey: survivor }, now, 'merged', 'moved to the surviving identifier of a merge');
}

function statusOf(topStatus: AlertStatus, dismissed: boolean, snoozed: boolean): AlertStatus {
  if (dismissed) return 'dismissed';
  if (snoozed) return 'snoozed';
  return topStatus === 'acknowledged' ? 'acknowledged' : 'open';
}

/** The dismissal that holds back most (the higher dismissed tier; the later one on a tie). */
function strongestDismissal(a: Alert, b: Alert): Alert['dismissal'] {
  const ds = [a.dismissal, b.dismissal].filter((d): d is NonNullable<Alert['dismissal']> => d !== undefined);
  return ds.reduce<Alert['dismissal']>((best, d) => (best === undefined || tierRank(d.tier) > tierRank(best.tier) || (d.tier === best.tier && d.at > best.at) ? d : best), undefined);
}

/** The snooze that runs longest, held at the higher of the two snoozed tiers. */
function latestSnooze(a: Alert, b: Alert): Pick<Alert, 'snoozedUntil' | 'snoozedTier'> {
  const ss = [a, b].filter((x) => x.snoozedUntil !== undefined);
  const first = ss[0];
  if (first === undefined) return {};
  const latest = ss.reduce((best, x) => (Date.parse(x.snoozedUntil ?? '') > Date.parse(best.snoozedUntil ?? '') ? x : best), first);
  const tier = ss.map((x) => x.snoozedTier ?? x.tier).reduce((t, u) => (tierRank(u) > tierRank(t) ? u : t));
  return { snoozedUntil: latest.snoozedUntil as string, snoozedTier: tier };
}
