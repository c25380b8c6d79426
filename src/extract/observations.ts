import { component, field, repetitions, text, type Segment } from '../hl7/message.js';
import { hl7TimeToIso } from '../hl7/hl7-time.js';
import type { Finding } from '../domain/finding.js';
import type { ResultVersion } from '../domain/result.js';
import type { UnreadNote } from '../domain/unread.js';
import { makeFinding, makeVersion, statusClass, statusEffect, type ExtractContext } from './context.js';
import { readIfeReport } from './ife-result.js';
import { labRoleOf } from './lab-codes.js';
import { providerIdOf, withProvider } from './providers.js';
import { readLab, type NumericLabRole } from './labs.js';
import { readReportText, type TextFinding, type TextNote } from './text/report-text.js';

interface Line { seg: Segment; label: string }

/** One OBR with the OBX and NTE segments that follow it, in order, and its SPM segments. */
interface OrderGroup {
  obr: Segment | undefined;
  /** OBX and NTE in order */
  lines: Line[];
  /** the OBX alone (labs read a companion value of the same order, e.g. free λ beside the FLC ratio) */
  observations: Line[];
  specimens: Segment[];
}

function groupByOrder(segments: readonly Segment[]): OrderGroup[] {
  const groups: OrderGroup[] = [];
  let current: OrderGroup | undefined;
  let obxCount = 0;
  let nteCount = 0;
  for (const seg of segments) {
    if (seg.id === 'OBR') {
      current = { obr: seg, lines: [], observations: [], specimens: [] };
      groups.push(current);
    } else if (seg.id === 'OBX') {
      obxCount += 1;
      if (!current) {
        current = { obr: undefined, lines: [], observations: [], specimens: [] };
        groups.push(current);
      }
      const line = { seg, label: `OBX[${obxCount}]` };
      current.lines.push(line);
      current.observations.push(line);
    } else if (seg.id === 'NTE') {
      nteCount += 1;
      // NTE before any OBR/OBX is about the patient or the message, not a result
      if (current) current.lines.push({ seg, label: `NTE[${nteCount}]` });
    } else if (seg.id === 'SPM' && current) {
      current.specimens.push(seg);
    }
  }
  return groups;
}

function fillerKey(obr: Segment | undefined, ctx: ExtractContext): string {
  if (!obr) return `MSG:${ctx.msg.controlId}`;
  const { d } = ctx;
  for (const n of [3, 2]) {
    const id = text(component(field(obr, n), 1, d), d).trim();
    if (id !== '') return `${id}^${text(component(field(obr, n), 2, d), d).trim()}`;
  }
  return `MSG:${ctx.msg.controlId}`;
}

function observedAt(obx: Segment | undefined, obr: Segment | undefined, ctx: ExtractContext): string {
  const { d } = ctx;
  return (
    (obx ? hl7TimeToIso(component(field(obx, 14), 1, d)) : '') ||
    (obr ? hl7TimeToIso(component(field(obr, 7), 1, d)) : '') ||
    ctx.messageTime
  );
}

/**
 * OBR-25 as an OBX-11 status (spec §2: status is OBX-11, else OBR-25). OBR-25 "A" means "some
 * results available", a preliminary report, not OBX-11's "amended".
 */
function orderStatus(obr: Segment | undefined, ctx: ExtractContext): string {
  const s = obr ? component(field(obr, 25), 1, ctx.d).trim().toUpperCase() : '';
  return s === 'A' ? 'P' : s;
}

const CODED_TYPES = new Set(['CE', 'CWE', 'CNE', 'CF']);

/** OBX-5 as human text (repetitions on separate lines; coded values by their text) and its codes. */
function valueOf(obx: Segment, valueType: string, ctx: ExtractContext): { text: string; codes: string[] } {
  const { d } = ctx;
  const reps = repetitions(field(obx, 5), d);
  if (!CODED_TYPES.has(valueType)) return { text: reps.map((r) => text(r, d)).join('\n'), codes: reps.length === 1 ? [text(reps[0] ?? '', d)] : [] };
  const codes: string[] = [];
  const texts: string[] = [];
  for (const r of reps) {
    const [code, label, , , altLabel, , , , original] = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => text(component(r, n, d), d).trim());
    if (code) codes.push(code);
    // the words of a coded value: its text, else the code itself; the alternate and original text too
    const words = [label || code, altLabel !== label ? altLabel : '', original !== label ? original : ''].filter((w): w is string => !!w);
    texts.push(words.join(' '));
  }
  return { text: texts.join('\n'), codes };
}

/** OBX-11, else OBR-25 (read only when needed: it is the 25th field of a long segment). */
function obxStatus(obx: Segment, group: OrderGroup, ctx: ExtractContext): string {
  return component(field(obx, 11), 1, ctx.d).trim() || orderStatus(group.obr, ctx);
}

/** OBX-3.1 as the report's name in its result key. */
function obxCode(obx: Segment, ctx: ExtractContext): string {
  return text(component(field(obx, 3), 1, ctx.d), ctx.d).trim() || 'TEXT';
}

function nteText(nte: Segment, ctx: ExtractContext): string {
  return repetitions(field(nte, 3), ctx.d).map((r) => text(r, ctx.d)).join('\n');
}

interface LabObservation { type: 'lab'; role: NumericLabRole; loinc: string; name: string; line: Line; status: string; notes: string[] }
interface TextObservation {
  type: 'ife' | 'text';
  /** the observation code (LOINC for an IFE, OBX-3.1 for a report) */
  code: string;
  first: Line;
  status: string;
  lines: string[];
  codes: string[];
  /** TX/FT or NTE: a narrative report, stored even when it names nothing (a final may withdraw) */
  narrative: boolean;
}

/**
 * The observations of one order (spec §1.2): every OBX line of one observation (same OBX-3, any
 * OBX-4) is one report; an NTE belongs to the observation before it; NTE before the first OBX
 * is the order's own report. A numeric lab result stays one result per OBX-4.
 */
function observationsOf(group: OrderGroup, ctx: ExtractContext): { observations: (LabObservation | TextObservation)[]; orderNotes: string[] } {
  const observations: (LabObservation | TextObservation)[] = [];
  let byCode: Map<string, TextObservation> | undefined;
  const orderNotes: string[] = [];
  let last: LabObservation | TextObservation | Line | undefined;
  const textOf = (line: Line, code: string, status: string, type: TextObservation['type']): TextObservation => {
    const key = `${type}|${code}`;
    byCode ??= new Map();
    let obs = byCode.get(key);
    if (obs === undefined) {
      obs = { type, code, first: line, status, lines: [], codes: [], narrative: false };
      byCode.set(key, obs);
      observations.push(obs);
    }
    if (status !== '') obs.status = status;
    return obs;
  };
  for (const line of group.lines) {
    const seg = line.seg;
    if (seg.id === 'NTE') {
      const note = nteText(seg, ctx);
      // an OBX that is neither watched nor text becomes a report only when a note follows it
      if (last !== undefined && 'seg' in last) last = textOf(last, obxCode(last.seg, ctx), obxStatus(last.seg, group, ctx), 'text');
      if (last === undefined) orderNotes.push(note);
      else if (last.type === 'lab') last.notes.push(note);
      else {
        last.lines.push(note);
        last.narrative = true;
      }
      continue;
    }
    const status = obxStatus(seg, group, ctx);
    const lab = labRoleOf(field(seg, 3), ctx);
    if (lab && lab.role !== 'serumIfe' && lab.role !== 'urineIfe') {
      last = { type: 'lab', role: lab.role, loinc: lab.loinc, name: lab.name, line, status, notes: [] };
      observations.push(last);
      continue;
    }
    const valueType = component(field(seg, 2), 1, ctx.d).trim().toUpperCase();
    // An IFE is read whatever its value type; other observations when their type is text.
    if (!lab && !ctx.profile.text.valueTypes.has(valueType)) {
      last = line;
      continue;
    }
    const obs = textOf(line, lab ? lab.loinc : obxCode(seg, ctx), status, lab ? 'ife' : 'text');
    const value = valueOf(seg, valueType, ctx);
    // an empty line is kept: it is a blank line, and a blank line ends a sentence
    obs.lines.push(value.text.trim() === '' ? '' : value.text);
    obs.codes.push(...value.codes);
    if (valueType === 'TX' || valueType === 'FT') obs.narrative = true;
    last = obs;
  }
  return { observations, orderNotes };
}

/** Findings and result versions from every OBX and NTE of a message (labs, IFE, report text). */
export function extractObservations(ctx: ExtractContext): ResultVersion[] {
  const out: ResultVersion[] = [];
  for (const group of groupByOrder(ctx.msg.segments)) {
    const filler = fillerKey(group.obr, ctx);
    const { observations, orderNotes } = observationsOf(group, ctx);
    const versions: ResultVersion[] = [];
    for (const obs of observations) {
      const version = obs.type === 'lab' ? labVersion(obs, group, filler, ctx) : textVersion(obs, group, filler, ctx);
      if (version !== null) versions.push(version);
    }
    if (orderNotes.length > 0 && group.obr !== undefined) {
      const first = { seg: group.obr, label: 'OBR' };
      const version = textVersion({ type: 'text', code: 'NTE', first, status: orderStatus(group.obr, ctx), lines: orderNotes, codes: [], narrative: true }, group, filler, ctx, `${filler}|NTE`);
      if (version !== null) versions.push(version);
    }
    // OBR-16: who ordered this group's results (routing sends the alert to them)
    const orderedBy = group.obr !== undefined && versions.length > 0 ? providerIdOf(field(group.obr, 16), ctx.d) : undefined;
    out.push(...withProvider(versions, 'orderingProvider', orderedBy));
  }
  return out;
}

function labVersion(obs: LabObservation, group: OrderGroup, filler: string, ctx: ExtractContext): ResultVersion | null {
  const effect = statusEffect(obs.status);
  if (effect === 'skip') return null;
  const seg = obs.line.seg;
  const resultKey = `${filler}|${obs.loinc}|${text(field(seg, 4), ctx.d).trim()}`;
  const at = { observedAt: observedAt(seg, group.obr, ctx), segment: obs.line.label, resultKey };
  if (effect !== 'count') return makeVersion(ctx, resultKey, obs.status, [], { observedAt: at.observedAt });
  const reading = readLab({ role: obs.role, name: obs.name }, seg, group, at, ctx);
  let findings = reading.findings;
  let notes = reading.notes;
  // An NTE after a lab value is that result's text ("IgA lambda on immunofixation" under an M-spike).
  if (obs.notes.length > 0) {
    const text = readReportText(obs.notes.join('\n'), ctx.profile.text);
    findings = withTextFindings(findings, text.findings, at, ctx);
    notes = [...notes, ...toNotes(text.notes, at, ctx)];
  }
  return makeVersion(ctx, resultKey, obs.status, findings, { observedAt: at.observedAt, notes, ...(reading.measurement ? { measurement: reading.measurement } : {}) });
}

function textVersion(obs: TextObservation, group: OrderGroup, filler: string, ctx: ExtractContext, key?: string): ResultVersion | null {
  const effect = statusEffect(obs.status);
  if (effect === 'skip' || (obs.type === 'text' && obs.lines.every((l) => l.trim() === ''))) return null;
  const resultKey = key ?? (obs.type === 'ife' ? `${filler}|${obs.code}|` : `${filler}|report:${obs.code}`);
  const firstObx = obs.first.seg.id === 'OBX' ? obs.first.seg : undefined;
  const at = { observedAt: observedAt(firstObx, group.obr, ctx), segment: obs.first.label, resultKey };
  if (effect !== 'count') return makeVersion(ctx, resultKey, obs.status, [], { observedAt: at.observedAt });
  const reading = obs.type === 'ife'
    ? readIfeReport({ lines: obs.lines, codes: obs.codes }, ctx.profile.text)
    : readReportText(obs.lines.join('\n'), ctx.profile.text);
  const findings = reading.findings.map((f) => toFinding(f, at, ctx));
  const notes = toNotes(reading.notes, at, ctx);
  const version = makeVersion(ctx, resultKey, obs.status, findings, { observedAt: at.observedAt, notes });
  // A report that names nothing is a version: a final one withdraws a preliminary's finding
  // even when it arrives first (spec §2). A preliminary naming nothing matters only over an
  // earlier version, and a short coded or string value that names nothing watched (a urine
  // colour) is not a report: neither is stored unless it replaces something.
  if (findings.length === 0 && (statusClass(obs.status) === 'preliminary' || (!obs.narrative && notes.length === 0))) version.storeIfNew = false;
  return version;
}

type At = { observedAt: string; segment: string; resultKey: string };

function toFinding(f: TextFinding, at: At, ctx: ExtractContext): Finding {
  return makeFinding(ctx, f.kind, at, { qualifiers: f.qualifiers, certainty: f.certainty });
}

function toNotes(notes: readonly TextNote[], at: At, ctx: ExtractContext): UnreadNote[] {
  const source = { messageControlId: ctx.msg.controlId, sendingFacility: ctx.msg.sendingFacility, segment: at.segment, resultKey: at.resultKey };
  return notes.map((n) => ({ reason: n.reason, kind: n.kind, text: n.text, detail: n.detail, observedAt: at.observedAt, source }));
}

/**
 * A lab's findings plus those of its NTE text, one per kind: a clone named in the text types the
 * lab's clone (an M-spike with "IgA lambda" in its note is an IgA lambda clone).
 */
function withTextFindings(lab: Finding[], fromText: readonly TextFinding[], at: At, ctx: ExtractContext): Finding[] {
  const out = [...lab];
  for (const tf of fromText) {
    const i = out.findIndex((f) => f.kind === tf.kind);
    const held = out[i];
    if (held === undefined) {
      out.push(toFinding(tf, at, ctx));
    } else if (tf.kind === 'clone' && tf.qualifiers.lightChain !== undefined && tf.qualifiers.lightChain !== 'unknown') {
      out[i] = { ...held, qualifiers: { ...held.qualifiers, lightChain: tf.qualifiers.lightChain, heavyChain: tf.qualifiers.heavyChain ?? 'unknown' } };
    }
  }
  return out;
}
