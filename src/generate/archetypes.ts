/**
 * Archetypes: the minority of patients whose messages exercise one clause of the spec
 * (shared/spec/poems-rule.md) and have a known tier and alert status after the whole feed.
 * Expected tiers use the DEFAULT profile thresholds.
 */
import type { Tier } from '../domain/tier.js';

export type Archetype =
  | 'unremarkable'
  | 'no-neuropathy'
  | 'cidp-only'
  | 'mgus-kappa'
  | 'diabetic-neuropathy'
  | 'negated-text'
  | 'cidp-minor-ife-negative'
  | 'screening-gap'
  | 'lambda-clone'
  | 'vegf-only'
  | 'poems-full'
  | 'corrected'
  | 'deleted'
  | 'duplicate'
  | 'merged'
  | 'out-of-order'
  | 'poems-known';

/**
 * The alert state expected for a patient key after the whole feed:
 * - `open`: an alert of `expectedTier` exists (nobody acknowledges synthetic alerts);
 * - `withdrawn`: an alert existed and no tier holds any more;
 * - `none`: no alert ever existed under this key (or, for a merged-away prior id, it moved).
 */
export type ExpectedStatus = 'open' | 'withdrawn' | 'none';

export interface ArchetypeInfo {
  archetype: Archetype;
  expectedTier: Tier | null;
  expectedStatus: ExpectedStatus;
  /** share of patients; at least one of each non-routine archetype once the feed is big enough */
  share: number;
  /** the spec clause the archetype exercises */
  clause: string;
}

/**
 * Listed in priority order: with fewer patients than archetypes, the first ones are kept.
 * 'unremarkable' takes whatever share is left (~84 % of patients).
 */
export const ARCHETYPES: readonly ArchetypeInfo[] = [
  {
    // CIDP (G61.81) + IgA-λ serum IFE + plasma VEGF 480 pg/mL + platelets 520 + CT "multiple
    // sclerotic lesions"; the neurophysiology report also *mentions* POEMS, which must not suppress.
    archetype: 'poems-full', expectedTier: 'criteria-met', expectedStatus: 'open', share: 0.005,
    clause: '§3 criteria-met: clone + ≥1 major + ≥1 minor; §1 poemsKnown: "a report that merely mentions POEMS does not suppress"',
  },
  {
    // CIDP (DG1 G61.81 or neurophysiology text) + exactly one minor criterion (platelets, Hb in
    // g/dL or g/L, Hct, splenomegaly code or ultrasound text, hypogonadism, pigmentation, oedema);
    // no immunofixation; sometimes an SPEP with no M-spike (SPEP is not immunofixation).
    archetype: 'screening-gap', expectedTier: 'screening-gap', expectedStatus: 'open', share: 0.015,
    clause: '§3 screening-gap: neuropathy with cidp, ≥1 minor, no serum/urine immunofixation on record',
  },
  {
    // Polyneuropathy + λ clone (bone-marrow "lambda-restricted plasma cells, 6%" or IgG-λ IFE).
    archetype: 'lambda-clone', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.01,
    clause: '§3 workup-recommended: clone(λ)',
  },
  {
    // Polyneuropathy + high VEGF only: plasma (SPM-4 or OBR-15), serum > 1000, ng/L, or an
    // unknown specimen above the OBX-7 range with flag H.
    archetype: 'vegf-only', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.008,
    clause: '§3 workup-recommended: vegfHigh; §1 vegfHigh specimen rules and ng/L = pg/mL',
  },
  {
    // CIDP + platelets 520 (F) → screening-gap; then a C correction of the same OBX to 300.
    archetype: 'corrected', expectedTier: null, expectedStatus: 'withdrawn', share: 0.005,
    clause: '§2 C corrected replaces the earlier value; §4 withdrawn when no tier holds',
  },
  {
    // Polyneuropathy + plasma VEGF 480 (F) → workup-recommended; then OBX-11 D on that result.
    archetype: 'deleted', expectedTier: null, expectedStatus: 'withdrawn', share: 0.005,
    clause: '§2 D deleted removes the finding; §4 withdrawn',
  },
  {
    // CIDP + platelets 520, the CBC message sent twice with the same MSH-10.
    archetype: 'duplicate', expectedTier: 'screening-gap', expectedStatus: 'open', share: 0.005,
    clause: '§2 a message received twice (same MSH-10, same facility) is applied once',
  },
  {
    // Prior id (an "unknown patient" registration): CIDP + platelets 520 → screening-gap there.
    // Surviving id: IgA-λ IFE + plasma VEGF 480 + sclerotic CT (no neuropathy → nothing there).
    // ADT^A40 at the end joins them: the union meets the criteria.
    archetype: 'merged', expectedTier: 'criteria-met', expectedStatus: 'open', share: 0.004,
    clause: '§2 merges: A40 moves findings and open alerts of MRG-1 to PID-3, then re-evaluates',
  },
  {
    // CIDP + platelets: the final (300, normal: clumped sample) arrives AFTER its correction
    // (520), whose MSH-7 is later. The correction must win → screening-gap.
    archetype: 'out-of-order', expectedTier: 'screening-gap', expectedStatus: 'open', share: 0.004,
    clause: '§2 messages may arrive out of order: the version order is MSH-7, not arrival',
  },
  {
    // DG1 "D47.2^POEMS syndrome" first, then CIDP + IgA-λ IFE + platelets 520 + Castleman node
    // + splenomegaly: criteria-met evidence, but the diagnosis is already made.
    archetype: 'poems-known', expectedTier: null, expectedStatus: 'none', share: 0.004,
    clause: '§3 no alert if poemsKnown is present; §1 poemsKnown from DG1 text',
  },
  {
    // CIDP + "No sclerotic lesions. Small bone island…", "No evidence of Castleman disease",
    // "No ascites or pleural effusion."
    archetype: 'negated-text', expectedTier: null, expectedStatus: 'none', share: 0.01,
    clause: '§1 text findings are negation-aware; mimics ("bone island") do not count',
  },
  {
    // Thrombocytosis + IgG-λ IFE + serum VEGF 1600 + splenomegaly, but no neuropathy.
    archetype: 'no-neuropathy', expectedTier: null, expectedStatus: 'none', share: 0.006,
    clause: '§3 no alert unless neuropathy is present',
  },
  {
    // Polyneuropathy + IgM-κ IFE (sometimes SPEP M-spike 0.4 and D47.2 "Monoclonal gammopathy").
    archetype: 'mgus-kappa', expectedTier: null, expectedStatus: 'none', share: 0.02,
    clause: '§3 none: neuropathy + clone(κ) alone (IgM-κ MGUS neuropathy); clone(untyped) needs a major or minor',
  },
  {
    // CIDP only (code or neurophysiology text), sometimes a negative IFE and a normal CBC.
    archetype: 'cidp-only', expectedTier: null, expectedStatus: 'none', share: 0.03,
    clause: '§3 none: neuropathy alone',
  },
  {
    // CIDP + negative serum IFE (on record first) + platelets 500.
    archetype: 'cidp-minor-ife-negative', expectedTier: null, expectedStatus: 'none', share: 0.008,
    clause: '§3 screening-gap needs "no immunofixation on record"; §1 a negative IFE is ifeDone, no clone',
  },
  {
    // Polyneuropathy (G62.9) + type 2 diabetes (E11.9) + hypothyroidism (E03.9).
    archetype: 'diabetic-neuropathy', expectedTier: null, expectedStatus: 'none', share: 0.015,
    clause: '§1 endocrinopathy: diabetes and hypothyroidism alone never count',
  },
  {
    // Routine traffic only.
    archetype: 'unremarkable', expectedTier: null, expectedStatus: 'none', share: 0,
    clause: '§3 no alert unless neuropathy is present (the background of the feed)',
  },
];

const UNREMARKABLE = ARCHETYPES.findIndex((a) => a.archetype === 'unremarkable');

/** How many patients of each archetype (index into ARCHETYPES) a feed of n patients has. */
export function archetypeCounts(n: number): number[] {
  const counts = ARCHETYPES.map((a, i) => (i === UNREMARKABLE ? 0 : Math.max(1, Math.round(n * a.share))));
  let special = counts.reduce((s, c) => s + c, 0);
  // Small feeds: drop from the end of the priority list until the special patients fit.
  for (let i = counts.length - 1; special > n && i >= 0; i--) {
    const c = counts[i] ?? 0;
    const cut = Math.min(c, special - n);
    counts[i] = c - cut;
    special -= cut;
  }
  counts[UNREMARKABLE] = n - special;
  return counts;
}
