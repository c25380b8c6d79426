import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The shared public corpus, read from ../shared beside the checkout (CI lays it there). */
export const CORPUS_DIR = [resolve(process.cwd(), '../shared/corpus/public-hl7'), resolve(process.cwd(), '../../shared/corpus/public-hl7')].find((d) => existsSync(d));

export interface CorpusEntry { file: string; expect: 'VALID' | 'MALFORMED'; recoverable: boolean; description: string }

export function corpusManifest(): CorpusEntry[] {
  if (!CORPUS_DIR) return [];
  return JSON.parse(readFileSync(`${CORPUS_DIR}/manifest.json`, 'utf8')) as CorpusEntry[];
}
