/**
 * Which fields and components of HL7 v2 segments hold dates, identifiers, names, addresses,
 * telecom addresses and text: the data types of the standard's segment definitions, applied by
 * type rather than by a list of paths.
 *
 * Source: HL7 v2.5.1 segment definitions (chapters 2-15), field by field as transcribed in
 * crs4/hl7apy `hl7apy/v2_5_1/fields.py`, with the fields v2.6-v2.8 appended at the end of a
 * segment from `hl7apy/v2_8/fields.py` (OBX-20..22 changed type in v2.6: see OBX_FROM_V26).
 * Composite types (CX, XPN, XCN, XAD, XTN, EI, TS, DR, …) are from v2.5.1 chapter 2A.
 *
 * Some ST fields are not text: a social security number, a policy number or a birth place is
 * an ST in the standard. Those carry the roles below instead of ST (ID# = an identifier to
 * pseudonymise, X = removed). A field beyond the end of its segment's list is removed, and a
 * segment that is not listed (Z-segments, pharmacy, scheduling, master files) is not copied.
 */

/** Leaf roles: what happens to a value that is not split further. */
export type Leaf =
  | 'K' // kept as sent (numbers, quantities, facility and application names)
  | 'CODE' // a code (ID, IS, CE-1): kept; scrubbed as text when it holds a space (free text in a code field)
  | 'NSID' // namespace of an entity identifier: kept, pseudonymised when it holds a record number
  | 'REGION' // state or country of an address: kept when it is a code of up to 3 letters
  | 'X' // removed
  | 'IDV' // identifier: keyed pseudonym
  | 'NAME' // part of a person's name: removed (and scrubbed from the message's text)
  | 'ADDR' // street, other designation, city: removed (and scrubbed from text)
  | 'ZIP' // ZIP code to its first three digits, or 000
  | 'DTM' // date/time: shifted (Safe Harbor: the year)
  | 'BIRTH' // birth date: shifted, age over 89 grouped
  | 'TXT' // short text: scrubbed
  | 'REPORT' // report text (NTE-3, OBX-5 TX/FT/ST): scrubbed; dropped in Safe Harbor mode
  | 'TEL'; // telecom address: removed (and scrubbed from text)

export interface Composite {
  /** what an unlisted component is */
  rest: TypeName;
  parts: Readonly<Record<number, TypeName>>;
}

export type TypeName = string;

const keep = (parts: Record<number, TypeName>): Composite => ({ rest: 'K', parts });

/** Composite data types (v2.5.1 chapter 2A; later versions add components at the end). */
export const COMPOSITES: Readonly<Record<string, Composite>> = {
  TS: keep({ 1: 'DTM' }),
  DOB: keep({ 1: 'BIRTH' }),
  DR: keep({ 1: 'TS', 2: 'TS' }),
  DIN: keep({ 1: 'DTM', 2: 'CWE' }),
  FC: keep({ 2: 'DTM' }),
  DLD: keep({ 1: 'CWE', 2: 'DTM' }),
  ICD: keep({ 3: 'DTM' }),
  CX: keep({ 1: 'IDV', 2: 'X', 7: 'DT', 8: 'DT', 11: 'X' }),
  EI: keep({ 1: 'IDV', 2: 'NSID' }),
  EIP: keep({ 1: 'EI', 2: 'EI' }),
  DLN: keep({ 1: 'IDV', 3: 'DT' }),
  PLN: keep({ 1: 'IDV', 4: 'DT' }),
  AUI: keep({ 1: 'IDV', 2: 'DT', 3: 'TXT' }),
  XPN: keep({ 1: 'NAME', 2: 'NAME', 3: 'NAME', 4: 'X', 5: 'X', 6: 'X', 10: 'DR', 12: 'TS', 13: 'TS', 14: 'X' }),
  XCN: keep({ 1: 'IDV', 2: 'NAME', 3: 'NAME', 4: 'NAME', 5: 'X', 6: 'X', 11: 'X', 17: 'DR', 19: 'TS', 20: 'TS', 24: 'X' }),
  CNN: keep({ 1: 'IDV', 2: 'NAME', 3: 'NAME', 4: 'NAME', 5: 'X', 6: 'X' }),
  NDL: keep({ 1: 'CNN', 2: 'DTM', 3: 'DTM' }),
  PPN: keep({ 1: 'IDV', 2: 'NAME', 3: 'NAME', 4: 'NAME', 5: 'X', 6: 'X', 11: 'X', 15: 'TS', 18: 'DR', 20: 'TS', 21: 'TS' }),
  // a state or country that is not a short code is often a city in the wrong component
  XAD: keep({ 1: 'ADDR', 2: 'ADDR', 3: 'ADDR', 4: 'REGION', 5: 'ZIP', 6: 'REGION', 8: 'X', 9: 'X', 10: 'X', 12: 'DR', 13: 'TS', 14: 'TS', 19: 'NAME', 20: 'X', 23: 'X' }),
  // XTN: only the use code and equipment type (PRN, PH, Internet…) survive
  XTN: { rest: 'TEL', parts: { 2: 'K', 3: 'K' } },
  CE: keep({ 1: 'CODE', 2: 'TXT', 4: 'CODE', 5: 'TXT', 9: 'TXT', 10: 'CODE', 12: 'TXT' }),
  // point of care, room and bed are codes; building, floor and description can be text
  PL: keep({ 1: 'CODE', 2: 'CODE', 3: 'CODE', 7: 'TXT', 8: 'TXT', 9: 'TXT' }),
  SPS: keep({ 1: 'CWE', 2: 'CWE', 3: 'TXT', 4: 'CWE', 5: 'CWE', 6: 'CWE', 7: 'CWE' }),
  PRL: keep({ 1: 'CWE', 3: 'TXT' }),
  TQ: keep({ 4: 'TS', 5: 'TS', 7: 'TXT', 8: 'TXT' }),
  // ED: the encapsulated data (a PDF, an image) cannot be scrubbed, so it goes
  ED: keep({ 5: 'X' }),
};

/** Types that are another type under an older or newer name. */
export const ALIASES: Readonly<Record<string, TypeName>> = {
  ID: 'CODE', IS: 'CODE', CWE: 'CE', CNE: 'CE', CF: 'CE', PN: 'XPN', AD: 'XAD', CN: 'XCN', CK: 'CX', DT: 'DTM',
  ST: 'TXT', TX: 'TXT', FT: 'TXT', TN: 'X', RP: 'X', 'ID#': 'IDV', 'XON-': 'X', WD: 'X',
};

/** Types kept whole: codes, numbers, quantities, money, organisations, message structure. */
export const KEPT = new Set([
  'K', 'SI', 'NM', 'SN', 'CQ', 'HD', 'MSG', 'PT', 'VID', 'XON', 'JCC', 'MOC', 'CP', 'MO',
  'NA', 'RPT', 'CCD', 'ELD', 'ERL', 'TM', 'NUL', 'RI', 'MOP', 'DTN', 'RMC', 'PTA', 'DDI',
]);

/**
 * Segment definitions: the type of SEG-1, SEG-2, … in order. Roles beyond the standard's types:
 * DOB (a birth date), ID# (an ST that is an identifier), X (removed), XON- (an employer or place
 * of worship: removed, Safe Harbor names employers), K (kept as sent), TXT (text).
 */
const SEGMENTS_TEXT: Readonly<Record<string, string>> = {
  MSH: 'K K HD HD HD HD TS TXT MSG ID# PT VID NM K ID ID ID ID CE ID K XON XON HD HD',
  EVN: 'ID TS TS IS XCN TS HD',
  PID: 'SI CX CX CX XPN XPN DOB IS XPN CE XAD X XTN XTN CE CE CE CX ID# DLN CX CE X ID NM CE CE CE TS ID ID IS TS HD CE CE TXT CE CWE XTN',
  PD1: 'IS IS XON XCN IS IS IS IS ID CX CE ID DT XON- CE IS DT DT IS IS IS DT',
  NK1: 'SI XPN CE XAD XTN XTN CE DT DT TXT JCC CX XON- CE IS DOB IS IS CE CE IS CE ID IS CE XPN CE CE CE XPN XTN XAD CX IS CE IS ID# X IS XTN XTN',
  PV1: 'SI IS PL IS CX PL XCN XCN XCN IS PL IS IS IS IS IS XCN IS CX FC IS IS IS IS DT NM NM IS IS DT IS NM NM IS DT IS DLD CE IS IS IS PL PL TS TS NM NM NM NM CX IS XCN TXT CX',
  PV2: 'PL CE CE CE TXT TXT IS TS TS NM NM TXT XCN DT ID IS DT IS ID NM IS ID XON IS IS DT IS DT DT CE IS ID TS ID ID ID ID CE CE CE CE CE IS IS CE DT TS TS IS DT',
  GT1: 'SI CX XPN XPN XAD XTN XTN DOB IS IS CE ID# DT DT NM XPN XAD XTN CX IS XON- ID CE TS ID CE CP NM CX CE DT DT IS IS CE CE IS CE ID IS CE XPN CE CE XPN XTN CE IS TXT JCC XON- IS IS FC CE X IS',
  IN1: 'SI CE CX XON XAD XPN XTN ID# XON- CX XON- DT DT AUI IS XPN CE DOB XAD IS IS TXT ID DT ID DT IS ID# TS XCN IS IS NM NM IS ID# CP CP NM CP CP CE IS XAD TXT IS IS IS CX IS DT X IS CX ID',
  IN2: 'CX ID# XCN IS IS ID# XPN ID# XPN ID# CE TXT TXT IS IS IS DT ID ID ID TXT XPN TXT IS CX CX IS RMC PTA DDI IS IS CE CE IS CE ID IS CE XPN CE CE CE DT DT TXT JCC IS XPN XTN IS XPN XTN IS DT DT IS XTN IS IS CX CE XTN XTN CE ID ID ID XON- XON- CE CE',
  IN3: 'SI CX XCN ID MOP TS TS XCN DT DT DTN CE TS XCN X XTN CE CE XTN ICD X DT IS IS XCN',
  ORC: 'ID EI EI EI ID ID TQ EIP TS XCN XCN XCN PL XTN TS CE CE CE XCN CE XON XAD XTN XAD CWE CWE TS CWE CWE CNE CWE DT CX CWE',
  OBR: 'SI EI EI CE ID TS TS TS CQ XCN ID CE TXT TS SPS XCN XTN TXT TXT TXT TXT TS MOC ID ID PRL TQ XCN EIP ID CE NDL NDL NDL NDL TS NM CE CE CE ID ID CE CE CE CE CE CWE IS CWE EI EI CX EIP ID',
  OBX: 'SI ID CE K VARIES CE K IS NM ID ID TS TXT TS CE XCN CE EI TS XON XAD XCN',
  NTE: 'SI ID REPORT CE XCN TS TS TS CWE',
  SPM: 'SI EIP EIP CWE CWE CWE CWE CWE CWE CWE CWE CQ NM TXT CWE CWE DR TS TS ID CWE CWE CWE CWE CQ NM CWE CWE CWE CX CX EI TS TS ID',
  SAC: 'EI EI EI EI EI SPS TS CE CE EI NA CE EI NA CE NM NM NM NM CE NM NM NM CE CE CE CWE CE SN CE SN NM CE NM CE NM CE NM CE CE CE CE CWE CE',
  TXA: 'SI IS ID TS XCN TS TS TS XCN XCN XCN EI EI EI EI ID# ID ID ID ID TXT PPN XCN CWE TXT TS HD CWE',
  DG1: 'SI ID CE TXT TS IS CE CE ID IS CE NM CP TXT ID XCN IS ID TS EI ID EI CWE ID CWE CWE',
  PRB: 'ID TS CE EI EI NM TS TS TS CE CE CE CE CE TS TS TXT CE CE NM CE CE CE TXT CE CWE CWE CNE',
  MRG: 'CX CX CX CX CX CX XPN',
  AL1: 'SI CE CE CE TXT DT',
  PR1: 'SI IS CE TXT TS IS NM XCN IS NM XCN XCN CE ID CE CE IS CE EI ID',
  TQ1: 'SI CQ RPT TM CQ CQ TS TS CWE TXT TXT ID CQ NM',
  TQ2: 'SI ID EI EI EI ID ID CQ NM ID',
  FT1: 'SI ID# ID# DR TS IS CE TXT TXT NM CP CP CE CE CP PL IS IS CE XCN XCN CP EI XCN CE CE CE CWE CNE CX SI',
  ROL: 'EI ID CE XCN TS TS CE CE CE CE XAD XTN',
  PRT: 'EI ID CWE CWE XCN CWE CWE XON PL EI TS TS CWE XAD XTN',
  SFT: 'XON K K K TXT TS',
  CTD: 'CE XPN XAD PL XTN CE PLN',
  CTI: 'EI CE CE',
  DRG: 'CE TS ID IS CE NM CP IS CP ID IS',
  ACC: 'TS CE TXT CE ID ID XCN TXT X ID XAD',
  PDA: 'CE PL ID TS XCN ID DR XCN ID',
  DB1: 'SI IS CX ID DT DT DT DT',
  RF1: 'CE CE CE CE CE EI TS TS TS CE EI',
  ARV: 'SI CNE CWE CWE CWE DR EI',
  MSA: 'ID ID# TXT NM NUL CE',
  ERR: 'ELD ERL CWE ID CWE TXT TXT TXT IS CWE CWE XTN',
};

/** OBX-20..33 from v2.6 on (site, instance id, mood; the performing organisation moved to 23-25). */
const OBX_FROM_V26 = 'CWE EI CNE XON XAD XCN ID CWE CWE ID ID ID CWE EIP';

export const SEGMENTS: Readonly<Record<string, readonly TypeName[]>> = Object.fromEntries(
  Object.entries(SEGMENTS_TEXT).map(([id, types]) => [id, types.split(' ')]),
);

/** A type resolved for walking: a leaf role, or a composite with its parts resolved. */
export type TypeNode = Leaf | CompositeNode;
export interface CompositeNode {
  parts: readonly TypeNode[];
  rest: TypeNode;
  /** holds a name, identifier, address, telecom, ZIP or birth date somewhere (read before text is scrubbed) */
  identifying: boolean;
}

const LEAVES = new Set<string>(['K', 'CODE', 'NSID', 'REGION', 'X', 'IDV', 'NAME', 'ADDR', 'ZIP', 'DTM', 'BIRTH', 'TXT', 'REPORT', 'TEL']);
const IDENTIFYING = new Set<string>(['IDV', 'NAME', 'ADDR', 'ZIP', 'BIRTH', 'TEL']);
/** typeNode is a pure function of constant tables; this memo only saves rebuilding composites. */
const nodes = new Map<TypeName, TypeNode>();

/** A type name to its node: aliases followed, kept types to K, an unknown type removed (X). */
export function typeNode(type: TypeName): TypeNode {
  const cached = nodes.get(type);
  if (cached !== undefined) return cached;
  let t = type;
  for (let i = 0; i < 3 && ALIASES[t] !== undefined; i++) t = ALIASES[t] as string;
  let node: TypeNode;
  if (LEAVES.has(t)) node = t as Leaf;
  else if (KEPT.has(t)) node = 'K';
  else {
    const c = COMPOSITES[t];
    if (!c) node = 'X';
    else {
      const size = Math.max(0, ...Object.keys(c.parts).map(Number));
      const parts = Array.from({ length: size }, (_, i) => typeNode(c.parts[i + 1] ?? c.rest));
      const rest = typeNode(c.rest);
      node = { parts, rest, identifying: [...parts, rest].some(isIdentifying) };
    }
  }
  nodes.set(type, node);
  return node;
}

export function isIdentifying(node: TypeNode): boolean {
  return typeof node === 'string' ? IDENTIFYING.has(node) : node.identifying;
}

export function partNode(c: CompositeNode, n: number): TypeNode {
  return c.parts[n - 1] ?? c.rest;
}

const OBX_V26: readonly TypeName[] = [...(SEGMENTS.OBX ?? []).slice(0, 19), ...OBX_FROM_V26.split(' ')];
/** Every segment's fields resolved once, at load: constant data. */
const SEGMENT_NODES: ReadonlyMap<string, readonly TypeNode[]> = new Map(Object.entries(SEGMENTS).map(([id, types]) => [id, types.map(typeNode)]));
const OBX_V26_NODES: readonly TypeNode[] = OBX_V26.map(typeNode);

/** The field nodes of a segment under a message version, or undefined for a segment not copied. */
export function segmentNodes(id: string, version: string): readonly TypeNode[] | undefined {
  return id === 'OBX' && newerThan25(version) ? OBX_V26_NODES : SEGMENT_NODES.get(id);
}

function newerThan25(version: string): boolean {
  const [, minor] = version.split('.');
  return Number(minor) >= 6;
}

/**
 * OBX-5 by OBX-2. Report text types are REPORT; a missing or unknown type is read as text (the
 * product reads it as text too). Old names (PN, AD, TN, CN, CK) are their newer types.
 */
export function observationValueNode(obx2: string): TypeNode {
  const t = obx2.trim().toUpperCase();
  if (t === 'TX' || t === 'FT' || t === 'ST' || t === '') return 'REPORT';
  if (t in COMPOSITES || t in ALIASES || KEPT.has(t) || t === 'DTM') return typeNode(t);
  return 'REPORT';
}
