import { z } from 'zod';

/**
 * Who an alert is for (issue 8 routing): the ordering provider of the evidence (OBR-16), the
 * patient's attending (PV1-7), or a named pool (a neuromuscular or haematology team). `id` is
 * the provider identifier as sent (XCN-1, with its assigning authority when present) or the pool
 * name from the site profile.
 */
export const RecipientKind = z.enum(['ordering-provider', 'attending', 'pool']);
export type RecipientKind = z.infer<typeof RecipientKind>;

export const Recipient = z.object({
  kind: RecipientKind,
  id: z.string().min(1),
  /** a display name for the inbox ("Dr Test Neuro"); never used as a key */
  display: z.string().optional(),
});
export type Recipient = z.infer<typeof Recipient>;

export function recipientKey(r: Recipient): string {
  return `${r.kind}:${r.id}`;
}
