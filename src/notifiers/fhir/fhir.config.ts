import { z } from 'zod';
import { isLoopbackHttpOrHttps } from '../http-delivery.js';
import { PatientSystems } from './patient-identifier.js';

/** The FHIR R4 channel's configuration: parse once at start, pass the result to `new FhirNotifier`. */
export const FhirChannelConfig = z.object({
  /** the FHIR server's base URL; the transaction Bundle is POSTed to it */
  baseUrl: z.string().url(),
  /** sent as `Authorization: Bearer <token>` when set */
  bearerToken: z.string().min(1).optional(),
  /** one attempt, answer included; the queue retries a timeout */
  timeoutMs: z.number().int().positive().max(120_000).default(15_000),
  /** assigning authority → FHIR identifier system of the patient (see patient-identifier.ts) */
  patientSystems: PatientSystems.default({}),
  /** http:// to another machine: only for a test network, alerts carry patient data */
  allowInsecureHttp: z.boolean().default(false),
}).strict().refine((c) => c.allowInsecureHttp || isLoopbackHttpOrHttps(c.baseUrl), {
  message: 'baseUrl must be https (http only to localhost, or with allowInsecureHttp)',
  path: ['baseUrl'],
});
export type FhirChannelConfig = z.infer<typeof FhirChannelConfig>;
