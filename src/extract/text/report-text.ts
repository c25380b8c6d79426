/**
 * Findings from report text (spec §1.2), read the way a clinician reads a report: sentence by
 * sentence, with the section each sentence is in, the ConText triggers that govern each phrase,
 * the mimic that explains a lesion, and the clone a band or a restriction names. Every phrase
 * seen but not used comes back as a note, so `alerts explain` can say why it did not fire.
 * Pure, and cheap on text that names nothing: one regex pass (the profile's prefilter).
 */
import type { SectionCategory } from '../../config/profile-text.schema.js';
import { CHRONIC_KINDS, type Certainty, type FindingKind, type Qualifiers } from '../../domain/finding.js';
import type { UnreadReason } from '../../domain/unread.js';
import { readCloneSentence, type CloneWord } from './clone-text.js';
import type { CompiledText } from './compile-text.js';
import { spanText, verdictFor, type Span, type Trigger, type Verdict } from './context-rules.js';
import { MimicReader } from './mimics.js';
import { segment, type Sentence } from './segmenter.js';
import { ARTICLES, tokenize, type Token } from './tokens.js';

/** `ife`: the text of an immunofixation result (a band or a detected chain there is the IFE's). */
export type ReportSource = 'report' | 'ife';

export interface TextFinding {
  kind: FindingKind;
  certainty: Certainty;
  /** the rule's qualifiers, clone chains and method, and `matched`: the words as written */
  qualifiers: Qualifiers;
}

export interface TextNote {
  reason: UnreadReason;
  kind: FindingKind;
  /** the phrase as written */
  text: string;
  /** why, in words: "negated by 'no evidence of'" */
  detail: string;
}

export interface TextReading {
  findings: TextFinding[];
  notes: TextNote[];
}

const NOTHING: TextReading = Object.freeze({ findings: [], notes: [] }) as TextReading;
const MAX_MATCHED = 120;
const MAX_NOTE = 160;
/** "IFE pending", "recommend immunofixation": words this close to the test mean it has no result yet */
const NOT_DONE_WORDS = 3;

interface Candidate {
  kind: FindingKind;
  certainty: Certainty;
  qualifiers: Qualifiers;
  order: number;
}

interface SentenceScan {
  targets: (Span & { rule: number })[];
  triggers: Trigger[];
  clone: CloneWord[];
}

export function readReportText(text: string, t: CompiledText, source: ReportSource = 'report'): TextReading {
  if (text.length < 2 || t.prefilter === null || !t.prefilter.test(text)) return NOTHING;
  return new ReportReader(text, t, source).read();
}

class ReportReader {
  private readonly tokens: Token[];
  private readonly sentences: Sentence[];
  private readonly scans: SentenceScan[];
  private readonly candidates: Candidate[] = [];
  private readonly notes = new Map<string, TextNote>();
  private mimics: MimicReader | undefined;

  constructor(
    private readonly text: string,
    private readonly t: CompiledText,
    private readonly source: ReportSource,
  ) {
    this.tokens = tokenize(text);
    this.sentences = segment(this.tokens, text, t);
    this.scans = this.sentences.map((s) => scanSentence(this.tokens, s, t));
  }

  read(): TextReading {
    this.sentences.forEach((s, i) => {
      const scan = this.scans[i];
      if (scan === undefined) return;
      scan.targets.forEach((target, n) => this.readTarget(target, n, s, i, scan));
      if (scan.clone.length > 0) this.readClone(s, scan);
    });
    if (this.candidates.length === 0 && this.notes.size === 0) return NOTHING;
    return { findings: mergeByKind(this.candidates), notes: [...this.notes.values()] };
  }

  private readTarget(target: Span & { rule: number }, n: number, s: Sentence, si: number, scan: SentenceScan): void {
    const rule = this.t.rules[target.rule];
    if (rule === undefined) return;
    const kind = rule.kind;
    const phrase = this.say(target);
    const verdict = verdictFor(target, s, scan.triggers, this.tokens, this.text, this.t);
    if (!this.admitted(kind, phrase, s.section, verdict)) return;
    if (rule.mimics.length > 0) {
      const lastOfKind = !scan.targets.slice(n + 1).some((x) => this.t.rules[x.rule]?.kind === kind);
      const nextNamesKind = this.scans[si + 1]?.targets.some((x) => this.t.rules[x.rule]?.kind === kind) ?? false;
      this.mimics ??= new MimicReader(this.tokens, this.text, this.sentences, this.t);
      const described = this.mimics.describing(target, target.rule, si, lastOfKind, nextNamesKind);
      if (described !== null && !described.alternative) {
        this.note('MIMIC', kind, phrase, `described as '${described.mimic}'`);
        return;
      }
      // "?bone island ?metastasis": the mimic is one explanation among others
      if (described !== null) verdict.possible ??= `${described.mimic} or another cause`;
    }
    let certainty: Certainty = rule.certainty === 'possible' || verdict.possible !== undefined ? 'possible' : 'definite';
    // A doubt about CIDP is a doubt about its cause, not about the neuropathy (spec §1 `neuropathy`).
    if (kind === 'neuropathy' && rule.qualifiers.cidp === true) certainty = 'definite';
    this.candidates.push({ kind, certainty, qualifiers: { ...rule.qualifiers, matched: clip(phrase, MAX_MATCHED) }, order: target.start });
  }

  private readClone(s: Sentence, scan: SentenceScan): void {
    const reading = readCloneSentence(scan.clone, s, scan.triggers, this.tokens, this.text, this.t, this.source === 'ife');
    for (const n of reading.negated) this.note('NEGATED', 'clone', this.say(n.span), n.cue.startsWith('polyclonal') ? n.cue : `negated by '${n.cue}'`);
    const ev = reading.evidence;
    if (ev !== null) {
      const phrase = this.say(ev.span);
      const verdict = verdictFor(ev.span, s, scan.triggers, this.tokens, this.text, this.t, true);
      if (this.admitted('clone', phrase, s.section, verdict)) {
        this.candidates.push({
          kind: 'clone',
          certainty: verdict.possible !== undefined ? 'possible' : 'definite',
          qualifiers: { lightChain: ev.lightChain, heavyChain: ev.heavyChain, method: ev.method, matched: clip(phrase, MAX_MATCHED) },
          order: ev.span.start,
        });
      }
    }
    // An IFE result's own version sets ifeDone (ife-result.ts); other text does when it names an
    // immunofixation that has a result ("IFE negative", "immunofixation shows IgA lambda").
    if (this.source === 'ife') return;
    for (const test of reading.ifeTests) {
      if (test.denied || !this.hasResult(s, scan)) continue;
      const phrase = this.say(test.span);
      const pending = this.notDone(s, test.span);
      if (pending !== null) {
        this.note('HYPOTHETICAL', 'ifeDone', phrase, `no result yet: '${pending}'`);
        continue;
      }
      const verdict = verdictFor(test.span, s, scan.triggers, this.tokens, this.text, this.t, true);
      if (this.admitted('ifeDone', phrase, s.section, { ...verdict, possible: undefined })) {
        this.candidates.push({ kind: 'ifeDone', certainty: 'definite', qualifiers: { matched: clip(phrase, MAX_MATCHED) }, order: test.span.start });
      }
    }
  }

  /** Section and ConText checks shared by every kind; false (with a note) when the mention is not used. */
  private admitted(kind: FindingKind, phrase: string, section: SectionCategory, v: Verdict): boolean {
    if (section === 'family' || v.family !== undefined) return this.note('FAMILY', kind, phrase, v.family !== undefined ? `family: '${v.family}'` : 'family history section');
    if (section === 'indication' && kind !== 'neuropathy') return this.note('INDICATION_SECTION', kind, phrase, 'indication / clinical history section');
    if (v.negated !== undefined) return this.note('NEGATED', kind, phrase, `negated by '${v.negated}'`);
    if (v.hypothetical !== undefined) return this.note('HYPOTHETICAL', kind, phrase, `hypothetical: '${v.hypothetical}'`);
    const historical = v.historical ?? (section === 'history' ? 'past history section' : undefined);
    if (historical !== undefined && !CHRONIC_KINDS.has(kind)) return this.note('HISTORY_ONLY', kind, phrase, `history only: '${historical}'`);
    return true;
  }

  private note(reason: UnreadReason, kind: FindingKind, phrase: string, detail: string): false {
    const text = clip(phrase, MAX_NOTE);
    const key = `${reason}|${kind}|${text.toLowerCase()}`;
    if (!this.notes.has(key)) this.notes.set(key, { reason, kind, text, detail });
    return false;
  }

  /** The sentence reports an IFE result: a band, chain or restriction, a negation, or a result word. */
  private hasResult(s: Sentence, scan: SentenceScan): boolean {
    if (scan.clone.some((w) => w.el.el !== 'test')) return true;
    if (scan.triggers.some((x) => x.category === 'negated')) return true;
    for (let i = s.start; i < s.end; i++) if (this.t.ifeResultWords.match(this.tokens, i, s.end) !== null) return true;
    return false;
  }

  private notDone(s: Sentence, test: Span): string | null {
    for (const hit of this.t.ifeNotDone.scan(this.tokens, s.start, s.end)) {
      const gap = hit.end <= test.start ? words(this.tokens, hit.end, test.start) : hit.start >= test.end ? words(this.tokens, test.end, hit.start) : 0;
      if (gap <= NOT_DONE_WORDS) return this.say(hit);
    }
    return null;
  }

  private say(span: Span): string {
    return spanText(this.tokens, this.text, span.start, span.end);
  }
}

function scanSentence(tokens: readonly Token[], s: Sentence, t: CompiledText): SentenceScan {
  const scan: SentenceScan = { targets: [], triggers: [], clone: [] };
  for (const hit of t.scan.scan(tokens, s.start, s.end)) {
    for (const v of hit.values) {
      switch (v.t) {
        case 'target': scan.targets.push({ start: hit.start, end: hit.end, rule: v.rule }); break;
        case 'context': scan.triggers.push({ start: hit.start, end: hit.end, category: v.category, direction: v.direction }); break;
        case 'clone': scan.clone.push({ start: hit.start, end: hit.end, el: v.el }); break;
      }
    }
  }
  return scan;
}

const LIGHT_RANK = { lambda: 0, kappa: 1, unknown: 2 } as const;

/**
 * One finding per kind (a finding's identity is its result key and kind, spec §2): definite
 * over possible; for a clone, lambda over kappa over untyped (biclonal counts as lambda);
 * `cidp` when any mention set it. In the order the kinds first appear.
 */
function mergeByKind(candidates: readonly Candidate[]): TextFinding[] {
  const best = new Map<FindingKind, Candidate>();
  const cidp = new Set<FindingKind>();
  for (const c of candidates) {
    if (c.qualifiers.cidp === true) cidp.add(c.kind);
    const held = best.get(c.kind);
    if (held === undefined || better(c, held)) best.set(c.kind, c);
  }
  return [...best.values()]
    .sort((a, b) => firstOrder(candidates, a.kind) - firstOrder(candidates, b.kind))
    .map((c) => ({ kind: c.kind, certainty: c.certainty, qualifiers: cidp.has(c.kind) ? { ...c.qualifiers, cidp: true } : { ...c.qualifiers } }));
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.kind === 'clone') {
    const la = LIGHT_RANK[a.qualifiers.lightChain ?? 'unknown'];
    const lb = LIGHT_RANK[b.qualifiers.lightChain ?? 'unknown'];
    if (la !== lb) return la < lb;
  }
  if (a.certainty !== b.certainty) return a.certainty === 'definite';
  if (a.kind === 'clone' && (a.qualifiers.heavyChain ?? 'unknown') !== (b.qualifiers.heavyChain ?? 'unknown')) return b.qualifiers.heavyChain === 'unknown';
  return false;
}

function firstOrder(candidates: readonly Candidate[], kind: FindingKind): number {
  return candidates.find((c) => c.kind === kind)?.order ?? 0;
}

function words(tokens: readonly Token[], from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const tok = tokens[i];
    if (tok !== undefined && (tok.type === 'word' || tok.type === 'num') && !ARTICLES.has(tok.norm)) n++;
  }
  return n;
}

/** One line of at most `max` characters (a phrase wrapped over report lines reads as one). */
function clip(s: string, max: number): string {
  const line = s.replace(/\s+/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
