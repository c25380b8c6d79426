import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { loadProfile } from '../config/load-profile.js';
import type { SiteProfile } from '../config/profile.schema.js';
import { SentinelError } from '../errors.js';
import { readLabelsFile } from '../validate/labels-file.js';
import type { RunResult } from '../validate/patient-result.js';
import { buildReport } from '../validate/report.js';
import { renderHtml } from '../validate/report-html.js';
import { ValidationReport } from '../validate/report.schema.js';
import { renderText } from '../validate/report-text.js';
import { replayForValidation } from '../app/validation-replay.js';
import { EXIT, parse, type Output } from './usage.js';

export const VALIDATE_HELP = `Usage: poems-sentinel validate <files or dirs...> --labels FILE [options]

Replays a feed whose patients have known outcomes and reports how the rule performs: the 2×2
table, sensitivity, specificity, PPV and NPV with Wilson 95 % intervals at each alert tier, alerts
per 1,000 neuropathy patients and per clinician per week, and lead times. With --compare it
replays the feed a second time under another profile and lists the patients that change, with
McNemar's test. The replays use temporary stores; nothing else is written unless asked.

Options:
  --labels FILE      reference labels, CSV (see docs/validation.md): patient_key, outcome
                     (poems | not-poems | excluded), optional diagnosis_date, neuropathy,
                     clinician, site
  --profile FILE     site profile of run A (default: the built-in profile)
  --compare FILE     site profile of run B
  --json FILE        write the report as JSON (schema poems-sentinel/validation-report@1)
  --html FILE        write the report as one self-contained HTML page with plots
  -h, --help         this help

Exit status: 0 when the report was produced, 2 for bad usage, unreadable input or bad labels
(each problem with its line number), 1 otherwise.`;

export async function validateCommand(args: string[], io: Output, log: Logger): Promise<number> {
  const { values, positionals } = parse(args, {
    labels: { type: 'string' },
    profile: { type: 'string' },
    compare: { type: 'string' },
    json: { type: 'string' },
    html: { type: 'string' },
  });
  if (values.help) {
    io.out(VALIDATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new SentinelError('USAGE', 'validate needs at least one feed file or directory');
  if (!values.labels) throw new SentinelError('USAGE', 'validate needs --labels FILE');
  // Everything that can be wrong with the inputs is reported before the first replay starts.
  const labels = readLabelsFile(values.labels);
  for (const out of [values.json, values.html]) if (out && !existsSync(dirname(out))) throw new SentinelError('USAGE', `cannot write ${out}: no such directory`);
  const profiles: SiteProfile[] = [loadProfile(values.profile)];
  if (values.compare) profiles.push(loadProfile(values.compare));

  const runs: RunResult[] = [];
  for (const profile of profiles) runs.push(await replayInTempStore(positionals, profile, log));
  const report = ValidationReport.parse(buildReport({ runs, labels, generatedAt: new Date().toISOString() }));

  io.out(renderText(report));
  if (values.json) write(values.json, `${JSON.stringify(report, null, 2)}\n`);
  if (values.html) write(values.html, renderHtml(report));
  for (const [flag, path] of [['JSON', values.json], ['HTML', values.html]] as const) if (path) io.out(`${flag} report written to ${path}`);
  return EXIT.ok;
}

async function replayInTempStore(inputs: string[], profile: SiteProfile, log: Logger): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-validate-'));
  try {
    return await replayForValidation({ inputs, dbPath: join(dir, 'state.db'), profile, log });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function write(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EISDIR' || code === 'ENOENT' || code === 'ENOTDIR') throw new SentinelError('USAGE', `cannot write ${path}: ${code}`);
    throw err;
  }
}
