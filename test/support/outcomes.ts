import type { Alert } from '../../src/domain/alert.js';
import type { ExpectedOutcome } from '../../src/generate/synthetic-feed.js';

/**
 * Compares alerts with the generator's expected outcomes: per patient key "none", "open:<tier>"
 * or "withdrawn:" ("open" stands for any status but withdrawn). Merged-away prior ids and the
 * reference lab's alias keys (`mergedInto`) expect "none": their evidence and alerts belong to
 * the survivor. An alert for a key the feed does not have is a mismatch too.
 */
export function outcomeMismatches(alerts: readonly Alert[], expected: ReadonlyMap<string, ExpectedOutcome>): string[] {
  const byPatient = new Map(alerts.map((a) => [a.patientKey, a]));
  const mismatches: string[] = [];
  for (const [key, want] of expected) {
    const got = byPatient.get(key);
    const actual = got === undefined ? 'none' : `${got.status === 'withdrawn' ? 'withdrawn' : 'open'}:${got.status === 'withdrawn' ? '' : got.tier}`;
    const wanted = want.expectedStatus === 'none' ? 'none' : `${want.expectedStatus}:${want.expectedStatus === 'withdrawn' ? '' : want.expectedTier}`;
    if (actual !== wanted) mismatches.push(`${key} (${want.archetype}): expected ${wanted}, got ${actual}`);
  }
  for (const a of alerts) if (!expected.has(a.patientKey)) mismatches.push(`${a.patientKey}: alert for a key the feed does not have`);
  return mismatches;
}
