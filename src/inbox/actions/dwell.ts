import type { Alert, AlertEvent } from '../../domain/alert.js';

/** Events after which the alert waits for a clinician. */
const ASKS_FOR_ATTENTION: ReadonlySet<AlertEvent['event']> = new Set(['created', 'escalated', 'reopened', 'snooze-ended']);
const CLINICIAN_ACTIONS: ReadonlySet<AlertEvent['event']> = new Set(['acknowledged', 'dismissed', 'snoozed']);

/**
 * Dwell time (issue 8): from the last moment the alert asked for attention (created, escalated,
 * reopened, its snooze ended) to the first clinician action after it, in seconds. Null when a
 * clinician acted since then already: a second action (a dismissal after an acknowledgement) is
 * not a response time, and counting it would make a busy team look slow.
 */
export function dwellSeconds(alert: Alert, at: string): number | null {
  let since: string | null = null;
  for (const e of alert.history) {
    if (ASKS_FOR_ATTENTION.has(e.event)) since = e.at;
    else if (CLINICIAN_ACTIONS.has(e.event)) since = null;
  }
  if (since === null && alert.history.length > 0) return null;
  const start = Date.parse(since ?? alert.createdAt);
  return Math.max(0, Math.round((Date.parse(at) - start) / 1000));
}
