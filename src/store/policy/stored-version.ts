import type { Finding, StatusClass } from '../../domain/finding.js';
import type { ResultVersion } from '../../domain/result.js';

/**
 * The stored state of one result key (spec §2): the latest version, as both adapters keep it.
 * Findings, notes and measurement stay JSON text: the store compares and moves them, it never
 * needs their fields, and text compares cheaply for change detection.
 */
export interface StoredVersion {
  /** OBX-11 (else OBR-25) of the version; 'U' once finalized */
  status: string;
  statusClass: StatusClass;
  /** MSH-7 as ISO, '' when missing */
  messageTime: string;
  /** arrival order (the tie-break of equal times) */
  seq: number;
  /** when the result was observed; '' for a tombstone (a deleted result dates nothing) */
  observedAt: string;
  /**
   * JSON of the findings as read: certainty before the preliminary class made it `possible`,
   * no `status`. The class is applied when a timeline is read, so U only flips `statusClass`.
   */
  findings: string;
  /** JSON of the version's unread notes */
  notes: string;
  /** JSON of the version's measurement, null when it has none */
  measurement: string | null;
}

export const NO_FINDINGS = '[]';

/** The findings of a version as the store keeps them (see StoredVersion.findings). */
export function findingsAsRead(v: ResultVersion): Finding[] {
  if (v.statusClass !== 'preliminary') return v.findings;
  return v.findings.map((f, i) => {
    const { status: _status, ...rest } = f;
    return { ...rest, certainty: v.certaintyAsRead?.[i] ?? f.certainty };
  });
}

/** Spec §2: findings of a preliminary version are `possible` and say so. */
export function findingsOfClass(asRead: Finding[], statusClass: StatusClass): Finding[] {
  return statusClass === 'preliminary' ? asRead.map((f) => ({ ...f, certainty: 'possible', status: 'preliminary' })) : asRead;
}
