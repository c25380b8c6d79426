/**
 * The connection (lane) a message goes on: one patient's messages always on the same lane, so
 * they arrive in feed order, as one patient's records stay in one Kafka partition. A message
 * without a patient key (it does not parse, or names no patient) goes round by its position.
 * FNV-1a (32 bit): stable across runs and processes, so a resumed replay routes as the first.
 */
export function laneOf(patientKey: string | null, position: number, lanes: number): number {
  if (lanes <= 1) return 0;
  if (patientKey === null) return position % lanes;
  let h = 0x811c9dc5;
  for (let i = 0; i < patientKey.length; i++) {
    h ^= patientKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % lanes;
}
