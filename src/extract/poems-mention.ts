import type { CompiledProfile } from './compiled-profile.js';
import { assessPoemsMention } from './text/diagnosis-text.js';

/**
 * Doubt words for a diagnosis whose POEMS comes from a site code while its text does not name
 * POEMS: a diagnosis line is short, so any such word anywhere in it withholds the suppression
 * (a missed suppression costs one alert a clinician can dismiss, a wrong one silences a patient
 * for good). A text that names POEMS is read by the report-text engine instead (below).
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

/**
 * Whether a diagnosis text (DG1-3.2, DG1-4, PRB-3.2) names POEMS syndrome and the mention stays
 * definite (spec §1 `poemsKnown`): the report-text engine's NegEx/ConText reading of the mention
 * (negation, hedges, hypothetical triggers, family, "concern for", "screening for", "suspected",
 * "under evaluation"), so diagnoses and reports are read by one set of rules; then, because a
 * wrong suppression silences a patient for good, any doubt word left in the line withholds it.
 */
export function assessPoemsDiagnosisText(text: string, compiled: CompiledProfile): PoemsMention {
  const m = assessPoemsMention(text, compiled);
  if (m.state === 'absent') return { named: false };
  const matched = m.name ?? m.detail ?? text.trim();
  if (m.state === 'not-affirmed') return { named: true, affirmed: false, matched, doubt: m.cue ?? '' };
  // a doubt the sentence rules do not scope ("POEMS-like syndrome") still withholds it
  const doubt = doubtIn(text);
  return doubt === null ? { named: true, affirmed: true, matched } : { named: true, affirmed: false, matched, doubt };
}

/** The same doubt test for a diagnosis named by a POEMS code: its text must not withdraw it. */
export function doubtIn(text: string): string | null {
  return DOUBT.exec(text)?.[0] ?? null;
}
