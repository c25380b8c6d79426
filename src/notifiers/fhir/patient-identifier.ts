import { z } from 'zod';

/**
 * Our patient key is "<assigning authority>|<id>" (PID-3.4 namespace, else its universal id, and
 * PID-3.1). FHIR names the same identifier `{ system, value }`, where the system is a URI the
 * hospital chose for that authority. The mapping is configuration, the same for every FHIR-facing
 * part (the FHIR channel writes it, the CDS Hooks service reads it back):
 * 1. `patientSystems[authority]` when configured (e.g. `"HOSP": "urn:oid:1.2.3.4.5"`);
 * 2. an authority that is itself an OID (HD-2 with HD-3 ISO, or an OID in HD-1) maps to `urn:oid:<oid>`;
 * 3. otherwise there is no mapping, and nothing is guessed: a made-up system would create an
 *    identifier no EHR resolves, so the alert would sit on no chart.
 */
export const PatientSystems = z.record(z.string(), z.string().regex(/^[a-z][a-z0-9+.-]*:\S+$/i, 'an absolute URI'));
export type PatientSystems = z.infer<typeof PatientSystems>;

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;

export interface PatientIdentifier {
  system: string;
  value: string;
}

/** Splits a patient key at its first bar: the authority may be empty, the id may contain bars. */
export function splitPatientKey(patientKey: string): { authority: string; id: string } {
  const bar = patientKey.indexOf('|');
  return bar < 0 ? { authority: '', id: patientKey } : { authority: patientKey.slice(0, bar), id: patientKey.slice(bar + 1) };
}

export function systemForAuthority(authority: string, systems: PatientSystems): string | undefined {
  return systems[authority] ?? (OID.test(authority) ? `urn:oid:${authority}` : undefined);
}

/** The FHIR identifier of a patient key, or undefined when its authority has no system. */
export function patientIdentifier(patientKey: string, systems: PatientSystems): PatientIdentifier | undefined {
  const { authority, id } = splitPatientKey(patientKey);
  const system = systemForAuthority(authority, systems);
  return system === undefined || id === '' ? undefined : { system, value: id };
}

/**
 * The patient keys that FHIR identifiers name, in the order of the identifiers. A configured
 * system wins over the OID rule; identifiers in systems we do not know give nothing.
 */
export function patientKeysOf(identifiers: readonly { system?: string; value?: string }[], systems: PatientSystems): string[] {
  const authorityOf = new Map(Object.entries(systems).map(([authority, system]) => [system, authority]));
  const keys: string[] = [];
  for (const { system, value } of identifiers) {
    if (!system || !value) continue;
    const oid = system.startsWith('urn:oid:') ? system.slice('urn:oid:'.length) : undefined;
    const authority = authorityOf.get(system) ?? (oid !== undefined && OID.test(oid) ? oid : undefined);
    if (authority !== undefined) keys.push(`${authority}|${value}`);
  }
  return [...new Set(keys)];
}
