import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
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
import { messagePatients, PatientGroups } from './patient-groups.js';
import { IdentifierPseudonyms } from './pseudonym.js';
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
  const jobs = await plan(o.inputs, o.outDir);
  const identity = compileIdentity(o.identity);
  const log = o.log.child({ component: 'deidentify' });
  const groups = await linkPatients(jobs, identity);

  const run: RunContext = {
    identity,
    groups,
    offsetOf: offsetCache(hash),
    pseudonyms: new IdentifierPseudonyms(hash),
    counts: new ReplacementCounts(),
    fallbackDate: { y: o.now.getUTCFullYear(), m: o.now.getUTCMonth() + 1, d: o.now.getUTCDate() },
    safeHarbor: o.safeHarbor,
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
  const offsets = new Map<string, number>();
  return (label) => {
    let days = offsets.get(label);
    if (days === undefined) {
      days = offsetDaysFrom(hash.int48(label));
      if (offsets.size >= 200_000) offsets.clear();
      offsets.set(label, days);
    }
    return days;
  };
}

/** The second reading of one input: its de-identified copy, message by message. */
async function deidentifyFile(job: Job, run: RunContext, progress: (fileBytes: number, messages: number) => void): Promise<FileReport> {
  const report: FileReport = { input: job.input, output: job.output, messagesRead: 0, messagesWritten: 0, rejected: {} };
  const reject = (code: ErrorCode): void => {
    report.rejected[code] = (report.rejected[code] ?? 0) + 1;
  };
  await mkdir(dirname(job.output), { recursive: true });
  const out = createWriteStream(job.output, { highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, rejectWrite) => out.once('error', rejectWrite));
  failed.catch(() => {});
  const fileKey = basename(job.input);
  for await (const batch of readHl7File(job.input)) {
    let chunk = '';
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
      const days = run.offsetOf(key !== null ? `date-offset|${run.groups.representative(key)}` : `date-offset-facility|${msg.sendingFacility}|${fileKey}`);
      chunk += `${deidentifyMessage(msg, { pseudonyms: run.pseudonyms, days, safeHarbor: run.safeHarbor, fallbackDate: run.fallbackDate, counts: run.counts })}\r\n`;
      report.messagesWritten += 1;
    }
    if (chunk !== '') await write(out, chunk, failed);
    progress(bytes, report.messagesRead);
  }
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return report;
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
async function plan(inputs: readonly string[], outDir: string): Promise<Job[]> {
  const jobs: Job[] = [];
  const outputs = new Set<string>([resolve(outDir, REPORT_FILE)]);
  for (const input of inputs) {
    const files = await expandInputs([input]);
    const isDir = (await stat(input)).isDirectory();
    for (const file of files) {
      const output = resolve(outDir, isDir ? relative(input, file) : basename(file));
      if (outputs.has(output)) throw new SentinelError('USAGE', `two inputs would be written to the same output file ${output}`);
      outputs.add(output);
      jobs.push({ input: file, output });
    }
  }
  const inputSet = new Set(jobs.map((j) => resolve(j.input)));
  for (const j of jobs) if (inputSet.has(j.output)) throw new SentinelError('USAGE', `--out would overwrite the input ${j.input}`);
  return jobs;
}

async function write(out: WriteStream, chunk: string, failed: Promise<never>): Promise<void> {
  if (!out.write(chunk, 'utf8')) await Promise.race([once(out, 'drain'), failed]);
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}
