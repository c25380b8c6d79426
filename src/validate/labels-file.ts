import { readFileSync } from 'node:fs';
import { SentinelError } from '../errors.js';
import { formatLabelProblems, parseLabels, type LabelSet } from './labels.js';

/** Reads and checks a labels CSV (docs/validation.md); every problem is named at once, as INPUT_UNREADABLE. */
export function readLabelsFile(path: string): LabelSet {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SentinelError('INPUT_UNREADABLE', `cannot read labels ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const parsed = parseLabels(text);
  if (parsed.labels === null) throw new SentinelError('INPUT_UNREADABLE', `labels ${path} are invalid:\n${formatLabelProblems(path, parsed.problems)}`);
  return parsed.labels;
}
