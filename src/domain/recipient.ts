import { z } from 'zod';
import type { Alert } from './alert.js';
import { lastSeen, type Finding } from './finding.js';

/**
 * Who an alert is for (issue 8 routing): the ordering provider of the evidence (OBR-16), the
 * patient's attending (PV1-7), or a named pool (a neuromuscular or haematology team). `id` is
 * the provider identifier as sent, "<XCN-9 assigning authority>|<XCN-1>" (extract/providers.ts),
 * or the pool name from the site profile.
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

/** The clinicians an alert's evidence names; either may be unknown (a feed without OBR-16 or PV1). */
export interface CareTeam {
  orderingProvider?: string;
  attending?: string;
}

/**
 * The ordering provider and the attending of the alert's newest evidence that names one: the
 * result that completed the picture was ordered by someone who is waiting for it, and the
 * attending of the latest message is the one caring for the patient now (an attending of a
 * 2021 diagnosis may have moved on). Ties on the date go to the later finding in the evidence
 * list. Pure.
 */
export function careTeamOf(alert: Pick<Alert, 'evidence'>): CareTeam {
  const team: CareTeam = {};
  const orderingProvider = newest(alert.evidence, (f) => f.source.orderingProvider);
  const attending = newest(alert.evidence, (f) => f.source.attending);
  if (orderingProvider !== undefined) team.orderingProvider = orderingProvider;
  if (attending !== undefined) team.attending = attending;
  return team;
}

function newest(evidence: readonly Finding[], pick: (f: Finding) => string | undefined): string | undefined {
  let best: { at: number; value: string } | undefined;
  for (const f of evidence) {
    const value = pick(f);
    if (value === undefined) continue;
    const at = Date.parse(lastSeen(f));
    if (best === undefined || at >= best.at) best = { at, value };
  }
  return best?.value;
}
