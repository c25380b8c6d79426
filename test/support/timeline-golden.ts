/**
 * The golden table of the timeline rules (spec §2, issue 7 item 2): messages in → each message's
 * answer (duplicate, reused, re-evaluated patients, merges) and the stored state of every
 * patient named. The pure policy (src/store/policy/) is the reference; the SQLite adapter runs
 * it and the Redis script repeats it, and both conformance suites run every row.
 *
 * Notation. A version: `v(patient, resultKey, status, time, kinds, opts)`; the status picks the
 * class and effect (F C A final, P R S I preliminary, D W X remove, U finalize); `kinds` is a
 * space-separated list, `kind~` a finding read as hedged (possible). A state: the resolved key
 * when it differs (`→B`), then findings sorted (`kind?` possible, `kind(DD..DD)` first and last
 * seen), `| m` the measurements, `@DD` the ageing anchor (day of January 2025), `sup:kind` a
 * finding a later version superseded, `n<count>` other notes.
 */
import { describe, expect, it } from 'vitest';
import type { Certainty, Finding, FindingKind } from '../../src/domain/finding.js';
import type { MessageEffects, ResultVersion } from '../../src/domain/result.js';
import type { Timeline } from '../../src/domain/timeline.js';
import type { ApplyResult, MessageId, TimelineStore } from '../../src/store/ports/timeline-store.port.js';

/** Noon on 2025-01-DD. */
const T = (day: number): string => `2025-01-${String(day).padStart(2, '0')}T12:00:00.000Z`;

interface VersionOpts {
  /** observedAt when it differs from the message time */
  obs?: string;
  /** a platelet count (abnormal above 450) */
  plt?: number;
  /** false: stored only over an earlier version */
  storeIfNew?: false;
  /** unread notes (their text) */
  notes?: string[];
}

const PRELIMINARY = new Set(['P', 'R', 'S', 'I']);
const REMOVES = new Set(['D', 'W', 'X']);

function v(patient: string, resultKey: string, status: string, time: string, kinds = '', opts: VersionOpts = {}): ResultVersion {
  const observedAt = opts.obs ?? time;
  const statusClass = PRELIMINARY.has(status) ? 'preliminary' : 'final';
  const effect = status === 'U' ? 'finalize' : REMOVES.has(status) ? 'remove' : 'replace';
  const source = { messageControlId: `m-${resultKey}`, sendingFacility: 'GOLD', segment: 'OBX[1]', resultKey };
  const asRead: Certainty[] = [];
  const findings: Finding[] = kinds.split(' ').filter((k) => k !== '').map((k) => {
    const certainty: Certainty = k.endsWith('~') ? 'possible' : 'definite';
    asRead.push(certainty);
    const f: Finding = { kind: k.replace('~', '') as FindingKind, observedAt, qualifiers: {}, certainty, source };
    return statusClass === 'preliminary' ? { ...f, certainty: 'possible', status: 'preliminary' } : f;
  });
  const version: ResultVersion = {
    patientKey: patient, resultKey, status, statusClass, effect, messageTime: time, observedAt,
    findings: effect === 'replace' ? findings : [],
    notes: effect === 'replace' ? (opts.notes ?? []).map((text) => ({ reason: 'NEGATED' as const, text, observedAt, source })) : [],
  };
  if (statusClass === 'preliminary' && findings.length > 0) version.certaintyAsRead = asRead;
  if (opts.plt !== undefined && effect === 'replace') version.measurement = { kind: 'thrombocytosis', observedAt, abnormal: opts.plt > 450, value: opts.plt, unit: '10*9/L' };
  if (opts.storeIfNew === false) version.storeIfNew = false;
  return version;
}

interface GoldenMessage { id: MessageId; effects: MessageEffects }

/** `id` is "FACILITY:control" or "FACILITY:control#hash". */
function msg(id: string, patient: string | null, ...results: ResultVersion[]): GoldenMessage {
  return { id: messageId(id), effects: { patientKey: patient, results, merges: [], unread: [] } };
}

function merge(id: string, prior: string, survivor: string, kind: 'merge' | 'alias' = 'merge', ...results: ResultVersion[]): GoldenMessage {
  return { id: messageId(id), effects: { patientKey: survivor, results, merges: [{ prior, survivor, kind }], unread: [] } };
}

function messageId(id: string): MessageId {
  const [facility = '', rest = ''] = id.split(':');
  const [controlId = '', contentHash] = rest.split('#');
  return contentHash === undefined ? { sendingFacility: facility, controlId } : { sendingFacility: facility, controlId, contentHash };
}

export interface GoldenRow {
  name: string;
  messages: GoldenMessage[];
  /** per message: `dup `, `reused `, then the re-evaluated patients `[A,B]`, then ` A>B` per merge */
  answers: string[];
  /** per patient key: its state (see the notation above) */
  state: Record<string, string>;
}

const A = 'A';
const B = 'B';
const C = 'C';

export const GOLDEN: GoldenRow[] = [
  // ordering within a class (spec §2: later MSH-7 wins, arrival breaks ties, an empty time sorts first)
  { name: 'a later correction replaces the value', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'thrombocytosis')), msg('L:2', A, v(A, 'r', 'C', T(2)))], answers: ['[A]', '[A]'], state: { A: '@02 sup:thrombocytosis' } },
  { name: 'a correction that arrives before its original keeps winning', messages: [msg('L:2', A, v(A, 'r', 'C', T(2), 'vegfHigh')), msg('L:1', A, v(A, 'r', 'F', T(1)))], answers: ['[A]', '[]'], state: { A: 'vegfHigh @02' } },
  { name: 'the same MSH-7: arrival order breaks the tie', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'C', T(1)))], answers: ['[A]', '[A]'], state: { A: '@01 sup:castleman' } },
  { name: 'an empty time sorts first: a dated version replaces it', messages: [msg('L:1', A, v(A, 'r', 'F', '', 'castleman', { obs: T(1) })), msg('L:2', A, v(A, 'r', 'F', T(1)))], answers: ['[A]', '[A]'], state: { A: '@01 sup:castleman' } },
  { name: 'an undated version never replaces a dated one', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'F', '', '', { obs: T(2) }))], answers: ['[A]', '[]'], state: { A: 'castleman @01' } },
  { name: 'two undated versions: the later arrival wins', messages: [msg('L:1', A, v(A, 'r', 'F', '', 'castleman', { obs: T(1) })), msg('L:2', A, v(A, 'r', 'F', '', 'vegfHigh', { obs: T(1) }))], answers: ['[A]', '[A]'], state: { A: 'vegfHigh @01 sup:castleman' } },
  { name: 'an unparseable time never replaces, nor is replaced by, a dated one', messages: [msg('L:1', A, v(A, 'r', 'F', 'not a time', 'castleman', { obs: T(1) })), msg('L:2', A, v(A, 'r', 'F', T(2)))], answers: ['[A]', '[]'], state: { A: 'castleman @01' } },
  { name: 'the same instant written two ways is not later', messages: [msg('L:1', A, v(A, 'r', 'F', '2025-01-01T10:00:00.000Z', 'castleman', { obs: T(1) })), msg('L:2', A, v(A, 'r', 'F', '2025-01-01T10:00:00Z', '', { obs: T(1) }))], answers: ['[A]', '[]'], state: { A: 'castleman @01' } },
  { name: 'time zones compare as instants', messages: [msg('L:1', A, v(A, 'r', 'F', T(2), 'castleman')), msg('L:2', A, v(A, 'r', 'F', '2025-01-03T00:00:00.000+02:00', '', { obs: T(2) }))], answers: ['[A]', '[A]'], state: { A: '@02 sup:castleman' } },

  // final and preliminary (spec §2 v2: a final version outranks any preliminary one)
  { name: 'a final outranks a later preliminary', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'thrombocytosis', { plt: 520 })), msg('L:2', A, v(A, 'r', 'P', T(3), '', { plt: 300 }))], answers: ['[A]', '[]'], state: { A: 'thrombocytosis | m 520! @01' } },
  { name: 'a final replaces an earlier-sent preliminary whatever the times', messages: [msg('L:1', A, v(A, 'r', 'P', T(3), 'thrombocytosis', { plt: 520 })), msg('L:2', A, v(A, 'r', 'F', T(1), '', { plt: 300 }))], answers: ['[A]', '[A]'], state: { A: '| m 300 @01 sup:thrombocytosis' } },
  { name: 'a later preliminary replaces a preliminary', messages: [msg('L:1', A, v(A, 'r', 'P', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'P', T(2), 'vegfHigh'))], answers: ['[A]', '[A]'], state: { A: 'vegfHigh? @02 sup:castleman' } },
  { name: 'an earlier preliminary arriving late does not replace one', messages: [msg('L:1', A, v(A, 'r', 'P', T(2), 'castleman')), msg('L:2', A, v(A, 'r', 'P', T(1), 'vegfHigh'))], answers: ['[A]', '[]'], state: { A: 'castleman? @02' } },
  { name: 'findings of a preliminary are possible', messages: [msg('L:1', A, v(A, 'r', 'P', T(1), 'castleman scleroticBone~'))], answers: ['[A]'], state: { A: 'castleman? scleroticBone? @01' } },
  { name: 'a final naming nothing is stored and outranks its late preliminary', messages: [msg('L:2', A, v(A, 'r', 'F', T(2))), msg('L:1', A, v(A, 'r', 'P', T(1), 'scleroticBone'))], answers: ['[]', '[]'], state: { A: '@02' } },
  { name: 'a preliminary naming nothing (storeIfNew false) alone is not stored', messages: [msg('L:1', A, v(A, 'r', 'P', T(1), '', { storeIfNew: false }))], answers: ['[]'], state: { A: '' } },
  { name: 'a preliminary naming nothing replaces an earlier preliminary', messages: [msg('L:1', A, v(A, 'r', 'P', T(1), 'scleroticBone')), msg('L:2', A, v(A, 'r', 'P', T(2), '', { storeIfNew: false }))], answers: ['[A]', '[A]'], state: { A: '@02 sup:scleroticBone' } },
  { name: 'a preliminary naming nothing does not touch a final', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'scleroticBone')), msg('L:2', A, v(A, 'r', 'P', T(2), '', { storeIfNew: false }))], answers: ['[A]', '[]'], state: { A: 'scleroticBone @01' } },
  { name: 'a final naming nothing with storeIfNew false replaces an earlier version', messages: [msg('L:1', A, v(A, 'r', 'P', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'F', T(2), '', { storeIfNew: false }))], answers: ['[A]', '[A]'], state: { A: '@02 sup:castleman' } },
  { name: 'storeIfNew false with nothing under it writes nothing', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), '', { storeIfNew: false }))], answers: ['[]'], state: { A: '' } },

  // removals (D W X): a tombstone that dates nothing
  { name: 'D removes the finding and its measurement', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'thrombocytosis', { plt: 520 })), msg('L:2', A, v(A, 'r', 'D', T(2)))], answers: ['[A]', '[A]'], state: { A: 'sup:thrombocytosis' } },
  { name: 'W (wrong patient) removes', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'vegfHigh')), msg('L:2', A, v(A, 'r', 'W', T(2)))], answers: ['[A]', '[A]'], state: { A: 'sup:vegfHigh' } },
  { name: 'X after a preliminary removes (X is final)', messages: [msg('L:1', A, v(A, 'r', 'P', T(2), 'vegfHigh')), msg('L:2', A, v(A, 'r', 'X', T(1)))], answers: ['[A]', '[A]'], state: { A: 'sup:vegfHigh' } },
  { name: 'a deletion first keeps the late original out', messages: [msg('L:2', A, v(A, 'r', 'D', T(2))), msg('L:1', A, v(A, 'r', 'F', T(1), 'thrombocytosis'))], answers: ['[]', '[]'], state: { A: '' } },
  { name: 'a preliminary after a deletion stays out', messages: [msg('L:1', A, v(A, 'r', 'D', T(1))), msg('L:2', A, v(A, 'r', 'P', T(2), 'castleman'))], answers: ['[]', '[]'], state: { A: '' } },
  { name: 'a deleted result no longer moves the ageing anchor', messages: [msg('L:1', A, v(A, 'r1', 'F', T(1), 'castleman'), v(A, 'r2', 'F', T(5), '', { plt: 300 })), msg('L:2', A, v(A, 'r2', 'D', T(6)))], answers: ['[A]', '[A]'], state: { A: 'castleman @01' } },

  // U: final, value unchanged
  { name: 'U makes a preliminary final: its findings become definite', messages: [msg('L:1', A, v(A, 'r', 'P', T(1), 'thrombocytosis', { plt: 520 })), msg('L:2', A, v(A, 'r', 'U', T(2)))], answers: ['[A]', '[A]'], state: { A: 'thrombocytosis | m 520! @01' } },
  { name: 'U keeps a hedged finding possible', messages: [msg('L:1', A, v(A, 'r', 'P', T(1), 'castleman~ vegfHigh')), msg('L:2', A, v(A, 'r', 'U', T(2)))], answers: ['[A]', '[A]'], state: { A: 'castleman? vegfHigh @01' } },
  { name: 'U with nothing stored writes nothing', messages: [msg('L:1', A, v(A, 'r', 'U', T(1)))], answers: ['[]'], state: { A: '' } },
  { name: 'U older than a stored correction is outranked', messages: [msg('L:1', A, v(A, 'r', 'C', T(3), 'castleman')), msg('L:2', A, v(A, 'r', 'U', T(2)))], answers: ['[A]', '[]'], state: { A: 'castleman @03' } },
  { name: 'a preliminary after U stays out', messages: [msg('L:1', A, v(A, 'r', 'P', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'U', T(2))), msg('L:3', A, v(A, 'r', 'P', T(3), 'vegfHigh'))], answers: ['[A]', '[A]', '[]'], state: { A: 'castleman @01' } },
  { name: 'U on a final changes nothing the rule sees', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'U', T(2)))], answers: ['[A]', '[]'], state: { A: 'castleman @01' } },
  { name: 'U on a preliminary naming nothing changes nothing', messages: [msg('L:1', A, v(A, 'r', 'P', T(1), '', { plt: 300 })), msg('L:2', A, v(A, 'r', 'U', T(2)))], answers: ['[]', '[]'], state: { A: '| m 300 @01' } },

  // duplicates and control ids (spec §2; issue 6 item 9)
  { name: 'the same message twice is applied once', messages: [msg('L:1', A, v(A, 'r1', 'F', T(1), 'castleman')), msg('L:1', A, v(A, 'r2', 'F', T(1), 'vegfHigh'))], answers: ['[A]', 'dup [A]'], state: { A: 'castleman @01' } },
  { name: 'the same MSH-10 from another facility is another message', messages: [msg('L:1', A, v(A, 'r1', 'F', T(1), 'castleman')), msg('R:1', A, v(A, 'r2', 'F', T(1), 'vegfHigh'))], answers: ['[A]', '[A]'], state: { A: 'castleman vegfHigh @01' } },
  { name: 'a reused control id with other content is applied and flagged', messages: [msg('L:1#h1', A, v(A, 'r1', 'F', T(1), 'castleman')), msg('L:1#h2', A, v(A, 'r2', 'F', T(1), 'vegfHigh'))], answers: ['[A]', 'reused [A]'], state: { A: 'castleman vegfHigh @01' } },
  { name: 'the reused content again is a duplicate', messages: [msg('L:1#h1', A, v(A, 'r1', 'F', T(1), 'castleman')), msg('L:1#h2', A, v(A, 'r2', 'F', T(1), 'vegfHigh')), msg('L:1#h2', A, v(A, 'r3', 'F', T(1), 'neuropathy'))], answers: ['[A]', 'reused [A]', 'dup [A]'], state: { A: 'castleman vegfHigh @01' } },
  { name: 'the first content again is a duplicate', messages: [msg('L:1#h1', A, v(A, 'r1', 'F', T(1), 'castleman')), msg('L:1#h2', A), msg('L:1#h1', A, v(A, 'r3', 'F', T(1), 'neuropathy'))], answers: ['[A]', 'reused []', 'dup [A]'], state: { A: 'castleman @01' } },
  { name: 'a message without a content hash is judged by its id', messages: [msg('L:1#h1', A, v(A, 'r1', 'F', T(1), 'castleman')), msg('L:1', A, v(A, 'r2', 'F', T(1), 'vegfHigh'))], answers: ['[A]', 'dup [A]'], state: { A: 'castleman @01' } },
  { name: 'an id first stored without a hash stays a duplicate', messages: [msg('L:1', A, v(A, 'r1', 'F', T(1), 'castleman')), msg('L:1#h2', A, v(A, 'r2', 'F', T(1), 'vegfHigh'))], answers: ['[A]', 'dup [A]'], state: { A: 'castleman @01' } },
  { name: 'a duplicate without a patient re-evaluates nobody', messages: [msg('L:1', null), msg('L:1', null)], answers: ['[]', 'dup []'], state: {} },
  { name: 'a duplicate re-evaluates the patient as resolved now', messages: [msg('L:1', A, v(A, 'r1', 'F', T(1), 'castleman')), merge('ADT:2', A, B), msg('L:1', A)], answers: ['[A]', '[B] A>B', 'dup [B]'], state: { A: '→B castleman @01', B: 'castleman @01' } },

  // what re-evaluates a patient
  { name: 'the same version again changes nothing', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'F', T(1), 'castleman'))], answers: ['[A]', '[]'], state: { A: 'castleman @01' } },
  { name: 'a normal count re-evaluates: the latest measurement and the anchor', messages: [msg('L:1', A, v(A, 'r1', 'F', T(1), 'thrombocytosis', { plt: 520 })), msg('L:2', A, v(A, 'r2', 'F', T(9), '', { plt: 300 }))], answers: ['[A]', '[A]'], state: { A: 'thrombocytosis | m 300 520! @09' } },
  { name: 'with no finding on record, a normal count re-evaluates nobody', messages: [msg('L:1', A, v(A, 'r1', 'F', T(1), '', { plt: 300 })), msg('L:2', A, v(A, 'r2', 'F', T(9), '', { plt: 310 }))], answers: ['[]', '[]'], state: { A: '| m 300 310 @09' } },
  { name: 'removing the last finding re-evaluates; the counts after it do not', messages: [msg('L:1', A, v(A, 'r1', 'F', T(1), 'thrombocytosis', { plt: 520 })), msg('L:2', A, v(A, 'r1', 'C', T(2), '', { plt: 300 })), msg('L:3', A, v(A, 'r2', 'F', T(9), '', { plt: 310 }))], answers: ['[A]', '[A]', '[]'], state: { A: '| m 300 310 @09 sup:thrombocytosis' } },
  { name: 'a finding under another key makes a normal count re-evaluate', messages: [msg('L:1', A, v(A, 'dx', 'F', T(1), 'neuropathy')), msg('L:2', A, v(A, 'r2', 'F', T(9), '', { plt: 310 }))], answers: ['[A]', '[A]'], state: { A: 'neuropathy | m 310 @09' } },
  { name: 'after a merge the survivor counts the findings it took', messages: [msg('L:1', A, v(A, 'dx', 'F', T(1), 'neuropathy')), merge('ADT:2', A, B), msg('L:3', B, v(B, 'r2', 'F', T(9), '', { plt: 310 }))], answers: ['[A]', '[B] A>B', '[B]'], state: { B: 'neuropathy | m 310 @09' } },
  { name: 'a finding a correction drops is listed as superseded, once, until another is dropped', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'thrombocytosis', { plt: 520 })), msg('L:2', A, v(A, 'r', 'C', T(2), '', { plt: 300 })), msg('L:3', A, v(A, 'r', 'C', T(3), '', { plt: 310 }))], answers: ['[A]', '[A]', '[]'], state: { A: '| m 310 @03 sup:thrombocytosis' } },
  { name: 'a kind the new version still shows is not superseded', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'C', T(2), 'castleman vegfHigh'))], answers: ['[A]', '[A]'], state: { A: 'castleman(01..02) vegfHigh @02' } },
  { name: 'U keeps what the preliminary superseded', messages: [msg('L:1', A, v(A, 'r', 'P', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'P', T(2), 'vegfHigh')), msg('L:3', A, v(A, 'r', 'U', T(3)))], answers: ['[A]', '[A]', '[A]'], state: { A: 'vegfHigh @02 sup:castleman' } },
  { name: 'notes alone re-evaluate nobody but are kept', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'F', T(1), 'castleman', { notes: ['no ascites'] }))], answers: ['[A]', '[]'], state: { A: 'castleman @01 n1' } },
  { name: 'one message, two patients', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'castleman'), v(B, 'r', 'F', T(1), 'vegfHigh'))], answers: ['[A,B]'], state: { A: 'castleman @01', B: 'vegfHigh @01' } },
  { name: 'a version is owned by its own patient, not the message patient', messages: [msg('L:1', A, v(B, 'r', 'F', T(1), 'castleman'))], answers: ['[B]'], state: { A: '', B: 'castleman @01' } },
  { name: 'the anchor is the newest observation of any result, not the message time', messages: [msg('L:1', A, v(A, 'r1', 'F', T(9), 'castleman', { obs: T(2) }), v(A, 'r2', 'F', T(9), '', { obs: T(4), plt: 300 }))], answers: ['[A]'], state: { A: 'castleman | m 300 @04' } },

  // a finding seen again (spec §2 "Time")
  { name: 'a kind seen again under its key keeps its first time', messages: [msg('L:1', A, v(A, 'dx', 'F', T(1), 'organomegaly')), msg('L:2', A, v(A, 'dx', 'F', T(5), 'organomegaly'))], answers: ['[A]', '[A]'], state: { A: 'organomegaly(01..05) @05' } },
  { name: 'a kind seen again after a deletion starts afresh', messages: [msg('L:1', A, v(A, 'dx', 'F', T(1), 'organomegaly')), msg('L:2', A, v(A, 'dx', 'D', T(2))), msg('L:3', A, v(A, 'dx', 'F', T(5), 'organomegaly'))], answers: ['[A]', '[A]', '[A]'], state: { A: 'organomegaly @05' } },
  { name: 'a preliminary then its final keep the first time', messages: [msg('L:1', A, v(A, 'r', 'P', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'F', T(3), 'castleman'))], answers: ['[A]', '[A]'], state: { A: 'castleman(01..03) @03' } },
  { name: 'a new kind under the key is first seen now', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'castleman')), msg('L:2', A, v(A, 'r', 'C', T(3), 'castleman vegfHigh'))], answers: ['[A]', '[A]'], state: { A: 'castleman(01..03) vegfHigh @03' } },

  // merges (A40/A34/A36) and aliases (spec §1.3, §2)
  { name: 'a merge moves the findings and re-evaluates the survivor', messages: [msg('L:1', A, v(A, 'r1', 'F', T(1), 'castleman')), msg('L:2', B, v(B, 'r2', 'F', T(1), 'neuropathy')), merge('ADT:3', A, B)], answers: ['[A]', '[B]', '[B] A>B'], state: { A: '→B castleman neuropathy @01', B: 'castleman neuropathy @01' } },
  { name: 'an alias links like a merge', messages: [msg('L:1', A, v(A, 'r1', 'F', T(1), 'castleman')), merge('L:2', A, B, 'alias', v(B, 'r2', 'F', T(1), 'neuropathy'))], answers: ['[A]', '[B] A>B'], state: { A: '→B castleman neuropathy @01', B: 'castleman neuropathy @01' } },
  { name: 'the prior\'s newer version of a shared key wins', messages: [msg('L:1', A, v(A, 'dx', 'F', T(2), 'castleman')), msg('L:2', B, v(B, 'dx', 'F', T(1))), merge('ADT:3', A, B)], answers: ['[A]', '[]', '[B] A>B'], state: { B: 'castleman @02' } },
  { name: 'the survivor\'s newer version of a shared key stays', messages: [msg('L:1', A, v(A, 'dx', 'F', T(1), 'castleman')), msg('L:2', B, v(B, 'dx', 'F', T(2))), merge('ADT:3', A, B)], answers: ['[A]', '[]', '[B] A>B'], state: { B: '@02' } },
  { name: 'a merge ranks a final above a later preliminary', messages: [msg('L:1', A, v(A, 'r', 'P', T(3), 'castleman')), msg('L:2', B, v(B, 'r', 'F', T(1))), merge('ADT:3', A, B)], answers: ['[A]', '[]', '[B] A>B'], state: { B: '@01' } },
  { name: 'a merge into the key it already resolves to does nothing', messages: [merge('ADT:1', A, B), merge('ADT:2', A, B)], answers: ['[B] A>B', '[]'], state: { A: '→B ', B: '' } },
  { name: 'merge chains stay one hop (a→b, then b→c)', messages: [msg('L:1', A, v(A, 'r', 'F', T(1), 'castleman')), merge('ADT:2', A, B), merge('ADT:3', B, C)], answers: ['[A]', '[B] A>B', '[C] B>C'], state: { A: '→C castleman @01', B: '→C castleman @01', C: 'castleman @01' } },
  { name: 'a merge into a merged-away key goes to its survivor', messages: [merge('ADT:1', B, C), msg('L:2', A, v(A, 'r', 'F', T(1), 'castleman')), merge('ADT:3', A, B)], answers: ['[C] B>C', '[A]', '[C] A>C'], state: { A: '→C castleman @01', C: 'castleman @01' } },
  { name: 'a later message for the prior key follows the merge', messages: [merge('ADT:1', A, B), msg('L:2', A, v(A, 'r', 'F', T(1), 'vegfHigh'))], answers: ['[B] A>B', '[B]'], state: { A: '→B vegfHigh @01', B: 'vegfHigh @01' } },
  { name: 'a key named and merged away in one message: only the survivor is re-evaluated', messages: [merge('ADT:1', A, B, 'merge', v(A, 'r', 'F', T(1), 'castleman'))], answers: ['[B] A>B'], state: { A: '→B castleman @01', B: 'castleman @01' } },
  { name: 'the survivor is re-evaluated even when nothing moved', messages: [merge('ADT:1', A, B)], answers: ['[B] A>B'], state: { A: '→B ', B: '' } },
];

function answer(r: ApplyResult): string {
  const merges = r.merges.map((m) => ` ${m.prior}>${m.survivor}`).join('');
  return `${r.duplicate ? 'dup ' : ''}${r.controlIdReused ? 'reused ' : ''}[${r.patients.join(',')}]${merges}`;
}

const day = (iso: string): string => iso.slice(8, 10);

/** A timeline in the table's notation. */
export function describeTimeline(t: Timeline): string {
  const findings = t.findings
    .map((f) => `${f.kind}${f.certainty === 'possible' ? '?' : ''}${f.lastObservedAt ? `(${day(f.observedAt)}..${day(f.lastObservedAt)})` : ''}`)
    .sort();
  const parts = [...findings];
  if (t.measurements.length > 0) parts.push('| m', ...t.measurements.map((m) => m.value).sort((a, b) => a - b).map((value) => `${value}${t.measurements.find((m) => m.value === value)?.abnormal ? '!' : ''}`));
  if (t.newestObservedAt !== null) parts.push(`@${day(t.newestObservedAt)}`);
  const superseded = t.notes.filter((n) => n.reason === 'SUPERSEDED');
  parts.push(...superseded.map((n) => `sup:${n.kind ?? '?'}`).sort());
  if (t.notes.length > superseded.length) parts.push(`n${t.notes.length - superseded.length}`);
  return parts.join(' ');
}

async function stateOf(store: TimelineStore, patient: string): Promise<string> {
  const resolved = await store.resolve(patient);
  const t = describeTimeline(await store.timeline(patient));
  return resolved === patient ? t : `→${resolved} ${t}`;
}

/** Runs every row of the golden table against fresh stores of one adapter. */
export function timelineGolden(name: string, make: () => Promise<TimelineStore>): void {
  describe(`${name} follows the golden table of timeline rules`, () => {
    it.each(GOLDEN.map((row) => [row.name, row] as const))('%s', async (_label, row) => {
      const store = await make();
      const answers: string[] = [];
      for (const m of row.messages) answers.push(answer(await store.apply(m.id, m.effects)));
      const state: Record<string, string> = {};
      for (const p of Object.keys(row.state)) state[p] = await stateOf(store, p);
      expect({ answers, state }).toEqual({ answers: row.answers, state: row.state });
    });
  });
}
