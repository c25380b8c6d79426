/**
 * Reference labels for a validation run: one row per patient with the outcome a chart review (or
 * a registry) established. Format, documented in docs/validation.md:
 *
 *   patient_key,outcome,diagnosis_date,neuropathy,clinician,site
 *   SYNTH|P000001,poems,2025-03-01,yes,NEURO-A,SITE-1
 *   SYNTH|P000002,not-poems,,yes,NEURO-B,SITE-1
 *
 * - `patient_key` (required): the key as the product writes it, `AUTHORITY|ID` (surviving key
 *   after merges);
 * - `outcome` (required): `poems`, `not-poems`, or `excluded` (kept out of the 2×2, e.g. POEMS
 *   diagnosed before the feed starts, whose alert the rule suppresses by design, or an
 *   indeterminate reference);
 * - `diagnosis_date` (optional, only with `poems`): `YYYY-MM-DD` or an ISO 8601 instant;
 * - `neuropathy` (optional): yes/no (also y/n, true/false, 1/0); empty = unknown. The denominator
 *   of "alerts per 1,000 neuropathy patients";
 * - `clinician`, `site` (optional): free text; `clinician` is the denominator of "alerts per
 *   clinician per week".
 * Columns may come in any order; an unknown column is an error (a misspelt optional column would
 * otherwise be ignored silently).
 */
import { z } from 'zod';
import { readCsv } from './csv.js';

export const Outcome = z.enum(['poems', 'not-poems', 'excluded']);
export type Outcome = z.infer<typeof Outcome>;

export const Label = z.object({
  patientKey: z.string(),
  outcome: Outcome,
  /** ISO 8601 instant (a date alone is midnight UTC) */
  diagnosisAt: z.string().optional(),
  neuropathy: z.boolean().optional(),
  clinician: z.string().optional(),
  site: z.string().optional(),
  /** line of the label file, for messages */
  line: z.number().int().positive(),
});
export type Label = z.infer<typeof Label>;

export interface LabelSet {
  labels: Label[];
  byKey: ReadonlyMap<string, Label>;
  /** optional columns present in the file: a missing column makes its statistics "not available" */
  columns: ReadonlySet<OptionalColumn>;
}

export interface LabelProblem {
  line: number;
  column?: string;
  message: string;
}

const REQUIRED = ['patient_key', 'outcome'] as const;
const OPTIONAL = ['diagnosis_date', 'neuropathy', 'clinician', 'site'] as const;
type OptionalColumn = (typeof OPTIONAL)[number];
const COLUMNS: readonly string[] = [...REQUIRED, ...OPTIONAL];

const trimmed = z.string().transform((s) => s.trim());
const optionalText = trimmed.transform((s) => (s === '' ? undefined : s));

const PatientKeyCell = trimmed.pipe(
  z.string().regex(/^[^|]+\|[^|]+$/, 'must be AUTHORITY|ID, as the product writes it (e.g. "SYNTH|P000001")'),
);

const OutcomeCell = trimmed
  .transform((s) => s.toLowerCase())
  .pipe(z.enum(Outcome.options, { error: () => `must be one of ${Outcome.options.join(', ')}` }));

const YES = new Set(['yes', 'y', 'true', '1']);
const NO = new Set(['no', 'n', 'false', '0']);
const NeuropathyCell = trimmed.transform((s, ctx) => {
  const v = s.toLowerCase();
  if (v === '') return undefined;
  if (YES.has(v)) return true;
  if (NO.has(v)) return false;
  ctx.addIssue({ code: 'custom', message: 'must be yes or no (or empty when unknown)' });
  return z.NEVER;
});

/** A calendar date (midnight UTC) or an ISO instant with an offset; "2025-02-31" is not a date. */
const DateCell = trimmed.transform((s, ctx) => {
  if (s === '') return undefined;
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (date) {
    const [, y, m, d] = date.map(Number) as [number, number, number, number];
    const t = new Date(Date.UTC(y, m - 1, d));
    if (t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d) return t.toISOString();
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s))) {
    return new Date(s).toISOString();
  }
  ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD or an ISO 8601 instant with an offset' });
  return z.NEVER;
});

const Row = z
  .object({
    patient_key: PatientKeyCell,
    outcome: OutcomeCell,
    diagnosis_date: DateCell,
    neuropathy: NeuropathyCell,
    clinician: optionalText,
    site: optionalText,
  })
  .superRefine((row, ctx) => {
    if (row.diagnosis_date !== undefined && row.outcome !== 'poems') {
      ctx.addIssue({ code: 'custom', path: ['diagnosis_date'], message: `a diagnosis date belongs to outcome poems only, not ${row.outcome}` });
    }
  });

/** How many problems a message lists before it says "and N more". */
const MAX_PROBLEMS = 20;

/** Parses a label file strictly; every problem carries its line (and column when there is one). */
export function parseLabels(text: string): { labels: LabelSet; problems: [] } | { labels: null; problems: LabelProblem[] } {
  const csv = readCsv(text);
  if (csv.records === null) return { labels: null, problems: csv.problems };
  const [header, ...rows] = csv.records;
  if (header === undefined) return { labels: null, problems: [{ line: 1, message: `the file is empty: expected a header line "${COLUMNS.join(',')}"` }] };
  const names = header.cells.map((c) => c.trim().toLowerCase());
  const problems: LabelProblem[] = [];
  names.forEach((n, i) => {
    if (!COLUMNS.includes(n) && !(n === '' && i === names.length - 1)) problems.push({ line: header.line, message: `unknown column "${n}" (columns: ${COLUMNS.join(', ')})` });
    if (n !== '' && names.indexOf(n) !== i) problems.push({ line: header.line, message: `column "${n}" appears twice` });
  });
  for (const r of REQUIRED) if (!names.includes(r)) problems.push({ line: header.line, message: `missing required column "${r}"` });
  if (problems.length > 0) return { labels: null, problems };

  const labels: Label[] = [];
  const byKey = new Map<string, Label>();
  for (const record of rows) {
    const extra = record.cells.slice(names.length);
    // Spreadsheets often add trailing empty cells; anything else beyond the header is an error.
    if (record.cells.length < names.length || extra.some((c) => c.trim() !== '')) {
      problems.push({ line: record.line, message: `expected ${names.length} fields as in the header, found ${record.cells.length}` });
      continue;
    }
    const cells = Object.fromEntries(COLUMNS.map((c) => [c, record.cells[names.indexOf(c)] ?? '']));
    const parsed = Row.safeParse(cells);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push({ line: record.line, column: String(issue.path[0] ?? ''), message: issue.message });
      continue;
    }
    const r = parsed.data;
    const label: Label = {
      patientKey: r.patient_key,
      outcome: r.outcome,
      line: record.line,
      ...(r.diagnosis_date !== undefined ? { diagnosisAt: r.diagnosis_date } : {}),
      ...(r.neuropathy !== undefined ? { neuropathy: r.neuropathy } : {}),
      ...(r.clinician !== undefined ? { clinician: r.clinician } : {}),
      ...(r.site !== undefined ? { site: r.site } : {}),
    };
    const earlier = byKey.get(label.patientKey);
    if (earlier) {
      problems.push({ line: record.line, column: 'patient_key', message: `patient ${label.patientKey} is already labelled on line ${earlier.line}` });
      continue;
    }
    byKey.set(label.patientKey, label);
    labels.push(label);
  }
  if (problems.length === 0 && labels.length === 0) problems.push({ line: header.line, message: 'no label rows after the header' });
  if (problems.length > 0) return { labels: null, problems };
  const columns = new Set(OPTIONAL.filter((c) => names.includes(c)));
  return { labels: { labels, byKey, columns }, problems: [] };
}

/** "labels.csv line 4, outcome: must be one of …", at most MAX_PROBLEMS lines. */
export function formatLabelProblems(source: string, problems: readonly LabelProblem[]): string {
  const lines = problems.slice(0, MAX_PROBLEMS).map((p) => `  ${source} line ${p.line}${p.column ? `, ${p.column}` : ''}: ${p.message}`);
  if (problems.length > MAX_PROBLEMS) lines.push(`  … and ${problems.length - MAX_PROBLEMS} more`);
  return lines.join('\n');
}
