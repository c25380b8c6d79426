/**
 * Archetypes: the minority of patients whose messages exercise one clause of the spec
 * (shared/spec/poems-rule.md, rule version 2) and have a known tier and alert status after the
 * whole feed. Expected tiers use the DEFAULT profile thresholds. Plans: plans-clinical.ts and
 * plans-lifecycle.ts.
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
  | 'poems-known'
  | 'persistent-thrombocytosis'
  | 'thrombocytosis-normalised'
  | 'cirrhosis-like'
  | 'untyped-clone-organomegaly'
  | 'untyped-clone-minor'
  | 'two-minors'
  | 'hedged-major'
  | 'late-preliminary'
  | 'resent-old-diagnosis'
  | 'control-id-reuse'
  | 'alias-linked'
  | 'bare-identifier'
  | 'poems-not-affirmed';

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
    // CIDP (a G61.81 DG1) + λ serum IFE + plasma VEGF 480 pg/mL + platelets 520 + a skeletal CT
    // with sclerotic lesions (all definite); the neurophysiology report also *mentions* POEMS,
    // which must not suppress.
    archetype: 'poems-full', expectedTier: 'criteria-met', expectedStatus: 'open', share: 0.005,
    clause: '§3 criteria-met: clone + ≥1 major + ≥1 minor, all definite; §1 poemsKnown: "a report that merely mentions POEMS does not suppress"',
  },
  {
    // CIDP (DG1 in any coding system, working diagnosis, or neurophysiology text) + one minor
    // criterion (platelets, Hb, Hct in vendor units, splenomegaly code or ultrasound text,
    // hypogonadism, pigmentation, oedema) or the three cirrhosis-like minors; no immunofixation;
    // sometimes an SPEP with no M-spike (SPEP is not immunofixation).
    archetype: 'screening-gap', expectedTier: 'screening-gap', expectedStatus: 'open', share: 0.015,
    clause: '§3 screening-gap: neuropathy with cidp, ≥1 minor, no ifeDone; §1.1 units',
  },
  {
    // Polyneuropathy + λ clone: marrow "lambda-restricted plasma cells", λ IFE, or an FLC ratio
    // below the lab's range (possible λ).
    archetype: 'lambda-clone', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.01,
    clause: '§3 workup-recommended: clone(λ), possible findings included',
  },
  {
    // Polyneuropathy + high VEGF only: plasma (SPM-4 or OBR-15), serum > 1000, ng/L, ng/mL, or an
    // unknown specimen above the plasma cut-off and the OBX-7 range with flag H (possible).
    archetype: 'vegf-only', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.008,
    clause: '§3 workup-recommended: vegfHigh; §1 vegfHigh specimen rules and units',
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
    // Surviving id: λ IFE + plasma VEGF 480 + sclerotic CT (no neuropathy → nothing there).
    // ADT^A40 at the end joins them: the union meets the criteria.
    archetype: 'merged', expectedTier: 'criteria-met', expectedStatus: 'open', share: 0.004,
    clause: '§2 merges: A40 moves findings and open alerts of MRG-1 to PID-3, then re-evaluates',
  },
  {
    // CIDP + platelets: the final (300, normal: clumped sample) arrives AFTER its correction
    // (520), whose MSH-7 is later. The correction must win → screening-gap.
    archetype: 'out-of-order', expectedTier: 'screening-gap', expectedStatus: 'open', share: 0.004,
    clause: '§2 within a class the later MSH-7 wins, not the later arrival',
  },
  {
    // DG1 "D47.2^POEMS syndrome" first, then CIDP + λ IFE + platelets 520 + Castleman node
    // + splenomegaly: criteria-met evidence, but the diagnosis is already made.
    archetype: 'poems-known', expectedTier: null, expectedStatus: 'none', share: 0.004,
    clause: '§3 no alert if poemsKnown is present; §1 poemsKnown from a final DG1',
  },
  {
    // CIDP + skeletal imaging that negates sclerosis (wrapped, templates, mimics, indication
    // sections), a node "without Castleman", abdominal imaging without organomegaly or effusion.
    archetype: 'negated-text', expectedTier: null, expectedStatus: 'none', share: 0.01,
    clause: '§1.2 negation over wrapped lines and lists, templates, mimics, resolution, indication sections',
  },
  {
    // Thrombocytosis + IgG-λ IFE + serum VEGF 1600 + splenomegaly, but no neuropathy.
    archetype: 'no-neuropathy', expectedTier: null, expectedStatus: 'none', share: 0.006,
    clause: '§3 no alert unless neuropathy is present',
  },
  {
    // Polyneuropathy + IgM-κ IFE (sometimes SPEP M-spike 0.4 and D47.2 "Monoclonal gammopathy").
    archetype: 'mgus-kappa', expectedTier: null, expectedStatus: 'none', share: 0.02,
    clause: '§3 none: neuropathy + clone(κ) alone; an SPEP spike or D47.2 next to IgM-κ is that κ clone',
  },
  {
    // CIDP only (code or neurophysiology text), sometimes a negative IFE and a normal CBC.
    archetype: 'cidp-only', expectedTier: null, expectedStatus: 'none', share: 0.03,
    clause: '§3 none: neuropathy alone',
  },
  {
    // CIDP + negative serum IFE (on record first) + one high platelet count, or two less than
    // 28 days apart.
    archetype: 'cidp-minor-ife-negative', expectedTier: null, expectedStatus: 'none', share: 0.008,
    clause: '§3 screening-gap needs no ifeDone; §2 persistence needs ≥ 28 days between abnormal results',
  },
  {
    // Polyneuropathy (G62.9/G63) + type 2 diabetes + hypothyroidism, sometimes hypogonadism.
    archetype: 'diabetic-neuropathy', expectedTier: null, expectedStatus: 'none', share: 0.015,
    clause: '§1 diabetes and hypothyroidism never count; §3 one non-specific minor without cidp is none',
  },
  {
    // CIDP + negative IFE + two high platelet counts (or Hb and Hct high twice) 28-60 days apart.
    archetype: 'persistent-thrombocytosis', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.004,
    clause: '§3 workup-recommended: cidp with a persistent thrombocytosis/polycythemia (§2)',
  },
  {
    // As persistent-thrombocytosis, then a normal count: the latest result is normal.
    archetype: 'thrombocytosis-normalised', expectedTier: null, expectedStatus: 'withdrawn', share: 0.003,
    clause: '§2 persistence needs the latest result of that kind abnormal',
  },
  {
    // Hepatosplenomegaly + ascites + hypogonadism with a polyneuropathy (no cidp), or with CIDP
    // and a negative IFE on record first.
    archetype: 'cirrhosis-like', expectedTier: null, expectedStatus: 'none', share: 0.006,
    clause: '§3 none: ≥2 minors need a specific one; organomegaly + ascites + hypogonadism as in cirrhosis',
  },
  {
    // Polyneuropathy (not CIDP) + untyped clone (SPEP spike or D47.2) + organomegaly or ascites only.
    archetype: 'untyped-clone-organomegaly', expectedTier: null, expectedStatus: 'none', share: 0.004,
    clause: '§3 clone(untyped) needs a major or a minor other than organomegaly/volumeOverload',
  },
  {
    // Polyneuropathy + SPEP spike + thrombocytosis or hypogonadism.
    archetype: 'untyped-clone-minor', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.003,
    clause: '§3 workup-recommended: clone(untyped) with a minor other than organomegaly/volumeOverload',
  },
  {
    // Polyneuropathy + two distinct minors, at least one specific.
    archetype: 'two-minors', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.003,
    clause: '§3 workup-recommended: ≥2 distinct minors, at least one specific',
  },
  {
    // Polyneuropathy + a possible major only: hedged or metastasis-like bone lesion, sclerotic
    // rim, Castleman-like node.
    archetype: 'hedged-major', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.004,
    clause: '§1.2 hedges keep the finding as possible; §3 possible findings count for workup-recommended',
  },
  {
    // Polyneuropathy; a final result naming nothing (normal VEGF, or a CT without lesions)
    // arrives before its own preliminary (VEGF 480, "sclerotic lesion"), which arrives late.
    archetype: 'late-preliminary', expectedTier: null, expectedStatus: 'none', share: 0.004,
    clause: '§2 a final-class version always outranks a preliminary one, whatever the arrival order',
  },
  {
    // CIDP and splenomegaly re-sent today with onset dates years ago (DG1-5), a normal CBC today.
    archetype: 'resent-old-diagnosis', expectedTier: 'screening-gap', expectedStatus: 'open', share: 0.003,
    clause: '§2 time: a diagnosis is observed when asserted (EVN-2/MSH-7); DG1-5 is only its onset',
  },
  {
    // CIDP DG1, then a CBC with platelets 520 under the SAME MSH-10 (the interface engine
    // restarted its counter): other content, so it is applied.
    archetype: 'control-id-reuse', expectedTier: 'screening-gap', expectedStatus: 'open', share: 0.003,
    clause: '§2 idempotency is per message: a reused control id with other content is applied',
  },
  {
    // The ADT lists the reference lab's id (PI) beside the MRN; the lab sends a λ IFE under its
    // own id only (before or after the ADT).
    archetype: 'alias-linked', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.003,
    clause: '§1.3 aliases in PID-3 are linked as if merged',
  },
  {
    // CIDP DG1 with the full identifier; the hospital LIS sends the CBC with PID-3.4 empty and
    // MSH-4 SYNTH (or the other way round).
    archetype: 'bare-identifier', expectedTier: 'screening-gap', expectedStatus: 'open', share: 0.003,
    clause: '§1.3 a missing assigning authority is taken from MSH-4',
  },
  {
    // "POEMS syndrome ruled out" / "Concern for POEMS" / a working diagnosis of POEMS, then
    // polyneuropathy + λ IFE.
    archetype: 'poems-not-affirmed', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.003,
    clause: '§1 poemsKnown only from a final, affirmed diagnosis',
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
