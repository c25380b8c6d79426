import type { ResultVersion } from '../../domain/result.js';
import { NO_FINDINGS, findingsAsRead, kindsOf, listJson, sameMeasurement, type FirstSeen, type StoredVersion } from './stored-version.js';
import { isNewer } from './version-order.js';

/** What applying one version does to its result key: the row to write, and what the rule could see change. */
export interface VersionPlan {
  row: StoredVersion;
  /** the findings changed (or their class: possible vs definite) */
  findingsChanged: boolean;
  /** the measurement or the observation time (the ageing anchor) changed */
  contextChanged: boolean;
  /** +1 / -1 when the key starts / stops holding findings: the patient's count of finding rows */
  findingRowsDelta: -1 | 0 | 1;
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
    return planOf(old, row);
  }
  if (old === undefined && v.storeIfNew === false) return null;
  if (old !== undefined && !isNewer({ statusClass: v.statusClass, messageTime: v.messageTime, seq }, old)) return null;
  const removes = v.effect === 'remove';
  const findings = removes ? NO_FINDINGS : listJson(findingsAsRead(v));
  // what this version replaces: findings it changes are kept as superseded (one version back)
  const superseded = old === undefined ? NO_FINDINGS : old.findings !== NO_FINDINGS && old.findings !== findings ? old.findings : old.superseded;
  const head = { status: v.status, statusClass: v.statusClass, messageTime: v.messageTime, seq, findings, superseded };
  const row: StoredVersion = removes
    // a tombstone: a late older version cannot revive the finding
    ? { ...head, observedAt: '', firstSeen: {}, notes: '[]', measurement: null }
    : { ...head, observedAt: v.observedAt, firstSeen: firstSeenOf(old, v), notes: listJson(v.notes), measurement: v.measurement ?? null };
  return planOf(old ?? EMPTY, row);
}

function planOf(old: StoredVersion, row: StoredVersion): VersionPlan {
  const had = old.findings !== NO_FINDINGS;
  const has = row.findings !== NO_FINDINGS;
  return {
    row,
    findingsChanged: old.findings !== row.findings || (old.statusClass !== row.statusClass && has),
    contextChanged: !sameMeasurement(old.measurement, row.measurement) || old.observedAt !== row.observedAt,
    findingRowsDelta: had === has ? 0 : has ? 1 : -1,
  };
}

/**
 * Whether a written version re-evaluates its patient: a change of findings always; a change of
 * measurement or observation time only when the patient holds findings (`holdsFindings`, asked
 * only then). With no finding at all no tier can hold, before or after, so a stream of normal
 * counts for a patient with nothing on record costs no re-evaluation.
 */
export function reevaluates(plan: VersionPlan, holdsFindings: () => boolean): boolean {
  if (plan.findingsChanged) return true;
  if (!plan.contextChanged) return false;
  return plan.row.findings !== NO_FINDINGS || holdsFindings();
}

/** A kind the key showed before keeps its first time; a new kind is first seen now. */
function firstSeenOf(old: StoredVersion | undefined, v: ResultVersion): FirstSeen {
  const out: FirstSeen = {};
  for (const kind of kindsOf(v)) out[kind] = old?.firstSeen[kind] ?? v.observedAt;
  return out;
}

const EMPTY: StoredVersion = { status: '', statusClass: 'final', messageTime: '', seq: 0, observedAt: '', firstSeen: {}, findings: NO_FINDINGS, notes: '[]', superseded: NO_FINDINGS, measurement: null };
