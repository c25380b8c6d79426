import { acknowledge, dismiss, snooze } from '../alerts/alert-actions.js';
import type { Alert } from '../domain/alert.js';
import type { AlertAction } from '../inbox/actions/alert-action.js';
import type { AlertStore } from '../store/timeline-store.js';

/**
 * A running service re-evaluates a patient's alert with every message about them: an operator's
 * compare-and-set can lose a race many times a minute. Each try reads the alert again.
 */
const CAS_ATTEMPTS = 10;

/**
 * An operator's action (the CLI's `alerts ack|dismiss|snooze`, directly or through the running
 * service's admin endpoint): the pure action on the alert as it is now, saved with compare-and-
 * set, read and applied again when a re-evaluation got there first. Null: no such alert.
 * The caller commits (the service's group commit, or the CLI's close).
 */
export async function actOnAlert(alerts: AlertStore, id: string, action: AlertAction, by: string, now: string): Promise<Alert | null> {
  for (let attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
    const alert = await alerts.getById(id);
    if (!alert) return null;
    const next = apply(alert, action, now, by);
    if (await alerts.replace(next, alert.version)) return next;
  }
  throw new AlertKeptChanging(id);
}

export class AlertKeptChanging extends Error {
  constructor(id: string) {
    super(`alert ${id} changed under ${CAS_ATTEMPTS} attempts in a row; run the command again`);
    this.name = 'AlertKeptChanging';
  }
}

function apply(alert: Alert, action: AlertAction, now: string, by: string): Alert {
  switch (action.kind) {
    case 'acknowledge':
      return acknowledge(alert, now, by);
    case 'dismiss':
      return dismiss(alert, now, action.reason, action.note, by);
    case 'snooze':
      return snooze(alert, now, new Date(action.until).toISOString(), by);
  }
}

// the alerts command works through these (cli/ imports app/, never an adapter)
export { AlertAction } from '../inbox/actions/alert-action.js';
export { isBusy } from '../consumers/mllp-handler.js';
