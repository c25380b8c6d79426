import type { Alert } from '../domain/alert.js';
import { tierRank, type Tier } from '../domain/tier.js';

/**
 * Spec §4 holds: what a clinician's dismissal or snooze keeps back. Both survive a withdrawal;
 * both end when the tier rises above the tier they were given at, a snooze also when its date
 * passes.
 */
type Holds = Pick<Alert, 'dismissal' | 'snoozedUntil' | 'snoozedTier' | 'tier'>;

export function snoozeRunning(alert: Holds, now: string): boolean {
  return alert.snoozedUntil !== undefined && Date.parse(alert.snoozedUntil) > Date.parse(now);
}

/** A dismissal holds back every tier up to the dismissed one. */
export function dismissalHolds(alert: Holds, tier: Tier): boolean {
  return alert.dismissal !== undefined && tierRank(tier) <= tierRank(alert.dismissal.tier);
}

/** A running snooze holds back every tier up to the one it was given at. */
export function snoozeHolds(alert: Holds, tier: Tier, now: string): boolean {
  return snoozeRunning(alert, now) && tierRank(tier) <= tierRank(alert.snoozedTier ?? alert.tier);
}

/**
 * A tier is due for a notification when it was not notified in this episode and ranks above
 * every tier that was: an escalation, or the first tier of an episode. A drop back to a lower,
 * never-notified tier is a downgrade, not news.
 */
export function isDue(tier: Tier, notifiedTiers: readonly Tier[]): boolean {
  return !notifiedTiers.includes(tier) && notifiedTiers.every((t) => tierRank(t) < tierRank(tier));
}
