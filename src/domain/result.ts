import type { Finding } from './finding.js';
import type { PatientKey } from './patient-key.js';

/**
 * One version of one result (spec §2): everything a message says about a `resultKey`.
 * A version with no findings is meaningful: a corrected value that is now normal, or a
 * deletion (D/W/X), replaces whatever an earlier version said.
 */
export interface ResultVersion {
  patientKey: PatientKey;
  resultKey: string;
  /** OBX-11 (or a DG1 action code mapped onto it) */
  status: string;
  /** HL7 message time (MSH-7) as ISO; the version order, with arrival order as tie-breaker */
  messageTime: string;
  findings: Finding[];
  /**
   * false for a version with no findings that only matters if it replaces an earlier one (a
   * final report that names nothing): the store then writes it only over an existing version,
   * which keeps a feed of mostly normal reports from filling the store.
   */
  storeIfNew?: boolean;
}

/** Everything one message asks the store to do. */
export interface MessageEffects {
  /** the message's patient (first PID); null for a message without a usable PID */
  patientKey: PatientKey | null;
  results: ResultVersion[];
  /** ADT^A40/A34/A36: each PID/MRG group moves `prior` (MRG-1) into `survivor` (PID-3) */
  merges: { prior: PatientKey; survivor: PatientKey }[];
}
