/**
 * Deterministic synthetic HL7 v2.5.1 feed for tests, demos and the replay benchmark.
 *
 * Pure: no clock, no Math.random, no I/O. One seed gives one feed, byte for byte.
 * Every patient is obviously fake (TESTPATIENT^<word><n>, MRN "P000123", assigning authority
 * SYNTH, facility SYNTHLAB, sending application SENTINEL-GEN).
 *
 * Shape of the feed (spec = shared/spec/poems-rule.md):
 *  - Most patients are routine traffic: admissions/discharges (ADT^A01/A03/A08 with PV1, no DG1)
 *    and basic metabolic panels. These messages carry nothing the site profile can use and are the
 *    large majority (~89 %) of the feed, as in a real hospital. Routine patients also get some
 *    normal CBCs: those count as `usable` (the profile reads them and finds nothing).
 *  - A minority of patients follow an *archetype* (see ARCHETYPES) that exercises one clause of the
 *    spec and has a known tier and alert status after the whole feed.
 *  - `planFeed` builds the complete plan (every patient, every message, its MSH-7 and its arrival
 *    time). `generateFeed` emits the same messages in ARRIVAL order, streaming: patients are
 *    planned lazily as the arrival clock reaches their first message, so memory is bounded by the
 *    patients "in flight", not by the size of the feed.
 *
 * Arrival order: a message arrives at its MSH-7, routine messages with 0-90 s of jitter (so
 * patients interleave), and ~2 % of the messages whose order cannot change an expected outcome are
 * delayed by 1-36 h (deliberately out of order). The "out-of-order" archetype additionally delivers
 * an original result after its own correction. Messages whose relative order decides an expected
 * alert status (corrections, deletions, merges, a known POEMS diagnosis) are never delayed.
 *
 * Times are written as UTC wall-clock without an offset (YYYYMMDDHHMMSS); only their order
 * matters for the expected outcomes. Lab results keep OBR-7/OBX-14 at the specimen collection
 * time; a correction or deletion has the same OBR-7/OBX-14 and a later MSH-7 (spec §2 "the latest
 * message for a resultKey wins").
 */
import type { Tier } from '../domain/tier.js';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface FeedOptions {
  /** number of patients (surviving identities); merged patients add one prior identity each */
  patients: number;
  /** any finite number; used as an unsigned 32-bit integer */
  seed: number;
  /** time of the first admission; default 2025-01-06T00:00:00Z (never the clock) */
  start?: Date;
}

/** Whether a message carries anything the default site profile reads (codes, DG1, report text, merges). */
export type MessageCategory = 'usable' | 'unremarkable';

export type MessageKind =
  | 'adt-admit'
  | 'adt-update'
  | 'adt-discharge'
  | 'adt-diagnosis'
  | 'adt-merge'
  | 'lab-bmp'
  | 'lab-cbc'
  | 'lab-vegf'
  | 'lab-spep'
  | 'lab-ife'
  | 'report-radiology'
  | 'report-pathology'
  | 'report-neurophysiology';

export interface GeneratedMessage {
  /** one HL7 message, segments joined by "\r", no trailing separator */
  text: string;
  /** MSH-10 */
  controlId: string;
  /** "<PID-3.4>|<PID-3.1>" of the message's PID (the surviving id for an A40) */
  patientKey: string;
  category: MessageCategory;
  /** true for the second copy of a deliberately duplicated message (same text, same MSH-10) */
  duplicate: boolean;
  /** simulated arrival time, epoch milliseconds (the order of the feed) */
  arrivalMs: number;
}

export type Archetype =
  | 'unremarkable'
  | 'no-neuropathy'
  | 'cidp-only'
  | 'mgus-kappa'
  | 'diabetic-neuropathy'
  | 'negated-text'
  | 'cidp-minor-ife-negative'
  | 'screening-gap'
  | 'lambda-clone'
  | 'vegf-only'
  | 'poems-full'
  | 'corrected'
  | 'deleted'
  | 'duplicate'
  | 'merged'
  | 'out-of-order'
  | 'poems-known';

/**
 * The alert state expected for a patient key after the whole feed:
 * - `open`: an alert of `expectedTier` exists (nobody acknowledges synthetic alerts);
 * - `withdrawn`: an alert existed and no tier holds any more;
 * - `none`: no alert ever existed under this key (or, for a merged-away prior id, it moved).
 */
export type ExpectedStatus = 'open' | 'withdrawn' | 'none';

export interface ExpectedOutcome {
  patientKey: string;
  archetype: Archetype;
  expectedTier: Tier | null;
  expectedStatus: ExpectedStatus;
  /** set on a prior identifier that an ADT^A40 merges into this surviving key */
  mergedInto?: string;
}

export interface PlannedMessage {
  controlId: string;
  /** PID-3 of this message as a patient key (the prior id for messages sent before a merge) */
  patientKey: string;
  kind: MessageKind;
  category: MessageCategory;
  /** MSH-7 */
  messageTime: Date;
  /** when the message reaches the receiver in the simulated feed */
  arrivalTime: Date;
  /** never delayed: its order relative to the patient's other messages decides the outcome */
  pinned: boolean;
  duplicate: boolean;
  text: string;
}

export interface PlannedPatient {
  index: number;
  /** surviving key "SYNTH|P000123" */
  patientKey: string;
  /** identifiers merged into `patientKey` by an ADT^A40 at the end of the patient's messages */
  priorPatientKeys: string[];
  archetype: Archetype;
  sex: 'M' | 'F';
  expectedTier: Tier | null;
  expectedStatus: ExpectedStatus;
  /** the patient's messages in their own arrival order */
  messages: PlannedMessage[];
}

export interface FeedPlan {
  seed: number;
  start: Date;
  patients: PlannedPatient[];
  /** one entry per patient key, including merged-away prior ids */
  outcomes: Map<string, ExpectedOutcome>;
}

export interface ArchetypeInfo {
  archetype: Archetype;
  expectedTier: Tier | null;
  expectedStatus: ExpectedStatus;
  /** share of patients; at least one of each non-routine archetype once the feed is big enough */
  share: number;
  /** the spec clause the archetype exercises */
  clause: string;
}

// ---------------------------------------------------------------------------------------------
// Archetypes (expected tiers use the DEFAULT profile thresholds)
// ---------------------------------------------------------------------------------------------

/**
 * Listed in priority order: with fewer patients than archetypes, the first ones are kept.
 * 'unremarkable' takes whatever share is left (~84 % of patients).
 */
export const ARCHETYPES: readonly ArchetypeInfo[] = [
  {
    // CIDP (G61.81) + IgA-λ serum IFE + plasma VEGF 480 pg/mL + platelets 520 + CT "multiple
    // sclerotic lesions"; the neurophysiology report also *mentions* POEMS, which must not suppress.
    archetype: 'poems-full', expectedTier: 'criteria-met', expectedStatus: 'open', share: 0.005,
    clause: '§3 criteria-met: clone + ≥1 major + ≥1 minor; §1 poemsKnown: "a report that merely mentions POEMS does not suppress"',
  },
  {
    // CIDP (DG1 G61.81 or neurophysiology text) + exactly one minor criterion (platelets, Hb in
    // g/dL or g/L, Hct, splenomegaly code or ultrasound text, hypogonadism, pigmentation, oedema);
    // no immunofixation; sometimes an SPEP with no M-spike (SPEP is not immunofixation).
    archetype: 'screening-gap', expectedTier: 'screening-gap', expectedStatus: 'open', share: 0.015,
    clause: '§3 screening-gap: neuropathy with cidp, ≥1 minor, no serum/urine immunofixation on record',
  },
  {
    // Polyneuropathy + λ clone (bone-marrow "lambda-restricted plasma cells, 6%" or IgG-λ IFE).
    archetype: 'lambda-clone', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.01,
    clause: '§3 workup-recommended: clone(λ)',
  },
  {
    // Polyneuropathy + high VEGF only: plasma (SPM-4 or OBR-15), serum > 1000, ng/L, or an
    // unknown specimen above the OBX-7 range with flag H.
    archetype: 'vegf-only', expectedTier: 'workup-recommended', expectedStatus: 'open', share: 0.008,
    clause: '§3 workup-recommended: vegfHigh; §1 vegfHigh specimen rules and ng/L = pg/mL',
  },
  {
    // CIDP + platelets 520 (F) → screening-gap; then a C correction of the same OBX to 300.
    archetype: 'corrected', expectedTier: null, expectedStatus: 'withdrawn', share: 0.005,
    clause: '§2 C corrected replaces the earlier value; §4 withdrawn when no tier holds',
  },
  {
    // Polyneuropathy + plasma VEGF 480 (F) → workup-recommended; then OBX-11 D on that result.
    archetype: 'deleted', expectedTier: null, expectedStatus: 'withdrawn', share: 0.005,
    clause: '§2 D deleted removes the finding; §4 withdrawn',
  },
  {
    // CIDP + platelets 520, the CBC message sent twice with the same MSH-10.
    archetype: 'duplicate', expectedTier: 'screening-gap', expectedStatus: 'open', share: 0.005,
    clause: '§2 a message received twice (same MSH-10, same facility) is applied once',
  },
  {
    // Prior id (an "unknown patient" registration): CIDP + platelets 520 → screening-gap there.
    // Surviving id: IgA-λ IFE + plasma VEGF 480 + sclerotic CT (no neuropathy → nothing there).
    // ADT^A40 at the end joins them: the union meets the criteria.
    archetype: 'merged', expectedTier: 'criteria-met', expectedStatus: 'open', share: 0.004,
    clause: '§2 merges: A40 moves findings and open alerts of MRG-1 to PID-3, then re-evaluates',
  },
  {
    // CIDP + platelets: the final (300, normal: clumped sample) arrives AFTER its correction
    // (520), whose MSH-7 is later. The correction must win → screening-gap.
    archetype: 'out-of-order', expectedTier: 'screening-gap', expectedStatus: 'open', share: 0.004,
    clause: '§2 messages may arrive out of order: the version order is MSH-7, not arrival',
  },
  {
    // DG1 "D47.2^POEMS syndrome" first, then CIDP + IgA-λ IFE + platelets 520 + Castleman node
    // + splenomegaly: criteria-met evidence, but the diagnosis is already made.
    archetype: 'poems-known', expectedTier: null, expectedStatus: 'none', share: 0.004,
    clause: '§3 no alert if poemsKnown is present; §1 poemsKnown from DG1 text',
  },
  {
    // CIDP + "No sclerotic lesions. Small bone island…", "No evidence of Castleman disease",
    // "No ascites or pleural effusion."
    archetype: 'negated-text', expectedTier: null, expectedStatus: 'none', share: 0.01,
    clause: '§1 text findings are negation-aware; mimics ("bone island") do not count',
  },
  {
    // Thrombocytosis + IgG-λ IFE + serum VEGF 1600 + splenomegaly, but no neuropathy.
    archetype: 'no-neuropathy', expectedTier: null, expectedStatus: 'none', share: 0.006,
    clause: '§3 no alert unless neuropathy is present',
  },
  {
    // Polyneuropathy + IgM-κ IFE (sometimes SPEP M-spike 0.4 and D47.2 "Monoclonal gammopathy").
    archetype: 'mgus-kappa', expectedTier: null, expectedStatus: 'none', share: 0.02,
    clause: '§3 none: neuropathy + clone(κ) alone (IgM-κ MGUS neuropathy); clone(untyped) needs a major or minor',
  },
  {
    // CIDP only (code or neurophysiology text), sometimes a negative IFE and a normal CBC.
    archetype: 'cidp-only', expectedTier: null, expectedStatus: 'none', share: 0.03,
    clause: '§3 none: neuropathy alone',
  },
  {
    // CIDP + negative serum IFE (on record first) + platelets 500.
    archetype: 'cidp-minor-ife-negative', expectedTier: null, expectedStatus: 'none', share: 0.008,
    clause: '§3 screening-gap needs "no immunofixation on record"; §1 a negative IFE is ifeDone, no clone',
  },
  {
    // Polyneuropathy (G62.9) + type 2 diabetes (E11.9) + hypothyroidism (E03.9).
    archetype: 'diabetic-neuropathy', expectedTier: null, expectedStatus: 'none', share: 0.015,
    clause: '§1 endocrinopathy: diabetes and hypothyroidism alone never count',
  },
  {
    // Routine traffic only.
    archetype: 'unremarkable', expectedTier: null, expectedStatus: 'none', share: 0,
    clause: '§3 no alert unless neuropathy is present (the background of the feed)',
  },
];

const ARCHETYPE_BY_NAME = new Map(ARCHETYPES.map((a) => [a.archetype, a]));
const UNREMARKABLE = ARCHETYPES.findIndex((a) => a.archetype === 'unremarkable');

function archetypeInfo(a: Archetype): ArchetypeInfo {
  const info = ARCHETYPE_BY_NAME.get(a);
  if (!info) throw new Error(`unknown archetype ${a}`);
  return info;
}

// ---------------------------------------------------------------------------------------------
// PRNG and small helpers
// ---------------------------------------------------------------------------------------------

export type Rng = () => number;

/** mulberry32: a tiny, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** murmur3-style finaliser of two 32-bit words: independent sub-seeds from (seed, salt). */
function mix32(a: number, b: number): number {
  let h = (a ^ Math.imul((b + 0x9e3779b9) | 0, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  const item = items[Math.floor(rng() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

const P2: string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));
function p2(n: number): string {
  return P2[n] ?? String(n);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The day part of the last formatted time: consecutive messages mostly share a day. */
const dayMemo = { day: Number.NaN, text: '' };

/** HL7 DTM "YYYYMMDDHHMMSS" from epoch ms (UTC wall clock). Pure; memoises the date part. */
export function hl7Time(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  if (day !== dayMemo.day) {
    const d = new Date(day * 86_400_000);
    dayMemo.day = day;
    dayMemo.text = `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}`;
  }
  const sec = Math.floor((ms - day * 86_400_000) / 1000);
  return `${dayMemo.text}${p2(Math.floor(sec / 3600))}${p2(Math.floor(sec / 60) % 60)}${p2(sec % 60)}`;
}

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** mean gap between admissions: 3 min ≈ 480 new patients a day */
const ADMISSION_GAP = 3 * MIN;
const DEFAULT_START = Date.UTC(2025, 0, 6, 0, 0, 0);
/** routine messages arrive up to this long after their MSH-7, so patients interleave */
const MAX_JITTER = 90 * SEC;
/** share of delayable messages that arrive late (out of order) */
const DELAY_SHARE = 0.02;

// ---------------------------------------------------------------------------------------------
// HL7 segment builders (pure string functions)
// ---------------------------------------------------------------------------------------------

const MSH_HEAD = 'MSH|^~\\&|SENTINEL-GEN|SYNTHLAB|POEMS-SENTINEL|SYNTHHOSP|';
const ORDERING = 'D0042^SYNTHETIC^DOCTOR';

function msh(time: number, type: string, controlId: string): string {
  return `${MSH_HEAD}${hl7Time(time)}||${type}|${controlId}|P|2.5.1`;
}

interface Person {
  id: string;
  key: string;
  /** rendered PID segment */
  pid: string;
}

function makePerson(id: string, name: string, dob: string, sex: 'M' | 'F'): Person {
  return {
    id,
    key: `SYNTH|${id}`,
    pid: `PID|1||${id}^^^SYNTH^MR||${name}||${dob}|${sex}|||1 TEST STREET^^SYNTHVILLE^^00000`,
  };
}

function pv1(patientClass: string, location: string, service: string, visit: string): string {
  return `PV1|1|${patientClass}|${location}^^^SYNTHHOSP||||${ORDERING}|||${service}|||||||||${visit}`;
}

/** OBR with placer "ORD<no>" and filler "LAB<no>"; OBR-7 = OBR-14 = collection, OBR-22 = report time. */
function obr(no: string, service: string, collected: number, reported: number, status: string, specimen: string, section = 'LAB'): string {
  const c = hl7Time(collected);
  return `OBR|1|ORD${no}|LAB${no}|${service}|||${c}|||||||${c}|${specimen}|${ORDERING}||||||${hl7Time(reported)}||${section}|${status}`;
}

function obx(
  n: number,
  type: string,
  code: string,
  sub: string,
  value: string,
  unit: string,
  range: string,
  flag: string,
  status: string,
  observed: string,
): string {
  return `OBX|${n}|${type}|${code}|${sub}|${value}|${unit}|${range}|${flag}|||${status}|||${observed}`;
}

/** ORU^R01: MSH, PID, ORC, OBR, then `body` (segments each preceded by "\r"). */
function oru(person: Person, controlId: string, time: number, no: string, obrSeg: string, body: string): string {
  return `${msh(time, 'ORU^R01^ORU_R01', controlId)}\r${person.pid}\rORC|RE|ORD${no}|LAB${no}\r${obrSeg}${body}`;
}

type Dx = readonly [code: string, text: string];

// ICD-10-CM codes (reference §4.2)
const DX = {
  cidp: ['G61.81', 'Chronic inflammatory demyelinating polyneuritis'],
  polyneuropathy: ['G62.9', 'Polyneuropathy, unspecified'],
  mgus: ['D47.2', 'Monoclonal gammopathy'],
  poems: ['D47.2', 'POEMS syndrome'],
  splenomegaly: ['R16.1', 'Splenomegaly'],
  testicular: ['E29.1', 'Testicular hypofunction'],
  ovarian: ['E28.39', 'Other primary ovarian failure'],
  pigmentation: ['L81.8', 'Other specified disorders of pigmentation'],
  edema: ['R60.0', 'Localized edema'],
  diabetes: ['E11.9', 'Type 2 diabetes mellitus without complications'],
  hypothyroid: ['E03.9', 'Hypothyroidism, unspecified'],
} as const satisfies Record<string, Dx>;

// LOINC (reference §4.1) and report codes
const LN = {
  cbcPanel: '58410-2^CBC panel - Blood by Automated count^LN',
  bmpPanel: '51990-0^Basic metabolic panel - Blood^LN',
  wbc: '6690-2^Leukocytes [#/volume] in Blood by Automated count^LN',
  hb: '718-7^Hemoglobin [Mass/volume] in Blood^LN',
  hct: '4544-3^Hematocrit [Volume Fraction] of Blood by Automated count^LN',
  plt: '777-3^Platelets [#/volume] in Blood by Automated count^LN',
  pltLocal: 'PLT^Platelet count^L^777-3^Platelets^LN',
  vegf: '75628-8^Vascular endothelial growth factor A [Mass/volume] in Serum or Plasma^LN',
  spepPanel: '24351-9^Protein electrophoresis panel - Serum or Plasma^LN',
  mSpike: '33358-3^Protein.monoclonal [Mass/volume] in Serum or Plasma by Electrophoresis^LN',
  serumIfe: '25700-6^Immunofixation [interpretation] for Serum or Plasma^LN',
  serumIfeLoinc: '25700-6^Immunofixation [interpretation] for Serum or Plasma^LOINC',
  urineIfe: '13440-3^Immunofixation [interpretation] for Urine^LN',
  imaging: '18748-4^Diagnostic imaging study^LN',
  pathology: '22637-3^Pathology report final diagnosis^LN',
  ncs: 'NCSRPT^Neurophysiology report^L',
} as const;

/** BMP analytes: [code, unit, range, low, high, decimals] */
type BmpAnalyte = readonly [code: string, unit: string, range: string, low: number, high: number, decimals: number];
const BMP_ANALYTES: readonly BmpAnalyte[] = [
  ['2951-2^Sodium [Moles/volume] in Serum or Plasma^LN', 'mmol/L', '135-145', 136, 144, 0],
  ['2823-3^Potassium [Moles/volume] in Serum or Plasma^LN', 'mmol/L', '3.5-5.1', 3.6, 5.0, 1],
  ['2160-0^Creatinine [Mass/volume] in Serum or Plasma^LN', 'mg/dL', '0.6-1.2', 0.6, 1.2, 2],
  ['2345-7^Glucose [Mass/volume] in Serum or Plasma^LN', 'mg/dL', '70-99', 72, 99, 0],
  ['2075-0^Chloride [Moles/volume] in Serum or Plasma^LN', 'mmol/L', '98-107', 99, 106, 0],
  ['2028-9^Carbon dioxide, total [Moles/volume] in Serum or Plasma^LN', 'mmol/L', '22-29', 23, 28, 0],
  ['3094-0^Urea nitrogen [Mass/volume] in Serum or Plasma^LN', 'mg/dL', '7-20', 8, 19, 0],
  ['17861-6^Calcium [Mass/volume] in Serum or Plasma^LN', 'mg/dL', '8.5-10.5', 8.7, 10.2, 1],
];
/** Constant parts of each BMP OBX ("|NM|<code>||" and "|<unit>|<range>|"): fewer pieces per message. */
const BMP_OBX_PARTS = BMP_ANALYTES.map(([code, unit, range]) => [`|NM|${code}||`, `|${unit}|${range}|`] as const);

const NATO = [
  'ALPHA', 'BRAVO', 'CHARLIE', 'DELTA', 'ECHO', 'FOXTROT', 'GOLF', 'HOTEL', 'INDIA', 'JULIETT',
  'KILO', 'LIMA', 'MIKE', 'NOVEMBER', 'OSCAR', 'PAPA', 'QUEBEC', 'ROMEO', 'SIERRA', 'TANGO',
  'UNIFORM', 'VICTOR', 'WHISKEY', 'XRAY', 'YANKEE', 'ZULU',
] as const;

const WARDS = ['NEURO^101', 'MED2^214', 'MED3^305', 'SURG1^118', 'ONC^402', 'CARD^220'] as const;

// Report texts. Positive reports carry no negation or context trigger in the phrase's scope.
const TEXT = {
  ncsCidp: [
    'Nerve conduction studies: diffuse slowing of motor conduction velocities with prolonged distal motor latencies and prolonged F-wave latencies.',
    'Impression: findings consistent with chronic inflammatory demyelinating polyneuropathy.',
  ],
  ncsPoemsQuestion: 'Features raise the question of POEMS syndrome; paraprotein studies suggested.',
  ncsDemyelinating: [
    'Nerve conduction studies: symmetric slowing of conduction velocities, worse distally.',
    'Impression: length-dependent demyelinating sensorimotor polyneuropathy.',
  ],
  ctSclerotic: [
    'CT skeletal survey (low-dose whole body).',
    'Findings: multiple sclerotic lesions in the pelvis, the largest 9 mm in the left iliac wing.',
    'Impression: sclerotic bone lesions; correlation with paraprotein studies suggested.',
  ],
  /** one FT value with \.br\ line breaks and an escaped ampersand */
  ctScleroticFt:
    'CT SKELETAL SURVEY\\.br\\Findings: multiple sclerotic lesions in the pelvis \\T\\ L2 vertebral body.\\.br\\Impression: osteosclerotic lesions.',
  ctNegated: ['CT skeletal survey:', 'No sclerotic lesions.', 'Small bone island in the left femur.'],
  marrowLambda: [
    'Bone marrow, left posterior iliac crest, biopsy:',
    'Normocellular marrow with trilineage hematopoiesis and megakaryocytic hyperplasia.',
    'Lambda-restricted plasma cells, 6% of cellularity.',
  ],
  nodeCastleman: ['Lymph node, right inguinal, excision:', 'Hyaline vascular variant Castleman disease.'],
  nodeNegated: ['Lymph node, left cervical, excision:', 'Reactive follicular hyperplasia.', 'No evidence of Castleman disease.'],
  usNegated: ['Abdominal ultrasound: liver and spleen normal in size.', 'No ascites or pleural effusion.'],
  usSplenomegaly: ['Abdominal ultrasound: splenomegaly, spleen 15.5 cm in length.'],
} as const;

// ---------------------------------------------------------------------------------------------
// Patient planning
// ---------------------------------------------------------------------------------------------

interface Draft {
  /** MSH-7, epoch ms */
  at: number;
  /** explicit arrival (the late original of the out-of-order archetype) */
  arrival?: number;
  category: MessageCategory;
  pinned: boolean;
  kind: MessageKind;
  patientKey: string;
  /** re-send an identical copy (same MSH-10) this long after the first arrival */
  duplicateAfter?: number;
  /** must be pure: every random choice is made before the closure is built */
  render: (controlId: string) => string;
}

/** one message ready to emit */
interface Scheduled {
  arrival: number;
  /** patientIndex * 1024 + message index: the deterministic tie-breaker */
  seq: number;
  controlId: string;
  duplicate: boolean;
  draft: Draft;
}

interface FeedContext {
  seed: number;
  start: number;
  /** 4 base-36 characters derived from the seed, so feeds of different seeds share no MSH-10 */
  tag: string;
  archetypes: Uint8Array;
}

function normaliseOptions(opts: FeedOptions): { n: number; seed: number; start: number } {
  const n = opts.patients;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`patients must be a non-negative integer, got ${n}`);
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
  const start = opts.start ? opts.start.getTime() : DEFAULT_START;
  if (!Number.isFinite(start)) throw new RangeError('start must be a valid date');
  // Whole seconds: MSH-7 has second resolution.
  return { n, seed: Math.trunc(opts.seed) >>> 0, start: Math.floor(start / SEC) * SEC };
}

/** How many patients of each archetype (index into ARCHETYPES) a feed of n patients has. */
function archetypeCounts(n: number): number[] {
  const counts = ARCHETYPES.map((a, i) => (i === UNREMARKABLE ? 0 : Math.max(1, Math.round(n * a.share))));
  let special = counts.reduce((s, c) => s + c, 0);
  // Small feeds: drop from the end of the priority list until the special patients fit.
  for (let i = counts.length - 1; special > n && i >= 0; i--) {
    const c = counts[i] ?? 0;
    const cut = Math.min(c, special - n);
    counts[i] = c - cut;
    special -= cut;
  }
  counts[UNREMARKABLE] = n - special;
  return counts;
}

function feedContext(opts: FeedOptions): FeedContext & { n: number } {
  const { n, seed, start } = normaliseOptions(opts);
  const archetypes = new Uint8Array(n);
  const counts = archetypeCounts(n);
  let k = 0;
  counts.forEach((c, a) => {
    archetypes.fill(a, k, k + c);
    k += c;
  });
  const rng = mulberry32(mix32(seed, 0xa5a5a5a5));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = archetypes[i] ?? 0;
    archetypes[i] = archetypes[j] ?? 0;
    archetypes[j] = t;
  }
  const tag = mix32(seed, 0x7a6).toString(36).toUpperCase().slice(-4).padStart(4, '0');
  return { n, seed, start, tag, archetypes };
}

function archetypeOf(ctx: FeedContext, index: number): Archetype {
  const a = ARCHETYPES[ctx.archetypes[index] ?? UNREMARKABLE];
  if (!a) throw new Error(`no archetype for patient ${index}`);
  return a.archetype;
}

/** First admission of patient `index`: strictly increasing in the index (the sweep relies on it). */
function admissionTime(ctx: FeedContext, index: number): number {
  const offset = Math.floor((mix32(ctx.seed ^ 0x51ed270b, index) / 4294967296) * (ADMISSION_GAP / SEC)) * SEC;
  return ctx.start + index * ADMISSION_GAP + offset;
}

function patientId(index: number): string {
  return `P${pad(index + 1, 6)}`;
}
/** the id of the temporary ("unknown patient") registration a merged patient first had */
function priorId(index: number): string {
  return `Q${pad(index + 1, 6)}`;
}

class PatientPlanner {
  readonly drafts: Draft[] = [];
  private orders = 0;
  private visits = 0;
  /** PV1 of the latest encounter: diagnoses are sent as an A08 update of that visit */
  private currentPv1 = '';

  constructor(
    readonly index: number,
    readonly rng: Rng,
    readonly me: Person,
    readonly sex: 'M' | 'F',
    readonly t0: number,
  ) {}

  /** placer "ORD0000123-04" and filler "LAB0000123-04": unique in the feed */
  private order(): string {
    this.orders += 1;
    return `${pad(this.index + 1, 7)}-${pad(this.orders, 2)}`;
  }

  private visit(): string {
    this.visits += 1;
    return `V${pad(this.index + 1, 7)}${this.visits}`;
  }

  /**
   * Register a message. `render` runs at emission (lazily, to keep memory bounded), so it must be
   * pure: every random choice is drawn here, before the closure is built, and captured as data.
   */
  private add(
    at: number,
    kind: MessageKind,
    category: MessageCategory,
    pinned: boolean,
    person: Person,
    render: (controlId: string) => string,
  ): Draft {
    const d: Draft = { at: Math.floor(at / SEC) * SEC, kind, category, pinned, patientKey: person.key, render };
    this.drafts.push(d);
    return d;
  }

  /** A01, 1-2 BMPs a day, sometimes an A08 and a normal CBC, A03. Returns the discharge time. */
  encounter(person: Person, start: number, days: number, cbcChance: number): number {
    const rng = this.rng;
    const visit = this.visit();
    const ward = pick(rng, WARDS);
    const service = ward.slice(0, ward.indexOf('^'));
    const cls = days <= 1 && chance(rng, 0.5) ? 'E' : 'I';
    const pv = pv1(cls, ward, service, visit);
    this.currentPv1 = pv;
    this.adt(person, start, 'A01', pv, []);
    for (let d = 0; d < days; d++) {
      const perDay = chance(rng, 0.35) ? 2 : 1;
      for (let k = 0; k < perDay; k++) this.bmp(person, start + d * DAY + (1 + k * 8) * HOUR + int(rng, 0, (5 * HOUR) / SEC) * SEC);
    }
    if (chance(rng, cbcChance)) this.normalCbc(person, start + 2 * HOUR + int(rng, 0, 3600) * SEC);
    if (chance(rng, 0.35)) this.adt(person, start + int(rng, 3, Math.max(4, days * 20)) * HOUR, 'A08', pv, []);
    const discharge = start + days * DAY + 11 * HOUR + int(rng, 0, 4 * 3600) * SEC;
    this.adt(person, discharge, 'A03', pv, []);
    return discharge;
  }

  /** ADT^A01/A03/A08 with PV1; with diagnoses it is usable, without it is routine. */
  adt(person: Person, at: number, event: 'A01' | 'A03' | 'A08', pv: string, dxs: readonly (readonly [Dx, string])[], pinned = false): void {
    const type = event === 'A03' ? 'ADT^A03^ADT_A03' : `ADT^${event}^ADT_A01`;
    const kind: MessageKind = dxs.length > 0 ? 'adt-diagnosis' : event === 'A01' ? 'adt-admit' : event === 'A03' ? 'adt-discharge' : 'adt-update';
    this.add(at, kind, dxs.length > 0 ? 'usable' : 'unremarkable', pinned, person, (id) => {
      const t = hl7Time(at);
      let text = `${msh(at, type, id)}\rEVN|${event}|${t}\r${person.pid}\r${pv}`;
      for (let i = 0; i < dxs.length; i++) {
        const [dx, system] = dxs[i] as readonly [Dx, string];
        text += `\rDG1|${i + 1}||${dx[0]}^${dx[1]}^${system}||${t}|F`;
      }
      return text;
    });
  }

  /** An A08 carrying diagnoses; ICD-10 system and dot vary as senders do (spec §1 "coding systems"). */
  diagnoses(person: Person, at: number, dxs: readonly Dx[], pinned = false, exact = false): void {
    const rng = this.rng;
    const coded = dxs.map((dx): readonly [Dx, string] => {
      if (exact) return [dx, 'I10'];
      const r = rng();
      if (r < 0.8) return [dx, 'I10'];
      if (r < 0.9) return [dx, 'ICD10CM'];
      return [[dx[0].replace('.', ''), dx[1]], 'I10'];
    });
    const pv = this.currentPv1 || pv1('O', 'NEURO^101', 'NEURO', this.visit());
    this.adt(person, at, 'A08', pv, coded, pinned);
  }

  bmp(person: Person, at: number): void {
    const rng = this.rng;
    const no = this.order();
    const collected = at - int(rng, 30, 90) * MIN;
    const count = Math.min(int(rng, 4, 8), BMP_ANALYTES.length);
    const values = new Float64Array(count);
    let high = 0;
    for (let k = 0; k < count; k++) {
      const [, , , lo, hi] = BMP_ANALYTES[k] as BmpAnalyte;
      values[k] = lo + rng() * (hi - lo);
      if (chance(rng, 0.04)) {
        values[k] = hi * 1.15;
        high |= 1 << k;
      }
    }
    this.add(at, 'lab-bmp', 'unremarkable', false, person, (id) => {
      const c = hl7Time(collected);
      let body = '';
      for (let k = 0; k < count; k++) {
        const dec = (BMP_ANALYTES[k] as BmpAnalyte)[5];
        const [pre, mid] = BMP_OBX_PARTS[k] as readonly [string, string];
        // = obx(k + 1, 'NM', code, '', value, unit, range, flag, 'F', c)
        body += `\rOBX|${k + 1}${pre}${(values[k] ?? 0).toFixed(dec)}${mid}${high & (1 << k) ? 'H' : 'N'}|||F|||${c}`;
      }
      return oru(person, id, at, no, obr(no, LN.bmpPanel, collected, at, 'F', 'SER'), body);
    });
  }

  /** CBC with normal values (usable: the profile reads Hb, Hct and platelets, but finds nothing). */
  normalCbc(person: Person, at: number): void {
    const rng = this.rng;
    const female = this.sex === 'F';
    this.cbc(person, at, {
      plt: int(rng, 170, 380),
      hb: female ? 12.1 + rng() * 2.6 : 13.6 + rng() * 2.4,
      hct: female ? 37 + rng() * 7 : 40 + rng() * 7,
      hbInGramsPerLitre: chance(rng, 0.2),
      pinned: false,
    });
  }

  /**
   * ORU^R01 CBC. With `correction` a second message re-sends the same order (same filler,
   * OBX-3, OBX-4 and collection time) with the platelet OBX at status C and OBR-25 C.
   */
  cbc(
    person: Person,
    at: number,
    o: {
      plt: number;
      hb: number;
      hct: number;
      hbInGramsPerLitre?: boolean;
      pinned: boolean;
      duplicateAfter?: number;
      correction?: { at: number; plt: number };
      /** when the original arrives (out-of-order archetype) */
      originalArrival?: number;
    },
  ): void {
    const rng = this.rng;
    const no = this.order();
    const collected = at - int(rng, 40, 120) * MIN;
    const localCode = chance(rng, 0.25);
    const wbc = 4.5 + rng() * 5;
    const female = this.sex === 'F';
    const gl = o.hbInGramsPerLitre === true;
    const { hb, hct } = o;
    const render = (id: string, time: number, plt: number, pltStatus: string): string => {
      const c = hl7Time(collected);
      const hbValue = gl ? Math.round(hb * 10).toString() : hb.toFixed(1);
      const hbRange = gl ? (female ? '120-155' : '135-175') : female ? '12.0-15.5' : '13.5-17.5';
      const hbFlag = hb > (female ? 15.5 : 17.5) ? 'H' : 'N';
      const hctFlag = hct > (female ? 46 : 50) ? 'H' : 'N';
      return oru(
        person, id, time, no,
        obr(no, LN.cbcPanel, collected, time, pltStatus === 'C' ? 'C' : 'F', 'BLD'),
        `\r${obx(1, 'NM', LN.wbc, '', wbc.toFixed(1), '10*3/uL', '4.0-11.0', 'N', 'F', c)}` +
          `\r${obx(2, 'NM', LN.hb, '', hbValue, gl ? 'g/L' : 'g/dL', hbRange, hbFlag, 'F', c)}` +
          `\r${obx(3, 'NM', LN.hct, '', hct.toFixed(1), '%', female ? '36-46' : '40-50', hctFlag, 'F', c)}` +
          `\r${obx(4, 'NM', localCode ? LN.pltLocal : LN.plt, '', String(plt), '10*3/uL', '150-400', plt > 400 ? 'H' : 'N', pltStatus, c)}`,
      );
    };
    const d = this.add(at, 'lab-cbc', 'usable', o.pinned, person, (id) => render(id, at, o.plt, 'F'));
    if (o.duplicateAfter !== undefined) d.duplicateAfter = o.duplicateAfter;
    if (o.originalArrival !== undefined) d.arrival = o.originalArrival;
    const corr = o.correction;
    if (corr) this.add(corr.at, 'lab-cbc', 'usable', o.pinned, person, (id) => render(id, corr.at, corr.plt, 'C'));
  }

  /**
   * VEGF 75628-8. Specimen in SPM-4 or OBR-15, or none (then OBX-7/OBX-8 decide).
   * With `deleteAt` a second message marks the same OBX status D with an empty value.
   */
  vegf(
    person: Person,
    at: number,
    o: { value: number; unit: 'pg/mL' | 'ng/L'; specimen: 'PLAS' | 'SER' | null; via: 'SPM' | 'OBR15'; pinned: boolean; deleteAt?: number },
  ): void {
    const rng = this.rng;
    const no = this.order();
    const collected = at - int(rng, 2, 6) * DAY;
    const { value, unit, specimen, via } = o;
    const range = specimen === 'SER' ? '0-1000' : '0-96';
    const render = (id: string, time: number, deleted: boolean): string => {
      const c = hl7Time(collected);
      const flag = deleted ? '' : value > (specimen === 'SER' ? 1000 : 96) ? 'H' : 'N';
      const spm =
        specimen && via === 'SPM'
          ? `\rSPM|1|||${specimen === 'PLAS' ? 'PLAS^Plasma^HL70487' : 'SER^Serum^HL70487'}|||||||||||||${c}`
          : '';
      return oru(
        person, id, time, no,
        obr(no, LN.vegf, collected, time, deleted ? 'C' : 'F', specimen && via === 'OBR15' ? specimen : ''),
        `\r${obx(1, 'NM', LN.vegf, '', deleted ? '' : String(value), unit, range, flag, deleted ? 'D' : 'F', c)}${spm}`,
      );
    };
    this.add(at, 'lab-vegf', 'usable', o.pinned, person, (id) => render(id, at, false));
    const del = o.deleteAt;
    // Deleted (OBX-11 D): same order, same OBX-3/OBX-4, empty value, later MSH-7.
    if (del !== undefined) this.add(del, 'lab-vegf', 'usable', true, person, (id) => render(id, del, true));
  }

  spep(person: Person, at: number, mSpike: number, pinned: boolean): void {
    const no = this.order();
    const collected = at - int(this.rng, 1, 3) * DAY;
    this.add(at, 'lab-spep', 'usable', pinned, person, (id) =>
      oru(
        person, id, at, no,
        obr(no, LN.spepPanel, collected, at, 'F', 'SER'),
        `\r${obx(1, 'NM', LN.mSpike, '', mSpike.toFixed(1), 'g/dL', '0.0-0.0', mSpike > 0 ? 'A' : 'N', 'F', hl7Time(collected))}`,
      ),
    );
  }

  ife(person: Person, at: number, specimen: 'serum' | 'urine', text: string, pinned: boolean): void {
    const rng = this.rng;
    const no = this.order();
    const collected = at - int(rng, 1, 4) * DAY;
    const code = specimen === 'urine' ? LN.urineIfe : chance(rng, 0.1) ? LN.serumIfeLoinc : LN.serumIfe;
    const type = chance(rng, 0.8) ? 'ST' : 'TX';
    const flag = text.startsWith('No ') ? 'N' : 'A';
    this.add(at, 'lab-ife', 'usable', pinned, person, (id) =>
      oru(
        person, id, at, no,
        obr(no, code, collected, at, 'F', specimen === 'urine' ? 'UR' : 'SER'),
        `\r${obx(1, type, code, '', text, '', '', flag, 'F', hl7Time(collected))}`,
      ),
    );
  }

  /** Multi-OBX TX report (same OBX-3, OBX-4 = 1..n) or, with a string, one FT OBX. */
  report(
    person: Person,
    at: number,
    kind: 'report-radiology' | 'report-pathology' | 'report-neurophysiology',
    lines: readonly string[] | string,
    pinned: boolean,
  ): void {
    const no = this.order();
    const performed = at - int(this.rng, 4, 30) * HOUR;
    const [service, code, section] =
      kind === 'report-radiology'
        ? (['IMG^Diagnostic imaging^L', LN.imaging, 'RAD'] as const)
        : kind === 'report-pathology'
          ? (['SURGPATH^Surgical pathology^L', LN.pathology, 'SP'] as const)
          : (['NCS^Nerve conduction study^L', LN.ncs, 'NRS'] as const);
    this.add(at, kind, 'usable', pinned, person, (id) => {
      const c = hl7Time(performed);
      const body =
        typeof lines === 'string'
          ? `\r${obx(1, 'FT', code, '1', lines, '', '', '', 'F', c)}`
          : lines.map((line, i) => `\r${obx(i + 1, 'TX', code, String(i + 1), line, '', '', '', 'F', c)}`).join('');
      return oru(person, id, at, no, obr(no, service, performed, at, 'F', '', section), body);
    });
  }

  /** ADT^A40: `prior` is merged into `survivor`. */
  merge(survivor: Person, prior: Person, at: number): void {
    this.add(at, 'adt-merge', 'usable', true, survivor, (id) =>
      `${msh(at, 'ADT^A40^ADT_A39', id)}\rEVN|A40|${hl7Time(at)}\r${survivor.pid}\rMRG|${prior.id}^^^SYNTH^MR`,
    );
  }

  /** CIDP from a coded diagnosis or from the neurophysiology report. */
  cidp(person: Person, at: number, pinned: boolean): void {
    if (chance(this.rng, 0.6)) this.diagnoses(person, at, [DX.cidp], pinned);
    else this.report(person, at, 'report-neurophysiology', TEXT.ncsCidp, pinned);
  }

  /** A neuropathy that is not necessarily CIDP: G62.9, G61.81 or a "demyelinating polyneuropathy" report. */
  polyneuropathy(person: Person, at: number, pinned: boolean): void {
    const r = this.rng();
    if (r < 0.5) this.diagnoses(person, at, [DX.polyneuropathy], pinned);
    else if (r < 0.75) this.diagnoses(person, at, [DX.cidp], pinned);
    else this.report(person, at, 'report-neurophysiology', TEXT.ncsDemyelinating, pinned);
  }
}

interface PatientSchedule {
  header: Omit<PlannedPatient, 'messages'>;
  scheduled: Scheduled[];
}

function outcomeHeader(index: number, archetype: Archetype, sex: 'M' | 'F'): Omit<PlannedPatient, 'messages'> {
  const info = archetypeInfo(archetype);
  return {
    index,
    patientKey: `SYNTH|${patientId(index)}`,
    priorPatientKeys: archetype === 'merged' ? [`SYNTH|${priorId(index)}`] : [],
    archetype,
    sex,
    expectedTier: info.expectedTier,
    expectedStatus: info.expectedStatus,
  };
}

function planPatient(ctx: FeedContext, index: number): PatientSchedule {
  const archetype = archetypeOf(ctx, index);
  const rng = mulberry32(mix32(ctx.seed, index + 1));
  const sex: 'M' | 'F' = chance(rng, 0.5) ? 'M' : 'F';
  const dob = `${int(rng, 1940, 2000)}${p2(int(rng, 1, 12))}${p2(int(rng, 1, 28))}`;
  const word = NATO[index % NATO.length] ?? 'ALPHA';
  const me = makePerson(patientId(index), `TESTPATIENT^${word}${index + 1}`, dob, sex);
  const t0 = admissionTime(ctx, index);
  const p = new PatientPlanner(index, rng, me, sex, t0);
  const female = sex === 'F';

  switch (archetype) {
    case 'unremarkable': {
      const end = p.encounter(me, t0, int(rng, 1, 5), 0.45);
      if (chance(rng, 0.3)) p.encounter(me, end + int(rng, 5, 40) * DAY, int(rng, 1, 3), 0.45);
      break;
    }
    case 'no-neuropathy': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.diagnoses(me, t0 + 3 * HOUR, [DX.splenomegaly]);
      p.cbc(me, t0 + 5 * HOUR, { plt: int(rng, 520, 640), hb: female ? 12.5 : 14.1, hct: female ? 38 : 42, pinned: false });
      p.ife(me, t0 + 4 * DAY, 'serum', 'IgG lambda monoclonal protein detected', false);
      p.vegf(me, t0 + 6 * DAY, { value: int(rng, 1500, 2200), unit: 'pg/mL', specimen: 'SER', via: 'OBR15', pinned: false });
      break;
    }
    case 'cidp-only': {
      p.encounter(me, t0, int(rng, 1, 4), 0.5);
      p.cidp(me, t0 + 2 * HOUR, false);
      if (chance(rng, 0.4)) p.ife(me, t0 + 3 * DAY, 'serum', 'No monoclonal protein detected', false);
      break;
    }
    case 'mgus-kappa': {
      p.encounter(me, t0, int(rng, 1, 4), 0.3);
      p.polyneuropathy(me, t0 + 2 * HOUR, false);
      if (chance(rng, 0.4)) p.diagnoses(me, t0 + 5 * DAY, [DX.mgus]);
      p.ife(me, t0 + 3 * DAY, 'serum', 'IgM kappa monoclonal protein detected', false);
      if (chance(rng, 0.5)) p.spep(me, t0 + 3 * DAY + HOUR, 0.4, false);
      break;
    }
    case 'diabetic-neuropathy': {
      p.encounter(me, t0, int(rng, 1, 4), 0.3);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.polyneuropathy, DX.diabetes, DX.hypothyroid]);
      break;
    }
    case 'negated-text': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp]);
      p.report(me, t0 + 3 * DAY, 'report-radiology', TEXT.ctNegated, false);
      p.report(me, t0 + 9 * DAY, 'report-pathology', TEXT.nodeNegated, false);
      if (chance(rng, 0.6)) p.report(me, t0 + 1 * DAY, 'report-radiology', TEXT.usNegated, false);
      if (chance(rng, 0.5)) p.ife(me, t0 + 4 * DAY, 'serum', 'No monoclonal protein detected', false);
      break;
    }
    case 'cidp-minor-ife-negative': {
      // Order matters for "never alerted": CIDP, then the negative IFE, then the minor criterion.
      p.encounter(me, t0, int(rng, 3, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
      p.ife(me, t0 + 1 * DAY, 'serum', 'No monoclonal protein detected', true);
      p.cbc(me, t0 + 3 * DAY, { plt: int(rng, 480, 560), hb: female ? 12.8 : 14.2, hct: female ? 39 : 43, pinned: true });
      break;
    }
    case 'screening-gap': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.cidp(me, t0 + 2 * HOUR, false);
      const at = t0 + 2 * DAY;
      const minor = pick(rng, ['plt', 'plt', 'plt', 'hb', 'hb-gl', 'hct', 'spleen-dx', 'spleen-us', 'gonad', 'skin', 'edema'] as const);
      const normalHb = female ? 12.9 : 14.4;
      const normalHct = female ? 39 : 43;
      switch (minor) {
        case 'plt':
          p.cbc(me, at, { plt: int(rng, 470, 620), hb: normalHb, hct: normalHct, pinned: false });
          break;
        case 'hb': // > 16.5 g/dL (male) and > 16.0 (female)
          p.cbc(me, at, { plt: int(rng, 200, 350), hb: 17.2, hct: normalHct, pinned: false });
          break;
        case 'hb-gl': // 172 g/L = 17.2 g/dL
          p.cbc(me, at, { plt: int(rng, 200, 350), hb: 17.2, hct: normalHct, hbInGramsPerLitre: true, pinned: false });
          break;
        case 'hct': // > 49 % (male) and > 48 % (female)
          p.cbc(me, at, { plt: int(rng, 200, 350), hb: normalHb, hct: 52.5, pinned: false });
          break;
        case 'spleen-dx':
          p.diagnoses(me, at, [DX.splenomegaly]);
          break;
        case 'spleen-us':
          p.report(me, at, 'report-radiology', TEXT.usSplenomegaly, false);
          break;
        case 'gonad':
          p.diagnoses(me, at, [female ? DX.ovarian : DX.testicular]);
          break;
        case 'skin':
          p.diagnoses(me, at, [DX.pigmentation]);
          break;
        case 'edema':
          p.diagnoses(me, at, [DX.edema]);
          break;
      }
      // SPEP without an M-spike is not immunofixation: the gap remains.
      if (chance(rng, 0.3)) p.spep(me, t0 + 4 * DAY, 0, false);
      break;
    }
    case 'lambda-clone': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.polyneuropathy(me, t0 + 2 * HOUR, false);
      if (chance(rng, 0.5)) p.report(me, t0 + 6 * DAY, 'report-pathology', TEXT.marrowLambda, false);
      else p.ife(me, t0 + 4 * DAY, 'serum', 'IgG lambda monoclonal protein detected', false);
      if (chance(rng, 0.4)) p.ife(me, t0 + 4 * DAY + HOUR, 'urine', 'No monoclonal protein detected', false);
      break;
    }
    case 'vegf-only': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.polyneuropathy(me, t0 + 2 * HOUR, false);
      const at = t0 + 5 * DAY;
      const variant = pick(rng, ['plasma-spm', 'plasma-obr15', 'serum', 'unknown', 'plasma-ngl'] as const);
      if (variant === 'plasma-spm') p.vegf(me, at, { value: int(rng, 260, 700), unit: 'pg/mL', specimen: 'PLAS', via: 'SPM', pinned: false });
      else if (variant === 'plasma-obr15') p.vegf(me, at, { value: int(rng, 260, 700), unit: 'pg/mL', specimen: 'PLAS', via: 'OBR15', pinned: false });
      else if (variant === 'serum') p.vegf(me, at, { value: int(rng, 1300, 2600), unit: 'pg/mL', specimen: 'SER', via: chance(rng, 0.5) ? 'SPM' : 'OBR15', pinned: false });
      else if (variant === 'unknown') p.vegf(me, at, { value: 480, unit: 'pg/mL', specimen: null, via: 'SPM', pinned: false });
      else p.vegf(me, at, { value: int(rng, 300, 650), unit: 'ng/L', specimen: 'PLAS', via: 'SPM', pinned: false });
      if (chance(rng, 0.5)) p.ife(me, t0 + 5 * DAY + HOUR, 'serum', 'No monoclonal protein detected', false);
      break;
    }
    case 'poems-full': {
      const end = p.encounter(me, t0, int(rng, 2, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp]);
      p.report(me, t0 + 1 * DAY + 3 * HOUR, 'report-neurophysiology', [...TEXT.ncsCidp, TEXT.ncsPoemsQuestion], false);
      p.cbc(me, t0 + 1 * DAY + 6 * HOUR, { plt: 520, hb: female ? 13.1 : 14.6, hct: female ? 40 : 44, pinned: false });
      p.ife(me, t0 + 8 * DAY, 'serum', 'IgA lambda monoclonal protein detected', false);
      if (chance(rng, 0.5)) p.spep(me, t0 + 8 * DAY + HOUR, 0.3, false);
      p.vegf(me, t0 + 12 * DAY, { value: 480, unit: 'pg/mL', specimen: 'PLAS', via: chance(rng, 0.5) ? 'SPM' : 'OBR15', pinned: false });
      p.report(me, t0 + 15 * DAY, 'report-radiology', chance(rng, 0.5) ? TEXT.ctSclerotic : TEXT.ctScleroticFt, false);
      if (chance(rng, 0.3)) p.encounter(me, end + 20 * DAY, int(rng, 1, 3), 0);
      break;
    }
    case 'corrected': {
      p.encounter(me, t0, int(rng, 3, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
      p.cbc(me, t0 + 1 * DAY + 4 * HOUR, {
        plt: 520, hb: female ? 12.9 : 14.4, hct: female ? 39 : 43, pinned: true,
        correction: { at: t0 + 2 * DAY + 6 * HOUR, plt: 300 },
      });
      break;
    }
    case 'deleted': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.polyneuropathy(me, t0 + 2 * HOUR, true);
      p.vegf(me, t0 + 3 * DAY, { value: 480, unit: 'pg/mL', specimen: 'PLAS', via: 'SPM', pinned: true, deleteAt: t0 + 5 * DAY });
      break;
    }
    case 'duplicate': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
      p.cbc(me, t0 + 1 * DAY + 4 * HOUR, {
        plt: 520, hb: female ? 12.9 : 14.4, hct: female ? 39 : 43, pinned: true,
        duplicateAfter: int(rng, 30, 480) * MIN,
      });
      break;
    }
    case 'merged': {
      const prior = makePerson(priorId(index), `SYNTHETIC^UNKNOWN${index + 1}`, dob, sex);
      p.encounter(prior, t0, int(rng, 1, 3), 0);
      p.diagnoses(prior, t0 + 2 * HOUR, [DX.cidp], true);
      p.cbc(prior, t0 + 5 * HOUR, { plt: 520, hb: female ? 12.9 : 14.4, hct: female ? 39 : 43, pinned: true });
      const s = t0 + 6 * DAY;
      p.encounter(me, s, int(rng, 2, 4), 0);
      p.ife(me, s + 1 * DAY, 'serum', 'IgA lambda monoclonal protein detected', true);
      p.vegf(me, s + 3 * DAY, { value: 480, unit: 'pg/mL', specimen: 'PLAS', via: 'SPM', pinned: true });
      p.report(me, s + 5 * DAY, 'report-radiology', TEXT.ctSclerotic, true);
      p.merge(me, prior, s + 8 * DAY);
      break;
    }
    case 'out-of-order': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      p.diagnoses(me, t0 + 2 * HOUR, [DX.cidp], true);
      const original = t0 + 1 * DAY + 4 * HOUR;
      const corrected = original + 5 * HOUR;
      p.cbc(me, original, {
        plt: 300, hb: female ? 12.9 : 14.4, hct: female ? 39 : 43, pinned: true,
        correction: { at: corrected, plt: 520 },
        // The interface engine held the original back: it arrives 3 h after its correction.
        originalArrival: corrected + 3 * HOUR,
      });
      break;
    }
    case 'poems-known': {
      p.encounter(me, t0, int(rng, 2, 5), 0);
      // First usable message: the diagnosis is already made, so nothing ever alerts.
      p.diagnoses(me, t0 + 1 * HOUR, [DX.poems, DX.cidp], true, true);
      p.cbc(me, t0 + 1 * DAY, { plt: 520, hb: female ? 12.9 : 14.4, hct: female ? 39 : 43, pinned: false });
      p.diagnoses(me, t0 + 2 * DAY, [DX.splenomegaly]);
      p.ife(me, t0 + 3 * DAY, 'serum', 'IgA lambda monoclonal protein detected', false);
      p.report(me, t0 + 6 * DAY, 'report-pathology', TEXT.nodeCastleman, false);
      break;
    }
  }

  return { header: outcomeHeader(index, archetype, sex), scheduled: schedule(ctx, index, p) };
}

/** Sort the drafts by MSH-7, give them control ids and arrival times, add duplicate copies. */
function schedule(ctx: FeedContext, index: number, p: PatientPlanner): Scheduled[] {
  const rng = p.rng;
  const drafts = p.drafts.map((d, i) => ({ d, i })).sort((a, b) => a.d.at - b.d.at || a.i - b.i);
  const out: Scheduled[] = [];
  const patientNo = pad(index + 1, 7);
  drafts.forEach(({ d }, j) => {
    let arrival: number;
    if (d.arrival !== undefined) arrival = d.arrival;
    else if (d.category === 'unremarkable') arrival = d.at + int(rng, 0, MAX_JITTER / SEC) * SEC;
    else arrival = d.at;
    if (!d.pinned && d.arrival === undefined && chance(rng, DELAY_SHARE)) arrival += int(rng, 60, 36 * 60) * MIN;
    const controlId = `SG${ctx.tag}${patientNo}${pad(j, 3)}`;
    out.push({ arrival, seq: index * 1024 + j, controlId, duplicate: false, draft: d });
    if (d.duplicateAfter !== undefined) {
      out.push({ arrival: arrival + d.duplicateAfter, seq: index * 1024 + 512 + j, controlId, duplicate: true, draft: d });
    }
  });
  out.sort(compareScheduled);
  return out;
}

function compareScheduled(a: Scheduled, b: Scheduled): number {
  return a.arrival - b.arrival || a.seq - b.seq;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** The complete plan: every patient, its expected outcome and its messages (with text). */
export function planFeed(opts: FeedOptions): FeedPlan {
  const ctx = feedContext(opts);
  const patients: PlannedPatient[] = [];
  for (let i = 0; i < ctx.n; i++) {
    const { header, scheduled } = planPatient(ctx, i);
    patients.push({
      ...header,
      messages: scheduled.map((s) => ({
        controlId: s.controlId,
        patientKey: s.draft.patientKey,
        kind: s.draft.kind,
        category: s.draft.category,
        messageTime: new Date(s.draft.at),
        arrivalTime: new Date(s.arrival),
        pinned: s.draft.pinned,
        duplicate: s.duplicate,
        text: s.draft.render(s.controlId),
      })),
    });
  }
  return { seed: ctx.seed, start: new Date(ctx.start), patients, outcomes: expectedOutcomes(opts) };
}

/** Expected tier and alert status per patient key after the whole feed (cheap: builds no messages). */
export function expectedOutcomes(opts: FeedOptions): Map<string, ExpectedOutcome> {
  const ctx = feedContext(opts);
  const out = new Map<string, ExpectedOutcome>();
  for (let i = 0; i < ctx.n; i++) {
    const archetype = archetypeOf(ctx, i);
    const info = archetypeInfo(archetype);
    const key = `SYNTH|${patientId(i)}`;
    out.set(key, { patientKey: key, archetype, expectedTier: info.expectedTier, expectedStatus: info.expectedStatus });
    if (archetype === 'merged') {
      const prior = `SYNTH|${priorId(i)}`;
      out.set(prior, { patientKey: prior, archetype, expectedTier: null, expectedStatus: 'none', mergedInto: key });
    }
  }
  return out;
}

/**
 * All patients' messages in arrival order. Streaming: a patient is planned when the arrival clock
 * reaches its first admission, and only messages of patients in flight are held.
 */
export function generateFeed(opts: FeedOptions): Generator<GeneratedMessage> {
  // Validate now, not at the first next(): a bad option fails where the feed is requested.
  return emit(feedContext(opts));
}

function* emit(ctx: FeedContext & { n: number }): Generator<GeneratedMessage> {
  const heap = new MinHeap();
  let next = 0;
  for (;;) {
    while (next < ctx.n) {
      const top = heap.peek();
      if (top !== undefined && admissionTime(ctx, next) > top.arrival) break;
      for (const s of planPatient(ctx, next).scheduled) heap.push(s);
      next += 1;
    }
    const s = heap.pop();
    if (s === undefined) return;
    yield {
      text: s.draft.render(s.controlId),
      controlId: s.controlId,
      patientKey: s.draft.patientKey,
      category: s.draft.category,
      duplicate: s.duplicate,
      arrivalMs: s.arrival,
    };
  }
}

/** Binary min-heap on (arrival, seq). */
class MinHeap {
  private readonly items: Scheduled[] = [];

  peek(): Scheduled | undefined {
    return this.items[0];
  }

  push(item: Scheduled): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = a[parent] as Scheduled;
      if (compareScheduled(p, item) <= 0) break;
      a[i] = p;
      i = parent;
    }
    a[i] = item;
  }

  pop(): Scheduled | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && compareScheduled(a[r] as Scheduled, a[l] as Scheduled) < 0) c = r;
      const child = a[c] as Scheduled;
      if (compareScheduled(last, child) <= 0) break;
      a[i] = child;
      i = c;
    }
    a[i] = last;
    return top;
  }
}
