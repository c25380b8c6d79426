import type { Alert, Notification } from '../domain/alert.js';

/**
 * The status notification of one alert write (pure), or null. A status change within an episode
 * that tells nobody about a tier (withdrawn by the rule; acknowledged, dismissed or snoozed by a
 * clinician; open again when a snooze ends with its tier already told) is delivered to the
 * channels that hold state, so a FHIR Flag goes inactive when the alert is withdrawn. A write
 * that notifies a tier (created, escalated, reopened: a new tier in `notifiedTiers`, or a new
 * episode) carries the new status itself and needs none.
 *
 * The key names the alert version: each change is its own notification, and a repeat of the
 * same write is the same key.
 */
export function statusNotificationOf(before: Alert | null, after: Alert, now: string): Notification | null {
  if (before === null || before.id !== after.id || before.status === after.status) return null;
  if (before.episode !== after.episode) return null;
  if (after.notifiedTiers.some((t) => !before.notifiedTiers.includes(t))) return null;
  return {
    key: `${after.id}|${after.episode}|status|${after.version}`,
    alertId: after.id,
    episode: after.episode,
    patientKey: after.patientKey,
    tier: after.tier,
    event: 'status',
    status: after.status,
    alertVersion: after.version,
    createdAt: now,
  };
}
