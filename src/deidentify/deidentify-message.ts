import type { Delimiters } from '../hl7/delimiters.js';
import { escapeHl7 } from '../hl7/ack.js';
import { component, text, type Hl7Message, type Segment } from '../hl7/message.js';
import { deidentifyBirthDate, hl7Year, parseHl7Time, shiftHl7Time, GROUPED_AGE, type CalendarDate } from './dates.js';
import { EscapedText } from './escaped-text.js';
import { isIdentifying, observationValueNode, partNode, segmentNodes, typeNode, type Leaf, type TypeNode } from './field-types.js';
import type { IdentifierPseudonyms } from './pseudonym.js';
import type { ReplacementCounts } from './report.js';
import { emptyIdentity, TextScrubber, type MessageIdentity } from './text-scrub.js';

export interface MessageOptions {
  pseudonyms: IdentifierPseudonyms;
  /** days added to every date of the message's patient (negative) */
  days: number;
  safeHarbor: boolean;
  /** ages are reckoned at MSH-7; this date stands in when MSH-7 is unreadable */
  fallbackDate: CalendarDate;
  counts: ReplacementCounts;
}

/** LOINC codes of an age as an observation (OBX-5 in years): grouped over 89 like a birth date. */
const AGE_CODES = new Set(['30525-0', '21612-7', '29553-5', '21611-9', '35659-2']);
/** A result value that reads as a number, optionally with a comparator and a unit. */
const NUMERIC_VALUE = /^\s*(?:[<>]=?|=|~)?\s*[-+]?(?:\d{1,3}(?:[,\s]\d{3})+|\d+)(?:[.,]\d+)?\s*[a-zA-Zµμ%/*^0-9()._\s-]{0,24}$/u;
/** Whole values: removed or kept without looking inside. */
const WHOLE = new Set<Leaf>(['K', 'X', 'NAME', 'ADDR', 'TEL']);

type Level = 0 | 1 | 2;
type Visit = (leaf: Leaf, atom: string) => string;

/**
 * One message, de-identified by the data types of its segments (field-types.ts): identifiers
 * become keyed pseudonyms, every date moves by the patient's offset, names, street addresses
 * and telecom addresses go, ZIP codes keep three digits, free text is scrubbed of what the
 * message itself says about its people and of common patterns. Segments the table does not
 * know are not copied. Pure.
 */
export function deidentifyMessage(msg: Hl7Message, o: MessageOptions): string {
  const d = msg.delimiters;
  const identity = collectIdentity(msg);
  const messageDate = parseHl7Time(component(msg.segments[0]?.get(7) ?? '', 1, d))?.date ?? o.fallbackDate;
  let scrubber: TextScrubber | undefined;
  const scrub = (): TextScrubber => (scrubber ??= new TextScrubber(identity, { days: o.days, safeHarbor: o.safeHarbor }));

  const out: string[] = [];
  for (const seg of msg.segments) {
    const nodes = segmentNodes(seg.id, msg.version);
    if (!nodes) {
      o.counts.dropSegment(seg.id);
      continue;
    }
    const fields = seg.fields.map((raw, n) => {
      if (n === 0 || raw === '' || (seg.id === 'MSH' && n <= 2)) return raw;
      const node = nodes[n - 1];
      if (node === 'K') return raw;
      const where = `${seg.id}-${n}`;
      if (node === undefined) {
        o.counts.add(where, 'removedUnknownField');
        return '';
      }
      const visit: Visit = (leaf, atom) => transformLeaf(leaf, atom, where);
      const field = (rep: string): string => {
        const after = seg.id === 'OBX' && n === 5 ? observationValue(seg, rep, visit) : walk(node, rep, 0, d, visit);
        // what was removed leaves no trailing delimiters ("^^" for a removed name)
        return after === rep ? rep : trimTrailing(after, d);
      };
      return raw.includes(d.repetition) ? raw.split(d.repetition).map(field).join(d.repetition) : field(raw);
    });
    while (fields.length > (seg.id === 'MSH' ? 3 : 1) && fields[fields.length - 1] === '') fields.pop();
    out.push(seg.id === 'MSH' ? `MSH${d.field}${fields.slice(2).join(d.field)}` : fields.join(d.field));
  }
  return out.join('\r');

  /** OBX-5 by OBX-2; an age over 89 grouped; a numeric ST kept as a value. */
  function observationValue(seg: Segment, rep: string, visit: Visit): string {
    const valueType = component(seg.get(2), 1, d);
    const age = groupedAge(seg, rep, d);
    if (age !== null) {
      if (age !== rep) o.counts.add('OBX-5', 'ageGrouped');
      return age;
    }
    if (valueType.trim().toUpperCase() === 'ST' && NUMERIC_VALUE.test(text(rep, d))) {
      return walk('TXT', rep, 0, d, (leaf, atom) => (leaf === 'TXT' ? scrubText(atom, 'OBX-5', true) : transformLeaf(leaf, atom, 'OBX-5')));
    }
    return walk(observationValueNode(valueType), rep, 0, d, visit);
  }

  function transformLeaf(leaf: Leaf, atom: string, where: string): string {
    if (atom === '' || atom === '""') return atom;
    switch (leaf) {
      case 'K':
        return atom;
      case 'CODE':
        return /\s/.test(atom) ? scrubText(atom, where, false) : atom;
      case 'NSID':
        if (!/\d{5}/.test(atom)) return atom;
        o.counts.add(where, 'pseudonym');
        return escapeHl7(o.pseudonyms.of(text(atom, d)), d);
      case 'REGION':
        if (/^\s*[A-Za-z]{1,3}\s*$/.test(text(atom, d))) return atom;
        o.counts.add(where, 'removed');
        return '';
      case 'X': case 'NAME': case 'ADDR': case 'TEL':
        o.counts.add(where, 'removed');
        return '';
      case 'IDV':
        o.counts.add(where, 'pseudonym');
        return escapeHl7(o.pseudonyms.of(text(atom, d)), d);
      case 'ZIP':
        o.counts.add(where, 'zip3');
        return zip3(text(atom, d));
      case 'DTM': {
        const value = o.safeHarbor ? hl7Year(atom) : shiftHl7Time(atom, o.days);
        o.counts.add(where, value === null ? 'removedUnreadableDate' : o.safeHarbor ? 'dateToYear' : 'dateShifted');
        return value ?? '';
      }
      case 'BIRTH': {
        const r = deidentifyBirthDate(atom, { days: o.days, messageTime: messageDate, safeHarbor: o.safeHarbor });
        o.counts.add(where, r === null ? 'removedUnreadableDate' : r.grouped ? 'ageGrouped' : o.safeHarbor ? 'dateToYear' : 'dateShifted');
        return r?.value ?? '';
      }
      case 'TXT':
        return scrubText(atom, where, false);
      case 'REPORT':
        if (o.safeHarbor) {
          o.counts.add(where, 'textDropped');
          return '';
        }
        return scrubText(atom, where, false);
    }
  }

  function scrubText(atom: string, where: string, numericValue: boolean): string {
    const t = EscapedText.decode(atom, d);
    const scrubbed = scrub().scrub(t.text, (p) => o.counts.add(where, `text:${p}`), numericValue);
    return scrubbed === t.text ? atom : t.encode(scrubbed);
  }
}

/**
 * Walks one field repetition by its type down to atoms (subcomponents, or components of a
 * simple type) and lets `visit` decide each atom. An identifier leaf on a whole component
 * (EI inside EIP) pseudonymises its first subcomponent and keeps the namespace after it.
 */
function walk(node: TypeNode, raw: string, level: Level, d: Delimiters, visit: Visit): string {
  if (raw === '') return raw;
  if (typeof node === 'string') {
    // a code field that carries components is the coded element later versions made of it (IS → CWE)
    if (node === 'CODE' && level === 0 && raw.includes(d.component)) return walk(typeNode('CE'), raw, 0, d, visit);
    if (level === 2 || WHOLE.has(node)) return visit(node, raw);
    const sep = level === 0 ? d.component : d.subcomponent;
    if (!raw.includes(sep)) return visit(node, raw);
    const parts = raw.split(sep);
    if (node === 'IDV' && level === 1) return [visit('IDV', parts[0] ?? ''), ...parts.slice(1)].join(sep);
    return parts.map((p) => walk(node, p, (level + 1) as Level, d, visit)).join(sep);
  }
  if (level === 2) return walk(partNode(node, 1), raw, 2, d, visit);
  const sep = level === 0 ? d.component : d.subcomponent;
  if (!raw.includes(sep)) return walk(partNode(node, 1), raw, (level + 1) as Level, d, visit);
  return raw.split(sep).map((p, i) => walk(partNode(node, i + 1), p, (level + 1) as Level, d, visit)).join(sep);
}

function trimTrailing(value: string, d: Delimiters): string {
  let end = value.length;
  while (end > 0 && (value[end - 1] === d.component || value[end - 1] === d.subcomponent)) end -= 1;
  return value.slice(0, end);
}

/**
 * ZIP to its first three digits; "000" for the three-digit areas with 20,000 people or fewer,
 * which Safe Harbor does not allow (HHS de-identification guidance, 2012, §3.2, from the 2000
 * census). Anything that is not a US ZIP code (a UK or Canadian postcode) is removed.
 */
const SPARSE_ZIP3 = new Set(['036', '059', '063', '102', '203', '556', '692', '790', '821', '823', '830', '831', '878', '879', '884', '890', '893']);

export function zip3(value: string): string {
  const m = /^\s*(\d{3})\d{2}(?:-?\d{4})?\s*$/.exec(value);
  if (!m) return '';
  const first = m[1] as string;
  return SPARSE_ZIP3.has(first) ? '000' : first;
}

/** OBX-5 of an age observation of 90 or more years, grouped to 90; null when not an age. */
function groupedAge(obx: Segment, rep: string, d: Delimiters): string | null {
  const obx3 = obx.get(3);
  if (!AGE_CODES.has(component(obx3, 1, d).trim()) && !AGE_CODES.has(component(obx3, 4, d).trim())) return null;
  const unit = component(obx.get(6), 1, d).trim().toLowerCase();
  const months = unit === 'mo' || unit === 'month' || unit === 'months';
  if (!months && !['', 'a', 'y', 'yr', 'yrs', 'year', 'years'].includes(unit)) return null;
  const limit = months ? GROUPED_AGE * 12 : GROUPED_AGE;
  const sn = rep.split(d.component);
  const at = sn.length > 1 ? 1 : 0;
  const raw = (sn[at] ?? '').trim();
  const value = Number(raw);
  if (raw === '' || !Number.isFinite(value)) return null;
  if (value < limit) return rep;
  sn[at] = String(limit);
  return sn.join(d.component);
}

/** Everything the message says about its people, for scrubbing its text. */
function collectIdentity(msg: Hl7Message): MessageIdentity {
  const d = msg.delimiters;
  const id = emptyIdentity();
  const collect = (into: Set<string>, atom: string): void => {
    for (const comp of atom.split(d.component)) for (const sub of comp.split(d.subcomponent)) {
      const v = text(sub, d).trim();
      if (v !== '') into.add(v);
    }
  };
  const visit: Visit = (leaf, atom) => {
    if (atom === '' || atom === '""') return atom;
    switch (leaf) {
      case 'NAME': collect(id.names, atom); break;
      case 'IDV': collect(id.identifiers, atom); break;
      case 'ADDR': collect(id.addresses, atom); break;
      case 'TEL': collect(id.telecoms, atom); break;
      case 'ZIP': {
        const z = /^\s*(\d{5})/.exec(text(atom, d));
        if (z) id.zips.add(z[1] as string);
        break;
      }
      case 'BIRTH': {
        const t = parseHl7Time(atom);
        if (t && t.precision === 8) id.births.push(t.date);
        break;
      }
      case 'K': case 'CODE': case 'NSID': case 'REGION': case 'X': case 'DTM': case 'TXT': case 'REPORT':
        break;
    }
    return atom;
  };
  for (const seg of msg.segments) {
    if (seg.id === 'MSH') continue;
    const nodes = segmentNodes(seg.id, msg.version);
    if (!nodes) continue;
    const fields = seg.fields;
    for (let n = 1; n < fields.length; n++) {
      const raw = fields[n] as string;
      if (raw === '') continue;
      const node = seg.id === 'OBX' && n === 5 ? observationValueNode(component(seg.get(2), 1, d)) : nodes[n - 1];
      if (node === undefined || !isIdentifying(node)) continue;
      for (const rep of raw.split(d.repetition)) walk(node, rep, 0, d, visit);
    }
  }
  return id;
}
