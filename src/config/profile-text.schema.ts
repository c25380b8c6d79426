import { z } from 'zod';
import { FindingKind, HeavyChain, LightChain } from '../domain/finding.js';

/** The report-text part of the site profile (spec §1.2): phrases, negation and context. */
export const Phrase = z.string().min(2);

export const TextRule = z.object({
  kind: FindingKind,
  phrases: z.array(Phrase).min(1),
  qualifiers: z
    .object({ cidp: z.boolean(), lightChain: LightChain, heavyChain: HeavyChain })
    .partial()
    .strict()
    .default({}),
  /** a sentence that also names one of these is a known mimic and yields nothing of this kind */
  mimics: z.array(Phrase).default([]),
}).strict();
export type TextRule = z.infer<typeof TextRule>;

export const NegationProfile = z.object({
  pre: z.array(Phrase),
  post: z.array(Phrase),
  pseudo: z.array(Phrase),
  terminators: z.array(Phrase),
  /** historical / family / hypothetical context: treated like negation (ConText) */
  context: z.array(Phrase),
  /** tokens a trigger reaches (NegEx default window) */
  scope: z.number().int().positive(),
}).strict();
