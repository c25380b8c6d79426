import type { Delimiters } from '../hl7/delimiters.js';
import { component, field, repetitions, subcomponent, text, type Segment } from '../hl7/message.js';
import { makePatientKey, type PatientKey } from '../domain/patient-key.js';

/**
 * The patient key of a CX list (PID-3, MRG-1): the first repetition whose identifier type
 * (CX-5) is MR, else the first repetition with an id. The assigning authority is CX-4's
 * namespace id, else its universal id.
 */
export function patientKeyFromCx(raw: string, d: Delimiters): PatientKey | null {
  const reps = repetitions(raw, d).filter((r) => text(component(r, 1, d), d).trim() !== '');
  const chosen = reps.find((r) => component(r, 5, d).trim().toUpperCase() === 'MR') ?? reps[0];
  if (chosen === undefined) return null;
  const id = text(component(chosen, 1, d), d).trim();
  const cx4 = component(chosen, 4, d);
  const authority = text(subcomponent(cx4, 1, d), d).trim() || text(subcomponent(cx4, 2, d), d).trim();
  return makePatientKey(authority, id);
}

/** PID-3, falling back to the v2.3 external id PID-2. */
export function patientKeyFromPid(pid: Segment, d: Delimiters): PatientKey | null {
  return patientKeyFromCx(field(pid, 3), d) ?? patientKeyFromCx(field(pid, 2), d);
}

export type Sex = 'M' | 'F' | 'U';

export function sexFromPid(pid: Segment, d: Delimiters): Sex {
  const s = component(field(pid, 8), 1, d).trim().toUpperCase();
  return s === 'M' || s === 'F' ? s : 'U';
}
