import type { Finding } from '../domain/finding.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { Timeline } from '../domain/timeline.js';

/** A timeline from stored findings alone (stand-in until the stores keep measurements and notes). */
export function timelineOf(patientKey: PatientKey, findings: Finding[]): Timeline {
  let newest: string | null = null;
  for (const f of findings) if (newest === null || f.observedAt > newest) newest = f.observedAt;
  return { patientKey, findings, measurements: [], newestObservedAt: newest, notes: [] };
}
