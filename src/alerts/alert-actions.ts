import type { Alert, AlertStatus, DismissReason } from '../domain/alert.js';
import { withEvent } from './alert-decision.js';
import { snoozeRunning } from './alert-holds.js';

/**
 * Clinician actions on an alert (spec §4). Pure; the store saves the result with compare-and-set.
 * The latest clinician decision wins: a dismissal replaces a snooze and the reverse, and an
 * acknowledgement takes the alert back up (neither hold remains). On a withdrawn alert the status
 * stays withdrawn; a dismissal or snooze given then still holds back a reopened episode.
 */
export function acknowledge(alert: Alert, now: string, by = ''): Alert {
  const { dismissal: _d, snoozedUntil: _u, snoozedTier: _t, ...rest } = alert;
  return withEvent({ ...rest, status: keepWithdrawn(alert, 'acknowledged') }, now, 'acknowledged', by ? `acknowledged by ${by}` : 'acknowledged', by);
}

export function dismiss(alert: Alert, now: string, reason: DismissReason, note: string, by = ''): Alert {
  const { snoozedUntil: _u, snoozedTier: _t, ...rest } = alert;
  const dismissal = { reason, note, tier: alert.tier, at: now, ...(by ? { by } : {}) };
  return withEvent({ ...rest, status: keepWithdrawn(alert, 'dismissed'), dismissal }, now, 'dismissed', `dismissed at ${alert.tier}: ${reason}${note ? ` — ${note}` : ''}`, by);
}

export function snooze(alert: Alert, now: string, until: string, by = ''): Alert {
  const { dismissal: _d, ...rest } = alert;
  return withEvent({ ...rest, status: keepWithdrawn(alert, 'snoozed'), snoozedUntil: until, snoozedTier: alert.tier }, now, 'snoozed', `snoozed at ${alert.tier} until ${until}`, by);
}

/** The status the inbox shows: a snooze that has run out reads as open again. */
export function effectiveStatus(alert: Alert, now: string): AlertStatus {
  return alert.status === 'snoozed' && !snoozeRunning(alert, now) ? 'open' : alert.status;
}

function keepWithdrawn(alert: Alert, status: AlertStatus): AlertStatus {
  return alert.status === 'withdrawn' ? 'withdrawn' : status;
}
