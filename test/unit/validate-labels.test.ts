import { describe, expect, it } from 'vitest';
import { readCsv } from '../../src/validate/csv.js';
import { formatLabelProblems, parseLabels, type LabelProblem, type LabelSet } from '../../src/validate/labels.js';

function ok(text: string): LabelSet {
  const r = parseLabels(text);
  if (r.labels === null) throw new Error(formatLabelProblems('labels.csv', r.problems));
  return r.labels;
}

function problems(text: string): LabelProblem[] {
  const r = parseLabels(text);
  expect(r.labels).toBeNull();
  return r.problems;
}

describe('when a label file is read', () => {
  it('reads every column, in any order, into typed labels', () => {
    const labels = ok([
      'outcome,patient_key,neuropathy,diagnosis_date,clinician,site',
      'poems,SYNTH|P000001,yes,2025-03-01,NEURO-A,SITE-1',
      'not-poems,SYNTH|P000002,no,,NEURO-B,SITE-1',
      'excluded,SYNTH|P000003,,,,',
    ].join('\n'));
    expect(labels.labels).toEqual([
      { patientKey: 'SYNTH|P000001', outcome: 'poems', diagnosisAt: '2025-03-01T00:00:00.000Z', neuropathy: true, clinician: 'NEURO-A', site: 'SITE-1', line: 2 },
      { patientKey: 'SYNTH|P000002', outcome: 'not-poems', neuropathy: false, clinician: 'NEURO-B', site: 'SITE-1', line: 3 },
      { patientKey: 'SYNTH|P000003', outcome: 'excluded', line: 4 },
    ]);
    expect(labels.byKey.get('SYNTH|P000002')?.outcome).toBe('not-poems');
    expect([...labels.columns].sort()).toEqual(['clinician', 'diagnosis_date', 'neuropathy', 'site']);
  });

  it('accepts a byte-order mark, CRLF, quoting, spaces, upper case and trailing empty cells', () => {
    const labels = ok('\uFEFFPatient_Key,Outcome,Clinician\r\n"SYNTH|P1", POEMS ,"NEURO, ""A"""\r\n\r\nSYNTH|P2,Not-Poems,NEURO-B,,\r\n');
    expect(labels.labels.map((l) => [l.patientKey, l.outcome, l.clinician])).toEqual([
      ['SYNTH|P1', 'poems', 'NEURO, "A"'],
      ['SYNTH|P2', 'not-poems', 'NEURO-B'],
    ]);
    expect(labels.columns.has('neuropathy')).toBe(false);
  });

  it('reads semicolon-separated files as spreadsheets write them in some locales, and skips # comments', () => {
    const labels = ok('# exported 2025-04-01\npatient_key;outcome;diagnosis_date\nSYNTH|P1;poems;2025-02-03T10:00:00+01:00\n');
    expect(labels.labels[0]).toMatchObject({ patientKey: 'SYNTH|P1', diagnosisAt: '2025-02-03T09:00:00.000Z', line: 3 });
  });

  it('numbers lines as an editor does, also after a quoted field with line breaks', () => {
    const p = problems('patient_key,outcome,clinician\nSYNTH|P1,poems,"two\nlines"\nSYNTH|P2,maybe,x\n');
    expect(p).toEqual([{ line: 4, column: 'outcome', message: 'must be one of poems, not-poems, excluded' }]);
  });
});

describe('when a label file is wrong', () => {
  it('lists every bad row with its line and column', () => {
    const p = problems([
      'patient_key,outcome,diagnosis_date,neuropathy',
      'P000001,poems,,yes',
      'SYNTH|P2,poems,2025-02-31,yes',
      'SYNTH|P3,not-poems,2025-01-01,',
      'SYNTH|P4,poems,,perhaps',
      'SYNTH|P5,poems,,yes',
      'SYNTH|P5,not-poems,,no',
    ].join('\n'));
    expect(p.map((x) => [x.line, x.column])).toEqual([[2, 'patient_key'], [3, 'diagnosis_date'], [4, 'diagnosis_date'], [5, 'neuropathy'], [7, 'patient_key']]);
    expect(p[0]?.message).toMatch(/AUTHORITY\|ID/);
    expect(p[2]?.message).toMatch(/outcome poems only/);
    expect(p[4]?.message).toBe('patient SYNTH|P5 is already labelled on line 6');
  });

  it('names unknown, repeated and missing columns on the header line', () => {
    expect(problems('patient_key,result,diagnosis date\nSYNTH|P1,poems,\n').map((x) => x.message)).toEqual([
      'unknown column "result" (columns: patient_key, outcome, diagnosis_date, neuropathy, clinician, site)',
      'unknown column "diagnosis date" (columns: patient_key, outcome, diagnosis_date, neuropathy, clinician, site)',
      'missing required column "outcome"',
    ]);
    expect(problems('patient_key,outcome,outcome\n')[0]?.message).toBe('column "outcome" appears twice');
  });

  it('rejects rows with missing or extra fields, unclosed quotes, stray quotes and empty files', () => {
    expect(problems('patient_key,outcome,site\nSYNTH|P1,poems\n')).toEqual([{ line: 2, message: 'expected 3 fields as in the header, found 2' }]);
    expect(problems('patient_key,outcome\nSYNTH|P1,poems,extra\n')[0]?.line).toBe(2);
    expect(problems('patient_key,outcome\nSYNTH|P1,"poems\n')).toEqual([{ line: 2, message: 'a quoted field is not closed before the end of the file' }]);
    expect(problems('patient_key,outcome\nSYNTH|P1,po"ems\n')[0]?.message).toMatch(/quote inside an unquoted field/);
    expect(problems('')[0]?.message).toMatch(/empty/);
    expect(problems('patient_key,outcome\n')[0]?.message).toBe('no label rows after the header');
  });

  it('formats problems for the terminal and caps the list', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ line: i + 2, column: 'outcome', message: 'bad' }));
    const text = formatLabelProblems('labels.csv', many);
    expect(text.split('\n')[0]).toBe('  labels.csv line 2, outcome: bad');
    expect(text).toMatch(/… and 5 more$/);
  });
});

describe('when the CSV reader meets edge cases', () => {
  it('keeps empty fields, quoted delimiters and CR-only line ends', () => {
    const r = readCsv('a,b,c\r"1,2",,3\r');
    expect(r.records).toEqual([{ line: 1, cells: ['a', 'b', 'c'] }, { line: 2, cells: ['1,2', '', '3'] }]);
  });
});
