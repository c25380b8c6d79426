import type { PatientKey } from '../../domain/patient-key.js';
import type { StoredVersion } from './stored-version.js';
import { isNewer } from './version-order.js';

/**
 * Spec §2 merges (ADT^A40/A34/A36, and aliases of §1.3): every result of the prior identifier
 * moves to the survivor, the newer version winning per result key (version-order.ts); the
 * prior's rows are then deleted and the prior resolves to the survivor. Merge chains are kept
 * one hop long: whatever pointed at the prior points at the survivor afterwards, so `resolve` is
 * a single lookup. The Redis script (redis/apply.lua) does the same.
 * Returns the rows the survivor takes.
 */
export function planMerge(
  prior: Iterable<readonly [string, StoredVersion]>,
  survivorRow: (resultKey: string) => StoredVersion | undefined,
): [string, StoredVersion][] {
  const takes: [string, StoredVersion][] = [];
  for (const [resultKey, moving] of prior) {
    const held = survivorRow(resultKey);
    if (held === undefined || isNewer(moving, held)) takes.push([resultKey, moving]);
  }
  return takes;
}

/**
 * Who is re-evaluated after a message: every patient whose timeline changed, and the survivor
 * of every merge, each resolved at the end of the message (a key touched early and merged away
 * later is re-evaluated as its survivor), once each, in first-touched order.
 */
export function reevaluated(touched: Iterable<PatientKey>, resolve: (p: PatientKey) => PatientKey): PatientKey[] {
  return [...new Set([...touched].map(resolve))];
}
