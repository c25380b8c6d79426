import { statusNotificationOf } from '../alerts/status-change.js';
import type { Alert } from '../domain/alert.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { AlertStore } from '../store/timeline-store.js';
import type { AlertQueue } from './alert-queue.js';

/**
 * The alert store with status sync (issue 8 item 5): every successful write that changes an
 * alert's status within an episode enqueues a `status` notification (alerts/status-change.ts),
 * whoever wrote it — the pipeline withdrawing, a clinician acting in the inbox, the CLI, a CDS
 * Hooks override, a merge closing an alert. Wrapping the one write path (`replace`) catches them
 * all, where a call at every site would miss the next one added.
 *
 * The alert before the write is read first: `replace` succeeds only if the stored version is
 * still `expectedVersion`, and versions only grow, so the alert read with that version is the
 * one replaced.
 *
 * The notification is enqueued BEFORE the write, so a crash between the two loses nothing: the
 * write is done again (the message is re-delivered, the clinician acts again) and makes the same
 * key, which the queue ignores. It carries the version it announces; the dispatcher delivers it
 * once the store has that version (until then it is retried), and always sends the alert as it
 * is then. A write that loses its compare-and-set leaves a notification for a version another
 * writer made: delivering the current state to the channels that hold it is harmless.
 */
export function withStatusSync(alerts: AlertStore, queue: Pick<AlertQueue, 'enqueue'>, clock: () => Date = () => new Date()): AlertStore {
  return {
    get: (patient: PatientKey, ruleId: string) => alerts.get(patient, ruleId),
    getById: (id: string) => alerts.getById(id),
    put: (alert: Alert) => alerts.put(alert),
    list: (filter) => alerts.list(filter),
    rekey: (alert: Alert, survivor: PatientKey) => alerts.rekey(alert, survivor),
    async replace(alert: Alert, expectedVersion: number | null): Promise<boolean> {
      const before = expectedVersion === null ? null : await alerts.get(alert.patientKey, alert.rule);
      const notification = before?.version === expectedVersion ? statusNotificationOf(before, alert, clock().toISOString()) : null;
      if (notification) await queue.enqueue(notification);
      return alerts.replace(alert, expectedVersion);
    },
  };
}
