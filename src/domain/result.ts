import type { Certainty, Finding, StatusClass } from './finding.js';
import type { PatientKey } from './patient-key.js';
import type { UnreadNote } from './unread.js';

/** What a version does to its result key (spec §2 status classes). */
export type VersionEffect =
  /** a new value: replaces the findings under its key when it outranks the stored version */
  | 'replace'
  /** D (deleted), W (wrong patient), X (cannot be obtained): removes the findings (a tombstone) */
  | 'remove'
  /** U: makes the stored version final without changing its value */
  | 'finalize';

/**
 * A watched measurement, abnormal or not: persistence needs the latest one of its kind (spec §2),
 * the suggested work-up needs to know a test is on record even when normal (spec §3), and the
 * explanation shows it.
 */
export interface Measurement {
  /** the kind it tests for: platelets → thrombocytosis; Hb, Hct → polycythemia; VEGF → vegfHigh */
  kind: 'thrombocytosis' | 'polycythemia' | 'vegfHigh';
  observedAt: string;
  abnormal: boolean;
  /** converted value and unit (10*9/L, g/dL, %) for the explanation */
  value: number;
  unit: string;
}

/**
 * One version of one result (spec §2): everything a message says about a `resultKey`.
 * A version with no findings is meaningful: a corrected value that is now normal, a final
 * report that names nothing, or a deletion replaces whatever an earlier version said.
 */
export interface ResultVersion {
  patientKey: PatientKey;
  resultKey: string;
  /** OBX-11 (else OBR-25), upper case; 'F' for diagnoses ('D' when deleted) */
  status: string;
  /** final (F C A D W X U) or preliminary (P R S I, OBR-25 A): final outranks preliminary */
  statusClass: StatusClass;
  effect: VersionEffect;
  /** HL7 message time (MSH-7) as ISO; the version order within a class, arrival breaks ties */
  messageTime: string;
  /** when the result was observed (OBX-14 / OBR-7 / MSH-7; diagnoses: EVN-2 / MSH-7) */
  observedAt: string;
  findings: Finding[];
  /**
   * preliminary versions: each finding's certainty as read, before the preliminary class made it
   * `possible` (same order as `findings`). U (finalize) restores it: a hedged phrase stays
   * possible, a plain one becomes definite. Absent: the findings' own certainty.
   */
  certaintyAsRead?: Certainty[];
  /** seen but not used: kept with the version so `alerts explain` can list them */
  notes: UnreadNote[];
  /** a watched lab value (abnormal or not), for persistence and the explanation */
  measurement?: Measurement;
  /**
   * false for a version with no findings that only matters if it replaces an earlier one (a
   * preliminary report that names nothing): the store then writes it only over an existing
   * version, which keeps a feed of mostly normal reports from filling the store.
   */
  storeIfNew?: boolean;
}

/** How two keys of one person came to be joined. */
export type LinkKind = 'merge' | 'alias';

/** Everything one message asks the store to do. */
export interface MessageEffects {
  /** the message's patient (first PID); null for a message without a usable PID */
  patientKey: PatientKey | null;
  results: ResultVersion[];
  /**
   * ADT^A40/A34/A36: each PID/MRG group moves `prior` (MRG-1) into `survivor` (PID-3);
   * aliases (spec §1.3): the other identifiers of the same PID-3 are merged into the key
   */
  merges: { prior: PatientKey; survivor: PatientKey; kind: LinkKind }[];
  /** values and phrases of this message not used, counted by the replay summary */
  unread: UnreadNote[];
}
