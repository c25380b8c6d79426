import { describe, expect, it } from 'vitest';
import { deidentifyLabels, type LabelKeys } from '../../src/deidentify/deidentify-labels.js';
import { parseLabels, type LabelSet } from '../../src/validate/labels.js';

function labels(text: string): LabelSet {
  const parsed = parseLabels(text);
  if (parsed.labels === null) throw new Error(JSON.stringify(parsed.problems));
  return parsed.labels;
}

const keys: LabelKeys = {
  keyOf: (k) => `${k.split('|')[0]}|X${k.length}`,
  offsetDays: (k) => (k.endsWith('1') ? -10 : -200),
  pseudonym: (v) => v.split('').reverse().join(''),
};

describe('when reference labels are written for a de-identified copy', () => {
  const input = labels(
    'patient_key,outcome,diagnosis_date,neuropathy,clinician,site\n' +
      'SYNTH|P000001,poems,2025-03-01,yes,"Dr Smith, Neuro",SITE-1\n' +
      'SYNTH|P000002,poems,2025-03-01T10:30:00Z,,NEURO-B,SITE-1\n' +
      'SYNTH|P000003,not-poems,,no,,SITE-2\n',
  );

  it('gives the copy’s keys, moves diagnosis dates with each patient’s dates, pseudonymises clinicians, keeps the rest', () => {
    const { csv, diagnosisDates } = deidentifyLabels(input, keys, false);
    expect(csv).toBe(
      'patient_key,outcome,diagnosis_date,neuropathy,clinician,site\n' +
        'SYNTH|X13,poems,2025-02-19,yes,"orueN ,htimS rD",SITE-1\n' +
        'SYNTH|X13,poems,2024-08-13T10:30:00.000Z,,B-ORUEN,SITE-1\n' +
        'SYNTH|X13,not-poems,,no,,SITE-2\n',
    );
    expect(diagnosisDates).toBe(2);
  });

  it('writes a file that validate reads, with only the columns the input had', () => {
    const narrow = labels('outcome,patient_key\npoems,SYNTH|P000001\n');
    const { csv } = deidentifyLabels(narrow, keys, false);
    expect(csv).toBe('patient_key,outcome\nSYNTH|X13,poems\n');
    expect(parseLabels(deidentifyLabels(input, { ...keys, keyOf: (k) => k }, false).csv).labels?.labels).toHaveLength(3);
  });

  it('removes diagnosis dates in Safe Harbor mode', () => {
    const { csv } = deidentifyLabels(input, keys, true);
    expect(csv.split('\n').slice(1, 3).map((l) => l.split(',')[2])).toEqual(['', '']);
  });
});
