import { z } from 'zod';
import { patientKeysOf, type PatientSystems } from '../../notifiers/fhir/patient-identifier.js';
import type { PatientViewRequest } from './schemas.js';

/** The prefetch key and template we ask for in discovery. */
export const PATIENT_PREFETCH = { patient: 'Patient/{{context.patientId}}' } as const;

const Patient = z.looseObject({
  resourceType: z.literal('Patient'),
  id: z.string().optional(),
  identifier: z.array(z.object({ system: z.string().optional(), value: z.string().optional() })).optional(),
});
type Patient = z.infer<typeof Patient>;

const SearchSet = z.looseObject({
  resourceType: z.literal('Bundle'),
  entry: z.array(z.object({ resource: z.unknown().optional() })).optional(),
});

/** Why the patient could not be resolved: the EHR sent data we must not trust, or none we can use. */
export class PatientLookupError extends Error {
  constructor(readonly status: 400 | 412, message: string) {
    super(message);
  }
}

export interface LookupOptions {
  patientSystems: PatientSystems;
  fhirServers: readonly string[];
  fhirTimeoutMs: number;
}

/**
 * The EHR's patient id (`context.patientId`, a FHIR id of the EHR's) is not our key. We read the
 * Patient's identifiers and map each through the same authority ↔ system table as the FHIR
 * channel (patient-identifier.ts), giving candidate keys in the identifiers' order:
 * 1. from `prefetch.patient` (our template `Patient/{{context.patientId}}`; a searchset Bundle
 *    is read too); a prefetched `null` means the EHR has no such Patient: no keys;
 * 2. else from `GET <fhirServer>/Patient/<id>` with the call's `fhirAuthorization`, only when
 *    `fhirServer` is one of the configured servers;
 * 3. else the CDS Hooks answer for missing data: 412 Precondition Failed.
 * A Patient whose id is not `context.patientId` is refused (400): showing another patient's
 * alert on this chart is the one mistake this service must not make.
 */
export async function patientKeysFor(request: PatientViewRequest, opts: LookupOptions): Promise<string[]> {
  const { patientId } = request.context;
  const prefetched = request.prefetch?.patient;
  let patient: Patient | null;
  if (prefetched === null) patient = null;
  else if (prefetched !== undefined) patient = fromPrefetch(prefetched, patientId);
  else patient = await fetchPatient(request, opts);
  if (patient === null) return [];
  if (patient.id !== undefined && patient.id !== patientId) throw new PatientLookupError(400, 'the Patient is not context.patientId');
  return patientKeysOf(patient.identifier ?? [], opts.patientSystems);
}

function fromPrefetch(value: unknown, patientId: string): Patient | null {
  const single = Patient.safeParse(value);
  if (single.success) return single.data;
  const bundle = SearchSet.safeParse(value);
  if (!bundle.success) throw new PatientLookupError(400, 'prefetch.patient is neither a Patient nor a Bundle');
  const patients = (bundle.data.entry ?? []).map((e) => Patient.safeParse(e.resource)).filter((p) => p.success).map((p) => p.data);
  return patients.find((p) => p.id === patientId) ?? patients[0] ?? null;
}

async function fetchPatient(request: PatientViewRequest, opts: LookupOptions): Promise<Patient | null> {
  const base = request.fhirServer?.replace(/\/+$/, '');
  const allowed = base !== undefined && opts.fhirServers.some((s) => s.replace(/\/+$/, '') === base);
  if (!allowed || !request.fhirAuthorization) throw new PatientLookupError(412, 'no prefetched Patient and no FHIR server we may read it from');
  let res: Response;
  try {
    res = await fetch(`${base}/Patient/${encodeURIComponent(request.context.patientId)}`, {
      headers: { accept: 'application/fhir+json', authorization: `Bearer ${request.fhirAuthorization.access_token}` },
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.fhirTimeoutMs),
    });
  } catch {
    throw new PatientLookupError(412, 'the FHIR server did not answer');
  }
  if (res.status === 404 || res.status === 410) return null;
  if (!res.ok) throw new PatientLookupError(412, `the FHIR server answered ${res.status}`);
  const parsed = Patient.safeParse(await res.json().catch(() => undefined));
  if (!parsed.success) throw new PatientLookupError(412, 'the FHIR server sent no Patient');
  return parsed.data;
}
