import type { Finding } from './finding.js';
import type { PatientKey } from './patient-key.js';
import type { Measurement } from './result.js';
import type { UnreadNote } from './unread.js';

/**
 * A patient's current state as the rule sees it (spec §2), after merges and aliases:
 * the latest version of every result, nothing else. Pure data: the rule reads no store.
 */
export interface Timeline {
  patientKey: PatientKey;
  /**
   * the findings of the latest version of every result key; `observedAt` is when a finding was
   * first seen and `lastObservedAt` when last seen; findings of a preliminary version are
   * `possible` and carry `status: 'preliminary'`
   */
  findings: Finding[];
  /** every watched lab value under the latest versions, normal or not (persistence, §2) */
  measurements: Measurement[];
  /** the newest observedAt of any of the patient's results, normal or not: the ageing anchor */
  newestObservedAt: string | null;
  /** seen but not used (latest versions), plus findings a later version superseded */
  notes: UnreadNote[];
}

export function emptyTimeline(patientKey: PatientKey): Timeline {
  return { patientKey, findings: [], measurements: [], newestObservedAt: null, notes: [] };
}
