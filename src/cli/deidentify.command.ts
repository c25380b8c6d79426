import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadProfile } from '../config/load-profile.js';
import { deidentifyFiles, REPORT_FILE } from '../deidentify/deidentify-files.js';
import { MIN_KEY_BYTES } from '../deidentify/keyed-hash.js';
import { SentinelError } from '../errors.js';
import type { LabelSet } from '../validate/labels.js';
import { readLabelsFile } from '../validate/labels-file.js';
import { progressBar } from './progress.js';
import { EXIT, parse, type Output } from './usage.js';

export const DEIDENTIFY_HELP = `Usage: poems-sentinel deidentify <files or dirs...> --out DIR --key-file K [--labels FILE] [--safe-harbor]

Pseudonymises HL7 v2 files for testing the rule on a hospital's own feed: identifiers become
keyed pseudonyms (HMAC-SHA256 under the key; the same key gives the same pseudonyms in every
run), every date of a patient moves by one offset of 1-365 days, names, addresses, telephone
numbers and e-mail addresses are removed, ZIP codes keep three digits, ages over 89 are grouped
and free text is scrubbed. One output file per input under --out, in the order of the shifted
times (a patient's messages keep their order), with a timing sidecar <file>.timing holding the
original spacing for replay --speed; and ${REPORT_FILE}.

The output is pseudonymised data (for Expert Determination or internal testing), not HIPAA Safe
Harbor. --safe-harbor also reduces every date to its year and drops report text; the rule then
still reads coded results and diagnoses, but no report text (see docs/deidentify.md).

Options:
  --out DIR          where the de-identified files and the report go (required)
  --key-file K       the secret key, at least ${MIN_KEY_BYTES} bytes (required; e.g.
                     "openssl rand -hex 32 > K"); never written to output or logs
  --labels FILE      reference labels of the feed (validate's CSV): written under --out for the
                     copy, with its patient keys, diagnosis dates moved with each patient's dates
                     and clinicians pseudonymised
  --safe-harbor      dates to the year, report text dropped, no timing sidecar, patients in a
                     keyed random order (labels lose their diagnosis dates)
  --profile FILE     site profile (its identity rules say who a message's patient is; default: built-in)
  -h, --help         this help

Exit status: 0 when every file was processed (unparseable messages are reported, never copied),
2 for bad usage, unreadable input or a missing or short key, 1 otherwise.`;

export async function deidentifyCommand(args: string[], io: Output, log: Logger): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string' },
    'key-file': { type: 'string' },
    'safe-harbor': { type: 'boolean' },
    profile: { type: 'string' },
    labels: { type: 'string' },
  });
  if (values.help) {
    io.out(DEIDENTIFY_HELP);
    return EXIT.ok;
  }
  if (!values['key-file']) throw new SentinelError('USAGE', 'deidentify refuses to run without --key-file (a secret of at least 32 bytes)');
  if (!values.out) throw new SentinelError('USAGE', '--out DIR is required');
  if (positionals.length === 0) throw new SentinelError('USAGE', 'deidentify needs at least one file or directory');
  const labels = values.labels === undefined ? undefined : readLabels(values.labels);
  const key = await readKey(values['key-file']);
  const profile = loadProfile(values.profile);
  const bar = progressBar(process.stderr, 'deidentify');
  const report = await deidentifyFiles({
    inputs: positionals,
    outDir: values.out,
    key,
    safeHarbor: values['safe-harbor'] === true,
    identity: profile.identity,
    log,
    now: new Date(),
    ...(labels ? { labels } : {}),
    onProgress: bar,
  });
  key.fill(0);
  bar.finish();
  const row = (label: string, value: string | number): void => io.out(`${`${label}:`.padEnd(20)}${value}`);
  const rejected = Object.values(report.messages.rejected).reduce((a, b) => a + (b ?? 0), 0);
  row('mode', report.mode);
  row('files', report.files.length);
  row('messages read', report.messages.read);
  row('written', report.messages.written);
  row('rejected', `${rejected} (not copied)`);
  for (const [code, n] of Object.entries(report.messages.rejected).sort()) io.out(`  ${code.padEnd(24)} ${n}`);
  row('patients', report.patients);
  const sidecars = report.files.filter((f) => f.timing !== null).length;
  row('timing', sidecars > 0 ? `${sidecars} sidecar${sidecars === 1 ? '' : 's'} (<file>.timing: the original spacing, for replay --speed)` : 'none (Safe Harbor)');
  if (report.labels) row('labels', `${report.labels.output} (${report.labels.rows} patients, ${report.labels.notInFeed} not in the feed)`);
  row('report', join(values.out, REPORT_FILE));
  row('throughput', `${report.messagesPerSecond} messages/s (${report.seconds.toFixed(2)} s)`);
  return EXIT.ok;
}

function readLabels(path: string): LabelSet & { path: string } {
  return { ...readLabelsFile(path), path };
}

/** The key file's bytes, without one trailing line end (keys are often written with echo). */
async function readKey(path: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new SentinelError('INPUT_UNREADABLE', `cannot read the key file: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const end = bytes.length - (bytes.subarray(-2).toString('latin1') === '\r\n' ? 2 : bytes.subarray(-1).toString('latin1') === '\n' ? 1 : 0);
  const key = Buffer.from(bytes.subarray(0, end));
  bytes.fill(0);
  if (key.length < MIN_KEY_BYTES) throw new SentinelError('USAGE', `the key file holds ${key.length} bytes; at least ${MIN_KEY_BYTES} are needed`);
  return key;
}
