import { component, field, text, type Segment } from '../hl7/message.js';
import { hl7TimeToIso } from '../hl7/hl7-time.js';
import type { Finding } from '../domain/finding.js';
import type { ResultVersion } from '../domain/result.js';
import { codingSystem, looksLikeIcd10, normaliseIcd } from './codes.js';
import { makeFinding, makeVersion, type ExtractContext } from './context.js';

/** A working diagnosis ("rule out POEMS", "? POEMS", "POEMS vs CIDP") is not a diagnosis made. */
const UNCERTAIN = /\b(rule out|r\/o|suspected|suspect|possible|probable|query|exclude|excluded|versus|vs)\b|\?/i;

interface Diagnosis { code: string; description: string; deleted: boolean; observedAt: string; label: string }

/** The ICD-10 code of a CWE: primary or alternate triplet, lenient on the system's spelling. */
function icd10Of(cwe: string, ctx: ExtractContext): string {
  for (const offset of [0, 3]) {
    const code = text(component(cwe, 1 + offset, ctx.d), ctx.d).trim();
    if (code === '') continue;
    const system = codingSystem(component(cwe, 3 + offset, ctx.d));
    if (system === 'icd10' || (system === 'empty' && looksLikeIcd10(code))) return normaliseIcd(code);
  }
  return '';
}

function readDiagnoses(ctx: ExtractContext): Diagnosis[] {
  const { d } = ctx;
  const out: Diagnosis[] = [];
  let dg1 = 0;
  let prb = 0;
  for (const seg of ctx.msg.segments) {
    if (seg.id === 'DG1') {
      dg1 += 1;
      out.push({
        code: icd10Of(field(seg, 3), ctx),
        description: `${text(component(field(seg, 3), 2, d), d)} ${text(field(seg, 4), d)}`,
        // DG1-21 diagnosis action code (v2.5+): D = delete
        deleted: component(field(seg, 21), 1, d).trim().toUpperCase() === 'D',
        observedAt: hl7TimeToIso(component(field(seg, 5), 1, d)) || ctx.messageTime,
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
  return {
    code: icd10Of(field(seg, 3), ctx),
    description: text(component(field(seg, 3), 2, d), d),
    // PRB-1 action code: DE = delete
    deleted: component(field(seg, 1), 1, d).trim().toUpperCase() === 'DE',
    observedAt: hl7TimeToIso(component(field(seg, 7), 1, d)) || hl7TimeToIso(component(field(seg, 2), 1, d)) || ctx.messageTime,
    label: `PRB[${n}]`,
  };
}

/**
 * Diagnoses (DG1, PRB) → findings. A diagnosis's result key is its code (spec §2); a POEMS
 * diagnosis named only in text gets a key of its own. Diagnosis text names POEMS → `poemsKnown`
 * (spec §1: only a diagnosis suppresses, never a report that mentions POEMS).
 */
export function extractDiagnoses(ctx: ExtractContext): ResultVersion[] {
  const { profile } = ctx;
  const out: ResultVersion[] = [];
  for (const dx of readDiagnoses(ctx)) {
    const poemsByText = (profile.poemsKnownText?.test(dx.description) ?? false) && !UNCERTAIN.test(dx.description);
    if (dx.code === '' && !poemsByText) continue;
    const resultKey = dx.code === '' ? 'DG1|text:poems' : `DG1|${dx.code}`;
    const at = { observedAt: dx.observedAt, segment: dx.label, resultKey };
    const findings: Finding[] = [];
    for (const { kind, codes } of profile.dx) {
      if (dx.code === '' || !codes.has(dx.code)) continue;
      const cidp = kind === 'neuropathy' && profile.cidp.has(dx.code);
      findings.push(makeFinding(ctx, kind, at, { qualifiers: { matched: dx.code, ...(cidp ? { cidp } : {}), ...(kind === 'clone' ? { lightChain: 'unknown' as const } : {}) } }));
    }
    if (poemsByText && !findings.some((f) => f.kind === 'poemsKnown')) {
      findings.push(makeFinding(ctx, 'poemsKnown', at, { qualifiers: { matched: dx.description.trim().slice(0, 120) } }));
    }
    if (findings.length === 0 && !dx.deleted) continue;
    out.push(makeVersion(ctx, resultKey, dx.deleted ? 'D' : 'F', findings, { observedAt: at.observedAt }));
  }
  return out;
}
