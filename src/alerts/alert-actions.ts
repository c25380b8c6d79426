import type { Alert, DismissReason } from '../domain/alert.js';
import { withEvent } from './alert-decision.js';

/** Clinician actions on an alert (spec §4). Pure; the store saves the result. */
export function acknowledge(alert: Alert, now: string, by = ''): Alert {
  return withEvent({ ...alert, status: 'acknowledged' }, now, 'acknowledged', alert.tier, by ? `acknowledged by ${by}` : 'acknowledged');
}

export function dismiss(alert: Alert, now: string, reason: DismissReason, note: string): Alert {
  return withEvent({ ...alert, status: 'dismissed', dismissal: { reason, note, tier: alert.tier, at: now } }, now, 'dismissed', alert.tier, `dismissed: ${reason}${note ? ` — ${note}` : ''}`);
}

export function snooze(alert: Alert, now: string, until: string): Alert {
  return withEvent({ ...alert, status: 'snoozed', snoozedUntil: until }, now, 'snoozed', alert.tier, `snoozed until ${until}`);
}

/** The status the inbox shows: a snooze that has run out reads as open again. */
export function effectiveStatus(alert: Alert, now: string): Alert['status'] {
  return alert.status === 'snoozed' && alert.snoozedUntil !== undefined && alert.snoozedUntil <= now ? 'open' : alert.status;
}
