import { z } from 'zod';

/** CDS Hooks 2.0 (https://cds-hooks.org): the bodies we accept. Unknown fields are allowed, as the spec asks (`extension`). */

export const FhirAuthorization = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().optional(),
  scope: z.string().optional(),
  subject: z.string().optional(),
});

/** A prefetch value: a FHIR resource, or null when the client had no data for it. */
const PrefetchValue = z.looseObject({ resourceType: z.string() }).nullable();

export const PatientViewRequest = z.object({
  hook: z.literal('patient-view'),
  hookInstance: z.string().min(1),
  fhirServer: z.string().url().optional(),
  fhirAuthorization: FhirAuthorization.optional(),
  context: z.looseObject({
    userId: z.string().min(1),
    patientId: z.string().min(1),
    encounterId: z.string().optional(),
  }),
  prefetch: z.record(z.string(), PrefetchValue).optional(),
});
export type PatientViewRequest = z.infer<typeof PatientViewRequest>;

export const CdsCoding = z.object({
  code: z.string().min(1),
  system: z.string().min(1).optional(),
  display: z.string().optional(),
});

export const FeedbackItem = z.object({
  card: z.string().min(1),
  outcome: z.enum(['accepted', 'overridden']),
  acceptedSuggestions: z.array(z.object({ id: z.string() })).optional(),
  overrideReason: z.object({
    reason: CdsCoding.optional(),
    userComment: z.string().max(2_000).optional(),
  }).optional(),
  outcomeTimestamp: z.iso.datetime({ offset: true }),
});
export type FeedbackItem = z.infer<typeof FeedbackItem>;

export const FeedbackRequest = z.object({ feedback: z.array(FeedbackItem).min(1).max(100) });
