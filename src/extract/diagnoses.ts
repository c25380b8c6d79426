import { component, field, firstSegment, text, type Segment } from '../hl7/message.js';
import { hl7TimeToIso } from '../hl7/hl7-time.js';
import { CHRONIC_KINDS, type Certainty, type Finding, type Qualifiers } from '../domain/finding.js';
import type { ResultVersion } from '../domain/result.js';
import type { UnreadNote } from '../domain/unread.js';
import { codingSystem, normaliseCode, splitCertaintySuffix, systemName, systemOfBareCode, type CertaintySuffix } from './codes.js';
import { makeFinding, makeVersion, type ExtractContext } from './context.js';
import type { DxCode, DxKind } from './diagnosis-codes.js';
import { unreadNote, type At } from './lab-note.js';
import { assessPoemsDiagnosisText, doubtIn, type PoemsMention } from './poems-mention.js';

interface ReadCode extends DxCode {
  /** ICD-10-GM certainty suffix, when the code carries one */
  suffix: CertaintySuffix | null;
}

interface Diagnosis {
  codes: ReadCode[];
  /** DG1-3.2, DG1-4 / PRB-3.2 */
  description: string;
  /** DG1-6 F or empty, or a PRB: the only diagnoses that can suppress (spec §1 `poemsKnown`) */
  final: boolean;
  /** DG1-6 as sent, for the note */
  type: string;
  deleted: boolean;
  /** DG1-5 / PRB-16 (else PRB-7) as ISO, or '' */
  onset: string;
  label: string;
}

/**
 * The codes of a CWE/CE: primary (1-3) and alternate (4-6) triplets. A missing system is taken
 * from `fallbackSystem` (DG1-2, the v2.3 coding method), else read from the code's shape.
 */
function codesOf(cwe: string, fallbackSystem: string, ctx: ExtractContext): ReadCode[] {
  const { d } = ctx;
  const out: ReadCode[] = [];
  for (const offset of [0, 3]) {
    const raw = text(component(cwe, 1 + offset, d), d).trim();
    if (raw === '') continue;
    const sentSystem = text(component(cwe, 3 + offset, d), d).trim() || (offset === 0 ? fallbackSystem : '');
    const read = codingSystem(sentSystem);
    const system = read === 'empty' ? systemOfBareCode(raw) : read;
    const { code, suffix } = system === 'icd10' ? splitCertaintySuffix(raw) : { code: raw, suffix: null };
    out.push({ system, systemName: systemName(sentSystem), code: normaliseCode(code), suffix });
  }
  return out;
}

function readDiagnoses(ctx: ExtractContext): Diagnosis[] {
  const { d } = ctx;
  const out: Diagnosis[] = [];
  let dg1 = 0;
  let prb = 0;
  for (const seg of ctx.msg.segments) {
    if (seg.id === 'DG1') {
      dg1 += 1;
      const type = component(field(seg, 6), 1, d).trim().toUpperCase();
      out.push({
        codes: codesOf(field(seg, 3), text(component(field(seg, 2), 1, d), d).trim(), ctx),
        description: [text(component(field(seg, 3), 2, d), d), text(component(field(seg, 3), 5, d), d), text(field(seg, 4), d)].filter((s) => s.trim() !== '').join(' '),
        final: type === '' || type === 'F',
        type,
        // DG1-21 diagnosis action code (v2.5+): D = delete
        deleted: component(field(seg, 21), 1, d).trim().toUpperCase() === 'D',
        onset: hl7TimeToIso(component(field(seg, 5), 1, d)),
        label: `DG1[${dg1}]`,
      });
    } else if (seg.id === 'PRB') {
      prb += 1;
      out.push(problem(seg, prb, ctx));
    }
  }
  return out;
}

function problem(seg: Segment, n: number, ctx: ExtractContext): Diagnosis {
  const { d } = ctx;
  const action = component(field(seg, 1), 1, d).trim().toUpperCase();
  return {
    codes: codesOf(field(seg, 3), '', ctx),
    description: [text(component(field(seg, 3), 2, d), d), text(component(field(seg, 3), 5, d), d)].filter((s) => s.trim() !== '').join(' '),
    final: true,
    type: '',
    // PRB-1 action code (table 0287): DE = delete; a bare D as DG1-21 spells it
    deleted: action === 'DE' || action === 'D',
    onset: hl7TimeToIso(component(field(seg, 16), 1, d)) || hl7TimeToIso(component(field(seg, 7), 1, d)),
    label: `PRB[${n}]`,
  };
}

const SYSTEM_PREFIX: Record<DxCode['system'], string> = { icd10: '', icd9: 'I9:', snomed: 'SCT:', loinc: 'LN:', empty: '', other: '' };
const KEY_PREFERENCE: DxCode['system'][] = ['icd10', 'icd9', 'snomed', 'loinc', 'other'];

/**
 * A diagnosis's own key (spec §2: its code, or the normalised text when it has none): ICD-10
 * first, then ICD-9-CM, SNOMED CT, other systems; "I9:"/"SCT:" keep the systems apart.
 */
function keyOf(dx: Diagnosis): string | null {
  for (const system of KEY_PREFERENCE) {
    const c = dx.codes.find((x) => x.system === system);
    if (c) return system === 'other' ? `${c.systemName || 'LOCAL'}:${c.code}` : `${SYSTEM_PREFIX[system]}${c.code}`;
  }
  const t = dx.description.toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 80);
  return t === '' ? null : `text:${t}`;
}

const SUFFIX_WORD: Record<CertaintySuffix, string> = { G: 'confirmed', V: 'suspected', A: 'excluded', Z: 'status after' };

/**
 * Diagnoses (DG1, PRB) → result versions (spec §1, §2). The kinds come from the code lists;
 * ICD-10-GM suffixes set certainty (V possible, A none, Z history: chronic kinds only); working
 * and admitting diagnoses count for every kind but `poemsKnown`. `poemsKnown` needs a final,
 * affirmed diagnosis and lives under a key of its own (`DG1|poems:<key>`), so a re-sent code
 * without the POEMS text does not remove it; only a deletion does. Every finding is observed at
 * the message's event time (EVN-2, else MSH-7), with DG1-5 kept as `onset`.
 */
export function extractDiagnoses(ctx: ExtractContext): ResultVersion[] {
  const diagnoses = readDiagnoses(ctx);
  if (diagnoses.length === 0) return [];
  const evn = firstSegment(ctx.msg, 'EVN');
  const observedAt = (evn ? hl7TimeToIso(component(field(evn, 2), 1, ctx.d)) : '') || ctx.messageTime;
  const out: ResultVersion[] = [];
  for (const dx of diagnoses) {
    const key = keyOf(dx);
    if (key === null) continue;
    const mainKey = `DG1|${key}`;
    const poemsKey = `DG1|poems:${key}`;
    const mention = assessPoemsDiagnosisText(dx.description, ctx.profile);
    if (dx.deleted) {
      // the POEMS key too: only a deletion removes `poemsKnown` (spec §2), and it may not repeat the text
      if (dx.codes.length > 0 || mention.named) {
        out.push(makeVersion(ctx, mainKey, 'D', [], { observedAt }), makeVersion(ctx, poemsKey, 'D', [], { observedAt }));
      }
      continue;
    }
    const read = readOne(dx, mention, { observedAt, segment: dx.label, resultKey: mainKey }, { observedAt, segment: dx.label, resultKey: poemsKey }, ctx);
    if (read.findings.length > 0 || read.notes.length > 0) out.push(makeVersion(ctx, mainKey, 'F', read.findings, { observedAt, notes: read.notes }));
    if (read.poems) out.push(makeVersion(ctx, poemsKey, 'F', [read.poems], { observedAt }));
  }
  return out;
}

function readOne(
  dx: Diagnosis,
  mention: PoemsMention,
  at: At,
  poemsAt: At,
  ctx: ExtractContext,
): { findings: Finding[]; notes: UnreadNote[]; poems: Finding | null } {
  const matcher = ctx.profile.diagnoses;
  const kinds = matcher.kindsOf(dx.codes);
  const cidp = kinds.includes('neuropathy') && matcher.isCidp(dx.codes);
  const suffix = dx.codes.find((c) => c.suffix !== null)?.suffix ?? null;
  const matched = dx.codes.map((c) => c.code).join(' ');
  const seen = `${matched} ${dx.description}`.trim();
  const onset: Qualifiers = dx.onset ? { onset: dx.onset } : {};
  const findings: Finding[] = [];
  const notes: UnreadNote[] = [];
  for (const kind of kinds) {
    if (kind === 'poemsKnown') continue;
    if (suffix === 'A') {
      notes.push(unreadNote(ctx, 'NEGATED', at, { kind, text: seen, detail: 'ICD-10-GM suffix A (excluded)' }));
      continue;
    }
    if (suffix === 'Z' && !CHRONIC_KINDS.has(kind)) {
      notes.push(unreadNote(ctx, 'HISTORY_ONLY', at, { kind, text: seen, detail: 'ICD-10-GM suffix Z (status after)' }));
      continue;
    }
    // a doubt about CIDP keeps the neuropathy definite: the doubt is about its cause (spec §1)
    const certainty: Certainty = suffix === 'V' && !(kind === 'neuropathy' && cidp) ? 'possible' : 'definite';
    findings.push(makeFinding(ctx, kind, at, { qualifiers: { matched, ...onset, ...qualifiersOf(kind, cidp) }, certainty }));
  }

  let poems: Finding | null = null;
  const byCode = kinds.includes('poemsKnown');
  if (byCode || mention.named) {
    const why = whyNotAffirmed(dx, suffix, mention);
    if (why === null) poems = makeFinding(ctx, 'poemsKnown', poemsAt, { qualifiers: { matched: mention.named ? mention.matched : matched, ...onset } });
    else notes.push(unreadNote(ctx, 'NOT_AFFIRMED', at, { kind: 'poemsKnown', text: seen, detail: why }));
  }
  return { findings, notes, poems };
}

/** Why a diagnosis naming POEMS does not suppress (spec §1 `poemsKnown`), or null when it does. */
function whyNotAffirmed(dx: Diagnosis, suffix: CertaintySuffix | null, mention: PoemsMention): string | null {
  if (!dx.final) return `${dx.type === 'W' ? 'working' : dx.type === 'A' ? 'admitting' : 'not a final'} diagnosis (DG1-6 ${dx.type})`;
  if (suffix === 'V' || suffix === 'A') return `ICD-10-GM suffix ${suffix} (${SUFFIX_WORD[suffix]})`;
  const doubt = mention.named ? (mention.affirmed ? null : mention.doubt) : doubtIn(dx.description);
  return doubt === null ? null : `not affirmed: '${doubt}'`;
}

function qualifiersOf(kind: Exclude<DxKind, 'poemsKnown'>, cidp: boolean): Qualifiers {
  if (kind === 'neuropathy') return cidp ? { cidp: true } : {};
  if (kind === 'clone') return { lightChain: 'unknown', heavyChain: 'unknown', method: 'diagnosis' };
  return {};
}
