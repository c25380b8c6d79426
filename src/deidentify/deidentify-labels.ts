import { DAY_MS } from './message-order.js';
import type { Label, LabelSet } from '../validate/labels.js';

/** What the run knows of a labelled patient. */
export interface LabelKeys {
  /** the patient's key in the copy, as the product computes it there */
  keyOf(patientKey: string): string;
  /** the days the patient's dates moved (the offset of their group) */
  offsetDays(patientKey: string): number;
  /** a keyed pseudonym of a free-text value (a clinician's name) */
  pseudonym(value: string): string;
}

export interface LabelsResult {
  csv: string;
  /** diagnosis dates moved with the patient's dates (pseudonymised) or removed (Safe Harbor) */
  diagnosisDates: number;
}

/**
 * The reference labels of a feed (docs/validation.md) for its de-identified copy, so that
 * `validate` on the copy judges the same patients: patient keys become the copy's keys, a
 * diagnosis date moves by the patient's own offset (lead times stay what they were; a
 * diagnosis date left unshifted would give it away, and be up to a year off), clinicians (staff
 * names) become keyed pseudonyms that still group their patients. Outcome, neuropathy and site
 * are kept. In Safe Harbor mode a diagnosis date is a date element and is removed. Pure.
 */
export function deidentifyLabels(labels: LabelSet, keys: LabelKeys, safeHarbor: boolean): LabelsResult {
  const columns = ['patient_key', 'outcome', ...['diagnosis_date', 'neuropathy', 'clinician', 'site'].filter((c) => labels.columns.has(c as never))];
  let diagnosisDates = 0;
  const rows = labels.labels.map((l) => {
    if (l.diagnosisAt !== undefined) diagnosisDates += 1;
    const cells: Record<string, string> = {
      patient_key: keys.keyOf(l.patientKey),
      outcome: l.outcome,
      diagnosis_date: safeHarbor || l.diagnosisAt === undefined ? '' : shiftedDate(l, keys.offsetDays(l.patientKey)),
      neuropathy: l.neuropathy === undefined ? '' : l.neuropathy ? 'yes' : 'no',
      clinician: l.clinician === undefined ? '' : keys.pseudonym(l.clinician),
      site: l.site ?? '',
    };
    return columns.map((c) => csvCell(cells[c] ?? '')).join(',');
  });
  return { csv: `${columns.join(',')}\n${rows.map((r) => `${r}\n`).join('')}`, diagnosisDates };
}

/** A date stays a date (YYYY-MM-DD), an instant an instant. */
function shiftedDate(l: Label, days: number): string {
  const at = new Date(Date.parse(l.diagnosisAt as string) + days * DAY_MS).toISOString();
  return at.endsWith('T00:00:00.000Z') ? at.slice(0, 10) : at;
}

function csvCell(value: string): string {
  return /[",\r\n;\t]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}
