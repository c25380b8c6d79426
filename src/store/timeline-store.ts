import type { Alert } from '../domain/alert.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { MessageEffects } from '../domain/result.js';
import type { Timeline } from '../domain/timeline.js';
import type { ErrorCode } from '../errors.js';

/** A message's identity for idempotency (spec §2: same MSH-10 from the same sending facility). */
export interface MessageId {
  sendingFacility: string;
  controlId: string;
  /**
   * a hash of the message content: the same (facility, MSH-10) with other content is a reused
   * control id (interface engines restart their counters) and is applied, not dropped
   */
  contentHash?: string;
}

export interface ApplyResult {
  /** the message had been applied before: nothing was written */
  duplicate: boolean;
  /** patients to re-evaluate (after merges resolve): on a duplicate too, so a crash between
   *  the store write and the alert update heals on re-delivery */
  patients: PatientKey[];
  /** merges applied (A40 and aliases), for combining alerts */
  merges: { prior: PatientKey; survivor: PatientKey }[];
  /** the (facility, MSH-10) was seen before with other content: applied, and counted as CONTROL_ID_REUSED */
  controlIdReused: boolean;
}

/**
 * Per-patient timelines (spec §2). Implementations: SQLite (embedded) and Redis (distributed);
 * one conformance suite runs against each. `apply` is atomic and idempotent per message.
 */
export interface TimelineStore {
  apply(id: MessageId, effects: MessageEffects): Promise<ApplyResult>;
  /** the patient's current timeline (latest version of every result), merges followed */
  timeline(patient: PatientKey): Promise<Timeline>;
  /** the surviving key of a patient after merges */
  resolve(patient: PatientKey): Promise<PatientKey>;
  patientCount(): Promise<number>;
}

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

export interface DeadLetter {
  receivedAt: string;
  origin: string;
  code: ErrorCode;
  detail: string;
  bytes: Buffer;
}

export interface DeadLetterStore {
  add(letter: DeadLetter): Promise<void>;
  count(): Promise<number>;
  list(limit: number): Promise<(DeadLetter & { id: number })[]>;
}

/** Durability boundary: everything written before `flush` resolves survives a crash. */
export interface Durable {
  flush(): Promise<void>;
  close(): Promise<void>;
}
