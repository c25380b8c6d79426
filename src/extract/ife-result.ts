import type { TextFinding, TextNote } from './text/report-text.js';
import { readReportText } from './text/report-text.js';
import type { CompiledText } from './text/compile-text.js';
import { ifeOutcome } from './ife.js';

/** Every OBX line (any OBX-4) and NTE of one immunofixation observation: one report (spec §1.2). */
export interface IfeReport {
  /** the human text of every line, in order: OBX values, coded values' text, NTE-3 */
  lines: string[];
  /** coded values as sent (CE/CWE component 1, or a one-word string), for POS/NEG */
  codes: string[];
}

/**
 * An immunofixation result (serum 25700-6, urine 13440-3 or a local IFE code): always
 * `ifeDone` (any result, positive or negative, preliminary or final, spec §1), plus the clone
 * it reports. The text and the NTE are read together, so a band named on any line counts and a
 * coded negative does not cancel it; a coded POS with no chain named is an untyped clone.
 */
export function readIfeReport(report: IfeReport, t: CompiledText): { findings: TextFinding[]; notes: TextNote[] } {
  const interpretation = report.lines.join('\n');
  const reading = readReportText(interpretation, t, 'ife');
  const textClone = reading.findings.find((f) => f.kind === 'clone');
  const matched = clip(interpretation.replace(/\s+/g, ' ').trim() || report.codes.join(' '));
  const findings: TextFinding[] = [{ kind: 'ifeDone', certainty: 'definite', qualifiers: { matched } }];
  if (textClone !== undefined) {
    findings.push(textClone);
  } else if ([...report.codes, ...report.lines].some((v) => ifeOutcome(v) === 'positive')) {
    findings.push({ kind: 'clone', certainty: 'definite', qualifiers: { lightChain: 'unknown', heavyChain: 'unknown', method: 'ife', matched } });
  }
  // the interpretation may name other things too ("Clinical details: CIDP")
  for (const f of reading.findings) if (f.kind !== 'clone' && f.kind !== 'ifeDone') findings.push(f);
  return { findings, notes: reading.notes };
}

function clip(s: string): string {
  return s.length <= 120 ? s : `${s.slice(0, 119)}…`;
}
