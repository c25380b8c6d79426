import type { CompiledProfile } from './compiled-profile.js';

/**
 * Whether a diagnosis text (DG1-3.2, DG1-4, PRB-3.2) names POEMS syndrome, and whether it stays
 * definite (spec §1 `poemsKnown`): negation, hedges, hypothetical triggers, family, plus "concern
 * for", "screening for", "suspected", "under evaluation". A diagnosis line is short, so any such
 * trigger anywhere in it withholds the suppression: a missed suppression costs one alert a
 * clinician can dismiss, a wrong one silences a patient for good.
 *
 * Local until `assessPoemsMention` (src/extract/text/diagnosis-text.ts, the report-text
 * engine's NegEx/ConText reading of one mention) lands; then this delegates to it.
 */
const DOUBT = new RegExp(
  [
    // negation and post-negation
    'no', 'not', 'non', 'without', 'negative', 'denies', 'denied', 'absent', 'absence', 'never', 'free of',
    'excluded?', 'excluding', 'exclusion', 'ruled out', 'rules out', 'unlikely', 'rather than', 'resolved',
    // hedges
    'possible', 'possibly', 'probable', 'probably', 'likely', 'suspected', 'suspect', 'suspicious', 'suspicion',
    'concern', 'concerning', 'query', 'queried', 'questionable', 'question of', 'differential', 'ddx', 'versus', 'vs',
    'consider', 'considered', 'considering', 'cannot', 'can not', 'uncertain', 'presumed', 'presumptive', 'provisional',
    'features of', 'like', 'mimic', 'mimicking',
    // hypothetical
    'rule out', 'r/o', 'to exclude', 'evaluate', 'evaluation', 'evaluating', 'assess', 'assessment', 'screen', 'screening',
    'work-?up', 'investigation', 'investigate', 'pending', 'await', 'awaiting', 'if',
    // family
    'family', 'familial', 'fh', 'mother', 'father', 'sister', 'brother', 'sibling', 'son', 'daughter', 'relative',
  ].map((t) => t.replace(/ /g, '\\s+')).join('|')
    .replace(/^/, '(?<![\\p{L}\\p{N}])(?:')
    .concat(')(?![\\p{L}\\p{N}])|\\?'),
  'iu',
);

export type PoemsMention =
  | { named: false }
  | { named: true; affirmed: true; matched: string }
  | { named: true; affirmed: false; matched: string; doubt: string };

export function assessPoemsDiagnosisText(text: string, compiled: CompiledProfile): PoemsMention {
  const hit = compiled.poemsKnownText?.exec(text);
  if (!hit) return { named: false };
  const doubt = DOUBT.exec(text);
  return doubt ? { named: true, affirmed: false, matched: hit[0], doubt: doubt[0] } : { named: true, affirmed: true, matched: hit[0] };
}

/** The same doubt test for a diagnosis named by a POEMS code: its text must not withdraw it. */
export function doubtIn(text: string): string | null {
  return DOUBT.exec(text)?.[0] ?? null;
}
