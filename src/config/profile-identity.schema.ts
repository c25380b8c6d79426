import { z } from 'zod';

/** How a patient key is chosen from PID-3 (spec §1.3). */
export const IdentityProfile = z.object({
  /** assigning authorities in order of preference, after an MR-typed identifier */
  authorities: z.array(z.string().min(1)),
  /** identifiers never used as a key (e.g. "999999999"); one digit repeated is always a placeholder */
  placeholders: z.array(z.string().min(1)),
  /** MSH-4 → the assigning authority of an identifier sent without one (else MSH-4.1 itself) */
  authorityByFacility: z.record(z.string(), z.string().min(1)),
  /** identifier types (CX-5) of the same PID-3 that are linked to the key as aliases */
  aliasTypes: z.array(z.string().min(1)),
  /** identifier types (CX-5) never chosen as the key: account, visit, social security, licence, insurance numbers */
  nonPatientTypes: z.array(z.string().min(1)),
}).strict();
export type IdentityProfile = z.infer<typeof IdentityProfile>;
