import type { ResultVersion } from '../../domain/result.js';
import { NO_FINDINGS, findingsAsRead, kindsOf, type FirstSeen, type StoredVersion } from './stored-version.js';
import { isNewer } from './version-order.js';

/** What applying one version does to its result key: the row to write, and whether the patient's timeline changed. */
export interface VersionPlan {
  row: StoredVersion;
  /** the rule may decide otherwise now: findings, measurement, observation time or class changed */
  changed: boolean;
}

/**
 * Spec §2, one result key: `old` is the stored version (undefined: none), `seq` the arrival
 * number this version gets. Returns null when the version writes nothing: it is outranked, it
 * finalizes nothing, or it only matters over an earlier version (`storeIfNew: false`).
 * The Redis script (redis/apply.lua) follows the same plan; the golden table keeps them equal.
 */
export function planVersion(old: StoredVersion | undefined, v: ResultVersion, seq: number): VersionPlan | null {
  if (v.effect === 'finalize') {
    // U: "final, values unchanged". Without a stored version there is nothing to make final;
    // a preliminary arriving after its own U stays preliminary (decisions.md).
    if (old === undefined || !isNewer({ statusClass: 'final', messageTime: v.messageTime, seq }, old)) return null;
    const row: StoredVersion = { ...old, status: v.status, statusClass: 'final', messageTime: v.messageTime, seq };
    return { row, changed: differs(old, row) };
  }
  if (old === undefined && v.storeIfNew === false) return null;
  if (old !== undefined && !isNewer({ statusClass: v.statusClass, messageTime: v.messageTime, seq }, old)) return null;
  const head = { status: v.status, statusClass: v.statusClass, messageTime: v.messageTime, seq };
  const row: StoredVersion =
    v.effect === 'remove'
      // a tombstone: a late older version cannot revive the finding
      ? { ...head, observedAt: '', firstSeen: {}, findings: NO_FINDINGS, notes: '[]', measurement: null }
      : {
          ...head,
          observedAt: v.observedAt,
          firstSeen: firstSeenOf(old, v),
          findings: JSON.stringify(findingsAsRead(v)),
          notes: JSON.stringify(v.notes),
          measurement: v.measurement === undefined ? null : JSON.stringify(v.measurement),
        };
  return { row, changed: differs(old ?? EMPTY, row) };
}

/** A kind the key showed before keeps its first time; a new kind is first seen now. */
function firstSeenOf(old: StoredVersion | undefined, v: ResultVersion): FirstSeen {
  const out: FirstSeen = {};
  for (const kind of kindsOf(v)) out[kind] = old?.firstSeen[kind] ?? v.observedAt;
  return out;
}

const EMPTY: StoredVersion = { status: '', statusClass: 'final', messageTime: '', seq: 0, observedAt: '', firstSeen: {}, findings: NO_FINDINGS, notes: '[]', measurement: null };

/**
 * Whether the rule could see a difference: findings, measurement, observation time (the ageing
 * anchor), or the class of non-empty findings (possible vs definite). Notes alone do not alert.
 */
export function differs(a: StoredVersion, b: StoredVersion): boolean {
  return a.findings !== b.findings || a.measurement !== b.measurement || a.observedAt !== b.observedAt || (a.statusClass !== b.statusClass && b.findings !== NO_FINDINGS);
}
