/**
 * Does a diagnosis text (DG1-3.2, DG1-4, PRB-3.2) affirm POEMS syndrome? (spec §1 `poemsKnown`)
 * Only a mention that stays definite under every §1.2 rule suppresses alerts: "POEMS ruled
 * out", "? POEMS", "r/o POEMS", "concern for POEMS", "screening for POEMS", "suspected POEMS",
 * "POEMS under evaluation" and "family history of POEMS" do not. "History of POEMS syndrome"
 * does: POEMS is a chronic diagnosis.
 */
import type { CompiledProfile } from '../compiled-profile.js';
import { spanText, verdictFor, type Trigger } from './context-rules.js';
import { segment } from './segmenter.js';
import { tokenize } from './tokens.js';

export interface PoemsMention {
  /** affirmed: suppresses; not-affirmed: named but negated, hedged, hypothetical or a relative's; absent: not named */
  state: 'affirmed' | 'not-affirmed' | 'absent';
  /** for the explanation: the name as written, and for not-affirmed the words that made it so */
  detail?: string;
  /** the name as written (the affirmed mention, else the first doubtful one) */
  name?: string;
  /** not-affirmed: the words that withhold it ("ruled out", "?", "family history of") */
  cue?: string;
}

export function assessPoemsMention(text: string, compiled: CompiledProfile): PoemsMention {
  const t = compiled.text;
  if (t.poems.prefilter === null || !t.poems.prefilter.test(text)) return { state: 'absent' };
  const tokens = tokenize(text);
  let firstDoubt: { name: string; cue: string } | undefined;
  for (const s of segment(tokens, text, t)) {
    const hits = t.poems.scan.scan(tokens, s.start, s.end);
    const triggers: Trigger[] = [];
    for (const h of hits) for (const v of h.values) if (v.t === 'context') triggers.push({ start: h.start, end: h.end, category: v.category, direction: v.direction });
    for (const h of hits) {
      if (!h.values.some((v) => v.t === 'target')) continue;
      const name = spanText(tokens, text, h.start, h.end);
      const v = verdictFor(h, s, triggers, tokens, text, t);
      const doubt = v.family ?? v.negated ?? v.hypothetical ?? v.possible ?? (s.section === 'family' ? 'family history' : undefined);
      if (doubt === undefined) return { state: 'affirmed', detail: name, name };
      firstDoubt ??= { name, cue: doubt };
    }
  }
  return firstDoubt === undefined ? { state: 'absent' } : { state: 'not-affirmed', detail: `${firstDoubt.name}: '${firstDoubt.cue}'`, ...firstDoubt };
}
