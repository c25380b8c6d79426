import type { Alert, AlertEvent } from '../../domain/alert.js';

/** Events after which the alert waits for a clinician. */
const ASKS_FOR_ATTENTION: ReadonlySet<AlertEvent['event']> = new Set(['created', 'escalated', 'reopened', 'snooze-ended']);
const CLINICIAN_ACTIONS: ReadonlySet<AlertEvent['event']> = new Set(['acknowledged', 'dismissed', 'snoozed']);

/** The last moment the alert asked for attention (created, escalated, reopened, its snooze ended). */
export function attentionSince(alert: Alert): string {
  let since = alert.createdAt;
  for (const e of alert.history) if (ASKS_FOR_ATTENTION.has(e.event)) since = e.at;
  return since;
}

/**
 * Dwell time (issue 8): from `attentionSince` to the first clinician action after it, in
 * seconds. Null when a clinician acted since then already: a second action (a dismissal after an
 * acknowledgement) is not a response time, and counting it would make a busy team look slow.
 */
export function dwellSeconds(alert: Alert, at: string): number | null {
  let waiting = true;
  for (const e of alert.history) {
    if (ASKS_FOR_ATTENTION.has(e.event)) waiting = true;
    else if (CLINICIAN_ACTIONS.has(e.event)) waiting = false;
  }
  if (!waiting) return null;
  return Math.max(0, Math.round((Date.parse(at) - Date.parse(attentionSince(alert))) / 1000));
}
