/**
 * What a coded immunofixation value says on its own (spec §1 `clone`): a CE/CWE code or a
 * one-word string such as POS, Positive, Detected is a monoclonal protein (untyped unless the
 * report's text names the chains); NEG, Negative, Not detected is none. Anything longer is
 * report text, read by the text engine.
 */
export type IfeOutcome = 'positive' | 'negative' | 'unstated';

const POSITIVE = new Set([
  'POS', 'POSITIVE', 'DET', 'DETECTED', 'PRESENT', 'ABN', 'ABNORMAL', 'A', 'MONOCLONAL', 'M-PROTEIN DETECTED',
  'MONOCLONAL PROTEIN DETECTED', 'PARAPROTEIN DETECTED', 'PARAPROTEIN PRESENT', 'MONOCLONAL BAND DETECTED',
  // SNOMED CT qualifier values: positive, detected, present
  '10828004', '260373001', '52101004',
]);
const NEGATIVE = new Set([
  'NEG', 'NEGATIVE', 'ND', 'NOT DETECTED', 'NONE DETECTED', 'NORMAL', 'N', 'ABSENT', 'NO MONOCLONAL PROTEIN DETECTED',
  // SNOMED CT qualifier values: negative, not detected, absent
  '260385009', '260415000', '2667000',
]);

export function ifeOutcome(value: string): IfeOutcome {
  const v = value.trim().replace(/[.!]+$/, '').replace(/\s+/g, ' ').toUpperCase();
  if (POSITIVE.has(v)) return 'positive';
  if (NEGATIVE.has(v)) return 'negative';
  return 'unstated';
}
