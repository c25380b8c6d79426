import type { Alert } from '../../domain/alert.js';
import type { PatientKey } from '../../domain/patient-key.js';
import type { MessageEffects } from '../../domain/result.js';
import type { Timeline } from '../../domain/timeline.js';

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
  /**
   * patients to re-evaluate (after merges resolve): those whose findings changed, those holding
   * findings whose measurements or observation times changed (with no finding no tier can hold),
   * and merge survivors; on a duplicate the message's patient too, so a crash between the store
   * write and the alert update heals on re-delivery
   */
  patients: PatientKey[];
  /** merges applied (A40 and aliases), for combining alerts */
  merges: { prior: PatientKey; survivor: PatientKey }[];
  /** the (facility, MSH-10) was seen before with other content: applied, and counted as CONTROL_ID_REUSED */
  controlIdReused: boolean;
  /**
   * when asked (`readBack`) and the store can do it in the same step: the state of each patient in
   * `patients` as it stands after the message, so the caller's first decision needs no further
   * round trip (Redis: one script per message). Absent: the caller reads the state itself.
   */
  snapshots?: PatientSnapshot[];
}

/** A patient's timeline and current alert of one rule, read together. */
export interface PatientSnapshot {
  patient: PatientKey;
  timeline: Timeline;
  alert: Alert | null;
}

/** What `apply` may read back in the same step: the alerts of this rule (see ApplyResult.snapshots). */
export interface ReadBack {
  alertRule: string;
}

/**
 * Per-patient timelines (spec §2). Implementations: SQLite (embedded) and Redis (distributed);
 * the rules live once, in store/policy/, and one conformance suite and one golden table run
 * against each. `apply` is atomic and idempotent per message.
 */
export interface TimelineStore {
  apply(id: MessageId, effects: MessageEffects, readBack?: ReadBack): Promise<ApplyResult>;
  /** the patient's current timeline (latest version of every result), merges followed */
  timeline(patient: PatientKey): Promise<Timeline>;
  /** the surviving key of a patient after merges */
  resolve(patient: PatientKey): Promise<PatientKey>;
  patientCount(): Promise<number>;
}
