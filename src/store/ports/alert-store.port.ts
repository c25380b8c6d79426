import type { Alert } from '../../domain/alert.js';
import type { PatientKey } from '../../domain/patient-key.js';

/** One alert per patient and rule (spec §4). Implementations: SQLite and Redis; one conformance suite. */
export interface AlertStore {
  get(patient: PatientKey, ruleId: string): Promise<Alert | null>;
  getById(id: string): Promise<Alert | null>;
  put(alert: Alert): Promise<void>;
  /**
   * Compare-and-set on the version number: writes `alert` only if the stored alert of its
   * patient and rule still has `expectedVersion` (null: there is none). Returns false when
   * another writer got there first, so two instances (or two connections) re-evaluating one
   * patient never lose an update. The caller sets `alert.version` to `expectedVersion + 1`.
   */
  replace(alert: Alert, expectedVersion: number | null): Promise<boolean>;
  /** newest first */
  list(filter?: { status?: Alert['status']; tier?: Alert['tier'] }): Promise<Alert[]>;
  /** re-keys an alert to the surviving patient of a merge */
  rekey(alert: Alert, survivor: PatientKey): Promise<void>;
}
