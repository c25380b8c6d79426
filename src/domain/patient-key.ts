/**
 * A patient key is "<PID-3.4 assigning authority>|<PID-3.1 id>" (spec and architecture contract).
 * The assigning authority may be empty when a sender omits it; the bar is always present.
 */
export type PatientKey = string;

export function makePatientKey(assigningAuthority: string, id: string): PatientKey {
  return `${assigningAuthority}|${id}`;
}
