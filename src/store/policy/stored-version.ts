import type { Finding, FindingKind, StatusClass } from '../../domain/finding.js';
import type { UnreadNote } from '../../domain/unread.js';
import type { Measurement, ResultVersion } from '../../domain/result.js';

/** When each kind under a result key was first seen: a finding seen again keeps it (spec §2 "Time"). */
export type FirstSeen = Partial<Record<FindingKind, string>>;

/**
 * The stored state of one result key (spec §2): the latest version, as both adapters keep it.
 * Findings and notes stay JSON text: the store compares and moves them, it never needs their
 * fields, and text compares cheaply for change detection. The measurement is a few scalars
 * (SQLite keeps them as columns: most rows of a laboratory feed are a value and nothing else).
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
  /** per kind of `findings`, when an earlier version of this key first showed it */
  firstSeen: FirstSeen;
  /**
   * JSON of the findings as read: certainty before the preliminary class made it `possible`,
   * no `status`. The class is applied when a timeline is read, so U only flips `statusClass`.
   */
  findings: string;
  /** JSON of the version's unread notes */
  notes: string;
  /**
   * JSON of the findings (as read) of the last earlier version that this key's versions replaced:
   * what a correction or deletion superseded, listed by `alerts explain` (spec §5)
   */
  superseded: string;
  /** the version's watched value, null when it has none */
  measurement: Measurement | null;
}

/** Two measurements say the same (a normal count re-sent unchanged changes nothing). */
export function sameMeasurement(a: Measurement | null, b: Measurement | null): boolean {
  if (a === null || b === null) return a === b;
  return a.kind === b.kind && a.value === b.value && a.abnormal === b.abnormal && a.unit === b.unit && a.observedAt === b.observedAt;
}

/** JSON of a list, without calling JSON.stringify for the common empty one. */
export function listJson(items: readonly unknown[]): string {
  return items.length === 0 ? '[]' : JSON.stringify(items);
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

/** The distinct kinds of a version's findings, in order. */
export function kindsOf(v: ResultVersion): FindingKind[] {
  return [...new Set(v.findings.map((f) => f.kind))];
}

/**
 * The findings as the rule reads them: of a preliminary version `possible` and marked so (spec
 * §2); a kind seen earlier under the same key keeps its first `observedAt`, and `lastObservedAt`
 * says when it was seen last (ageing counts from that).
 */
export function findingsAsTimeline(asRead: Finding[], statusClass: StatusClass, firstSeen: FirstSeen): Finding[] {
  return asRead.map((f) => {
    let out = f;
    const first = firstSeen[f.kind];
    if (first !== undefined && first !== f.observedAt && Date.parse(first) < Date.parse(f.observedAt)) out = { ...out, observedAt: first, lastObservedAt: f.observedAt };
    return statusClass === 'preliminary' ? { ...out, certainty: 'possible', status: 'preliminary' } : out;
  });
}

/**
 * Superseded findings as unread notes (spec §5 "superseded"): those of a kind the current
 * version no longer shows.
 */
export function supersededNotes(superseded: Finding[], current: readonly Finding[]): UnreadNote[] {
  const kinds = new Set(current.map((f) => f.kind));
  return superseded
    .filter((f) => !kinds.has(f.kind))
    .map((f) => ({
      reason: 'SUPERSEDED' as const,
      kind: f.kind,
      text: f.qualifiers.matched ?? (f.value === undefined ? f.kind : `${f.value}${f.unit ? ` ${f.unit}` : ''}`),
      detail: 'a later version of the same result replaced it',
      observedAt: f.observedAt,
      source: f.source,
    }));
}
