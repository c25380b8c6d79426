import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { IdentityProfile } from '../config/profile-identity.schema.js';
import { expandInputs, readHl7File } from '../consumers/file.consumer.js';
import { compileIdentity, type CompiledIdentity } from '../extract/patient.js';
import { SentinelError, type ErrorCode } from '../errors.js';
import { parseMessage } from '../hl7/parse.js';
import type { Hl7Message } from '../hl7/message.js';
import { offsetDaysFrom, type CalendarDate } from './dates.js';
import { deidentifyMessage } from './deidentify-message.js';
import { KeyedHash } from './keyed-hash.js';
import { LruCache } from './lru-cache.js';
import { patientOrder, shiftedArrivalOrder } from './message-order.js';
import { SortedOutput } from './sorted-output.js';
import { ArrivalClock, formatTiming, timingPath } from './timing-sidecar.js';
import { deidentifyLabels } from './deidentify-labels.js';
import type { LabelSet } from '../validate/labels.js';
import { messagePatients, PatientGroups } from './patient-groups.js';
import { IdentifierPseudonyms, pseudonymisedKey } from './pseudonym.js';
import { ReplacementCounts, type DeidentifyReport, type FileReport } from './report.js';

export const REPORT_FILE = 'deidentify-report.json';

export interface DeidentifyOptions {
  inputs: string[];
  outDir: string;
  /** the secret key (at least 32 bytes); never written anywhere */
  key: Buffer;
  safeHarbor: boolean;
  /** the site's patient identity rules (profile `identity`): who a message's patient is */
  identity: IdentityProfile;
  log: Logger;
  /** when the run started: ages are reckoned at it for a message without a readable MSH-7 */
  now: Date;
  /** reference labels of the feed (docs/validation.md), written for the copy under `outDir` with the same base name */
  labels?: LabelSet & { path: string };
  onProgress?: (done: number, total: number, messages: number) => void;
}

interface Job { input: string; output: string }

/**
 * `poems-sentinel deidentify`: reads every input twice. The first reading links patients
 * (merges, aliases) so that one person gets one date offset; the second writes one
 * de-identified file per input under `outDir`, and the report. Bytes that cannot be parsed are
 * counted with their error code and never copied.
 */
export async function deidentifyFiles(o: DeidentifyOptions): Promise<DeidentifyReport> {
  const started = performance.now();
  const hash = new KeyedHash(o.key);
  const labelsOut = o.labels ? join(o.outDir, basename(o.labels.path)) : null;
  const jobs = await plan(o.inputs, o.outDir, labelsOut === null ? null : resolve(labelsOut));
  const identity = compileIdentity(o.identity);
  const log = o.log.child({ component: 'deidentify' });
  const groups = await linkPatients(jobs, identity);

  const run: RunContext = {
    identity,
    groups,
    offsetOf: offsetCache(hash),
    rankOf: (label) => hash.int48(`order|${label}`),
    pseudonyms: new IdentifierPseudonyms(hash),
    counts: new ReplacementCounts(),
    fallbackDate: { y: o.now.getUTCFullYear(), m: o.now.getUTCMonth() + 1, d: o.now.getUTCDate() },
    safeHarbor: o.safeHarbor,
    labelled: new Map(o.labels?.labels.map((l) => [l.patientKey, null]) ?? []),
  };
  const files: FileReport[] = [];
  const totalBytes = (await Promise.all(jobs.map(async (j) => (await stat(j.input)).size))).reduce((a, b) => a + b, 0);
  let doneBytes = 0;
  let read = 0;
  for (const job of jobs) {
    const file = await deidentifyFile(job, run, (fileBytes, messages) => o.onProgress?.(doneBytes + fileBytes, totalBytes, read + messages));
    doneBytes += (await stat(job.input)).size;
    read += file.messagesRead;
    files.push(file);
    log.info({ messagesRead: file.messagesRead, messagesWritten: file.messagesWritten }, 'file de-identified');
  }

  let labels: DeidentifyReport['labels'] = null;
  if (o.labels && labelsOut) {
    const result = deidentifyLabels(o.labels, {
      // a patient seen in the feed has the key the product computed from their copied message; one not seen, the same rule on the key
      keyOf: (key) => run.labelled.get(key) ?? pseudonymisedKey(key, run.pseudonyms),
      offsetDays: (key) => run.offsetOf(`date-offset|${groups.representative(key)}`),
      pseudonym: (value) => run.pseudonyms.of(value),
    }, o.safeHarbor);
    await writeFile(labelsOut, result.csv);
    const inFeed = [...run.labelled.values()].filter((k) => k !== null).length;
    labels = { input: o.labels.path, output: labelsOut, rows: o.labels.labels.length, inFeed, notInFeed: o.labels.labels.length - inFeed, diagnosisDates: { [o.safeHarbor ? 'removed' : 'shifted']: result.diagnosisDates } };
  }
  const seconds = (performance.now() - started) / 1000;
  const rejected: Partial<Record<ErrorCode, number>> = {};
  for (const f of files) for (const [code, n] of Object.entries(f.rejected) as [ErrorCode, number][]) rejected[code] = (rejected[code] ?? 0) + n;
  const report: DeidentifyReport = {
    tool: 'poems-sentinel deidentify',
    mode: o.safeHarbor ? 'safe-harbor' : 'pseudonymised',
    keyId: hash.mac('key-id').toString('hex').slice(0, 16),
    files,
    messages: { read, written: files.reduce((n, f) => n + f.messagesWritten, 0), rejected },
    patients: groups.count(),
    replacements: { bySegmentField: sortKeys(run.counts.byField), byAction: sortKeys(run.counts.byAction) },
    droppedSegments: sortKeys(run.counts.droppedSegments),
    labels,
    seconds,
    messagesPerSecond: Math.round(read / Math.max(seconds, 1e-9)),
  };
  await writeFile(join(o.outDir, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

interface RunContext {
  identity: CompiledIdentity;
  groups: PatientGroups;
  offsetOf: (label: string) => number;
  /** the labelled patients' keys, and their key in the copy once one of their messages was copied */
  labelled: Map<string, string | null>;
  /** Safe Harbor order: a patient's keyed random rank */
  rankOf: (label: string) => number;
  pseudonyms: IdentifierPseudonyms;
  counts: ReplacementCounts;
  fallbackDate: CalendarDate;
  safeHarbor: boolean;
}

/** The first reading: which keys the product joins (merges, aliases), so one person gets one offset. */
async function linkPatients(jobs: readonly Job[], identity: CompiledIdentity): Promise<PatientGroups> {
  const groups = new PatientGroups();
  for (const job of jobs) {
    for await (const batch of readHl7File(job.input)) for (const { item } of batch) {
      if (item.kind !== 'message') continue;
      const msg = parseOrCode(item.text);
      if (typeof msg === 'string') continue;
      const { key, linked } = messagePatients(msg, identity);
      if (key === null) continue;
      groups.see(key);
      for (const other of linked) groups.link(key, other);
    }
  }
  return groups;
}

/** Date offsets by label, drawn once each (a patient's messages are many). */
function offsetCache(hash: KeyedHash): (label: string) => number {
  const offsets = new LruCache<number>(200_000);
  return (label) => {
    let days = offsets.get(label);
    if (days === undefined) {
      days = offsetDaysFrom(hash.int48(label));
      offsets.set(label, days);
    }
    return days;
  };
}

/**
 * The second reading of one input: its de-identified copy, in the order of message-order.ts,
 * and (pseudonymised copies) the timing sidecar with the original spacing.
 */
async function deidentifyFile(job: Job, run: RunContext, progress: (fileBytes: number, messages: number) => void): Promise<FileReport> {
  const report: FileReport = { input: job.input, output: job.output, timing: run.safeHarbor ? null : timingPath(job.output), messagesRead: 0, messagesWritten: 0, rejected: {} };
  const reject = (code: ErrorCode): void => {
    report.rejected[code] = (report.rejected[code] ?? 0) + 1;
  };
  await mkdir(dirname(job.output), { recursive: true });
  const sorted = new SortedOutput(dirname(job.output));
  const clock = new ArrivalClock();
  const fileKey = basename(job.input);
  try {
    for await (const batch of readHl7File(job.input)) {
      let bytes = 0;
      for (const { item, bytesRead } of batch) {
        bytes = bytesRead;
        report.messagesRead += 1;
        if (item.kind === 'reject') {
          reject(item.code);
          continue;
        }
        const msg = parseOrCode(item.text);
        if (typeof msg === 'string') {
          reject(msg);
          continue;
        }
        const { key } = messagePatients(msg, run.identity);
        // a message without a patient (an instrument result, an ACK) moves with its facility and file
        const label = key !== null ? run.groups.representative(key) : `${msg.sendingFacility}|${fileKey}`;
        const days = run.offsetOf(key !== null ? `date-offset|${label}` : `date-offset-facility|${label}`);
        const text = deidentifyMessage(msg, { pseudonyms: run.pseudonyms, days, safeHarbor: run.safeHarbor, fallbackDate: run.fallbackDate, counts: run.counts });
        if (key !== null && run.labelled.get(key) === null) run.labelled.set(key, messagePatients(parseMessage(text), run.identity).key);
        const sent = msg.messageTime === '' ? null : Date.parse(msg.messageTime);
        const arrival = clock.see(sent);
        const order = run.safeHarbor ? patientOrder(run.rankOf(label)) : shiftedArrivalOrder(arrival, days);
        if (sorted.add(order.bucket, order.key, text)) await sorted.spill();
        report.messagesWritten += 1;
      }
      progress(bytes, report.messagesRead);
    }
    await writeSorted(job.output, sorted);
  } finally {
    await sorted.close();
  }
  const sidecar = timingPath(job.output);
  if (run.safeHarbor) await rm(sidecar, { force: true });
  else await writeFile(sidecar, formatTiming({ gaps: clock.gaps, bytes: (await stat(job.output)).size }));
  return report;
}

async function writeSorted(path: string, sorted: SortedOutput): Promise<void> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, rejectWrite) => out.once('error', rejectWrite));
  failed.catch(() => {});
  await sorted.drain((chunk) => write(out, chunk, failed));
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
}

/** A parsed message, or the error code of a message that can never be used. */
function parseOrCode(text: string): Hl7Message | ErrorCode {
  try {
    return parseMessage(text);
  } catch (err) {
    if (err instanceof SentinelError) return err.code;
    throw err;
  }
}

/**
 * One output per input file: a file given by name is written under its base name, a file found
 * in a directory under its path relative to that directory. Two inputs that would write the same
 * output, or an output that would overwrite an input, are bad usage.
 */
async function plan(inputs: readonly string[], outDir: string, labelsOut: string | null): Promise<Job[]> {
  const jobs: Job[] = [];
  const outputs = new Set<string>([resolve(outDir, REPORT_FILE), ...(labelsOut ? [labelsOut] : [])]);
  for (const input of inputs) {
    const files = await expandInputs([input]);
    const isDir = (await stat(input)).isDirectory();
    for (const file of files) {
      const output = resolve(outDir, isDir ? relative(input, file) : basename(file));
      if (outputs.has(output) || outputs.has(timingPath(output))) throw new SentinelError('USAGE', `two inputs would be written to the same output file ${output}`);
      outputs.add(output);
      outputs.add(timingPath(output));
      jobs.push({ input: file, output });
    }
  }
  const inputSet = new Set(jobs.map((j) => resolve(j.input)));
  for (const j of jobs) if (inputSet.has(j.output) || inputSet.has(timingPath(j.output))) throw new SentinelError('USAGE', `--out would overwrite the input ${j.input}`);
  if (labelsOut && inputSet.has(labelsOut)) throw new SentinelError('USAGE', `--out would overwrite the input ${labelsOut}`);
  return jobs;
}

async function write(out: WriteStream, chunk: string, failed: Promise<never>): Promise<void> {
  if (!out.write(chunk, 'utf8')) await Promise.race([once(out, 'drain'), failed]);
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
