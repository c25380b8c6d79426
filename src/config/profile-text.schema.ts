import { z } from 'zod';
import { Certainty, FindingKind, HeavyChain, LightChain } from '../domain/finding.js';
import { phraseTokens } from '../extract/text/tokens.js';

/**
 * The report-text part of the site profile (spec §1.2): what to look for, the ConText rule
 * table that says in which context it was written, the report's sections, and the words of
 * clone evidence. Every list is data: a site adds its own phrases without touching code.
 */

/** A phrase: matched as whole words, case-insensitive, tolerant of dashes, λ/κ, British spelling. */
export const Phrase = z.string().min(1).refine((p) => /[\p{L}\p{N}?]/u.test(p), 'a phrase needs a letter or digit');
const Phrases = z.array(Phrase);

/** One target: the phrases that name a finding of `kind` (spec §1 "Text sources"). */
export const TextRule = z.object({
  kind: FindingKind.exclude(['ifeDone', 'poemsKnown', 'clone']),
  phrases: Phrases.min(1),
  qualifiers: z.object({ cidp: z.boolean(), lightChain: LightChain, heavyChain: HeavyChain }).partial().strict().default({}),
  /** "sclerotic metastases", "Castleman-like": the phrase itself is a possible finding */
  certainty: Certainty.default('definite'),
  /** a mimic describing the matched lesion removes it ("sclerotic focus, likely a bone island") */
  mimics: Phrases.default([]),
}).strict();
export type TextRule = z.infer<typeof TextRule>;

/**
 * ConText categories (Harkema 2009; medspaCy `context_rules.json`): `negated`, `possible`
 * (a hedge: the finding is kept as possible), `hypothetical` ("rule out": not found),
 * `historical` ("history of": only chronic kinds stay), `family` (never the patient's),
 * `pseudo` (looks like a trigger, is not one: "no change in"), `terminate` (ends a scope).
 */
export const ContextCategory = z.enum(['negated', 'possible', 'hypothetical', 'historical', 'family', 'pseudo', 'terminate']);
export type ContextCategory = z.infer<typeof ContextCategory>;
/** forward: to the end of the sentence; backward: back to its start; both. A terminator stops either. */
export const ContextDirection = z.enum(['forward', 'backward', 'both']);
export type ContextDirection = z.infer<typeof ContextDirection>;

export const ContextRule = z.object({
  category: ContextCategory,
  direction: ContextDirection.default('forward'),
  phrases: Phrases.min(1),
}).strict();
export type ContextRule = z.infer<typeof ContextRule>;

/** indication: only `neuropathy` is read there; family: nothing is the patient's; history: as "history of". */
export const SectionCategory = z.enum(['indication', 'family', 'history', 'report']);
export type SectionCategory = z.infer<typeof SectionCategory>;
export const SectionRule = z.object({ category: SectionCategory, headers: Phrases.min(1) }).strict();
export type SectionRule = z.infer<typeof SectionRule>;

/** The words of clone evidence (spec §1.2 "Clone in text"). */
export const CloneVocabulary = z.object({
  heavyChains: z.object({ IgA: Phrases, IgG: Phrases, IgM: Phrases }).strict(),
  lightChains: z.object({ lambda: Phrases, kappa: Phrases }).strict(),
  /** one-letter light chains, read only right after a heavy chain ("IgG-K", "IgAL", "IgM/K") */
  lightChainLetters: z.object({ lambda: Phrases, kappa: Phrases }).strict(),
  /** a monoclonal protein on its own: "paraprotein", "M-spike", "Bence Jones protein" */
  bands: Phrases,
  /** "band", "spike": a clone only beside a chain, an IFE/SPEP, or in IFE text */
  weakBands: Phrases,
  /** "restricted", "monotypic", "clonal": a clone beside a light chain or plasma cells */
  restriction: Phrases,
  plasmaCells: Phrases,
  /** "polyclonal", "polytypic": no clone, unless a band is named beside it */
  polyclonal: Phrases,
  /** free light chains: a chain named beside them is a level, not a band ("lambda FLC 45 mg/L") */
  freeLightChains: Phrases,
  /** never clone evidence: "kappa/lambda ratio", "monoclonal antibody", "oligoclonal bands" */
  ignore: Phrases,
  /** the test a clause names, for `method`; an immunofixation with a result sets `ifeDone` */
  methods: z.object({ ife: Phrases, spep: Phrases, pathology: Phrases }).strict(),
  /** a sentence naming immunofixation with one of these reports no result ("IFE pending") */
  ifeNotDone: Phrases,
  /** a sentence naming immunofixation with one of these reports a result ("IFE negative") */
  ifeResultWords: Phrases,
}).strict();
export type CloneVocabulary = z.infer<typeof CloneVocabulary>;

export const TextProfile = z.object({
  /** OBX-2 value types read as report text (NTE is always text) */
  valueTypes: z.array(z.string().min(2).max(3)),
  rules: z.array(TextRule),
  context: z.array(ContextRule),
  /** `Label: <one of these>` negates the label ("Sclerotic lesions: none.") */
  labelNegatives: z.array(z.string().min(1)),
  /** words that tie a mimic to the lesion named before it ("consistent with", "likely") */
  attribution: Phrases,
  /** words that start another lesion, so a mimic after them is not this lesion's ("and", "also") */
  separators: Phrases,
  sections: z.array(SectionRule),
  /** a "." after these does not end a sentence (without the final dot: "e.g", "approx") */
  abbreviations: z.array(z.string().min(1)),
  clone: CloneVocabulary,
}).strict().superRefine((text, ctx) => {
  // Phrases are compared folded ("rules out" is "rule out"), so two lists can claim the same
  // words without the site noticing; `profile check` says so instead of picking one silently.
  const seen = new Map<string, { category: ContextCategory; where: string }>();
  text.context.forEach((rule, i) => {
    rule.phrases.forEach((phrase, j) => {
      const key = phraseTokens(phrase).join(' ');
      const held = seen.get(key);
      if (held === undefined) seen.set(key, { category: rule.category, where: `text.context.${i}` });
      else if (held.category !== rule.category) {
        ctx.addIssue({ code: 'custom', path: ['context', i, 'phrases', j], message: `"${phrase}" is also a ${held.category} trigger (${held.where}): the same words cannot be both` });
      }
    });
  });
});
export type TextProfile = z.infer<typeof TextProfile>;
