import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { ERROR_CODES } from '../../src/errors.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { extractEffects } from '../../src/extract/extract-message.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { Hl7Splitter } from '../../src/hl7/split.js';
import { SentinelError } from '../../src/errors.js';
import { CORPUS_DIR, corpusManifest } from '../support/corpus.js';

const profile = compileProfile(DEFAULT_PROFILE);

/** Every item of a file: accepted, or rejected with a catalogue code. Throws only on a crash. */
export function outcomes(bytes: Buffer): { accepted: number; rejected: string[] } {
  const splitter = new Hl7Splitter();
  const items = [...splitter.push(bytes), ...splitter.end()];
  const result = { accepted: 0, rejected: [] as string[] };
  for (const item of items) {
    if (item.kind === 'reject') {
      result.rejected.push(item.code);
      continue;
    }
    try {
      extractEffects(parseMessage(item.text), profile, '2025-01-01T00:00:00.000Z');
      result.accepted += 1;
    } catch (err) {
      if (!(err instanceof SentinelError)) throw err;
      result.rejected.push(err.code);
    }
  }
  return result;
}

const manifest = corpusManifest();

describe.skipIf(!CORPUS_DIR)('the public HL7 corpus (../shared/corpus/public-hl7)', () => {
  it('has all 92 files', () => {
    expect(manifest).toHaveLength(92);
  });

  describe.each(manifest)('$file ($expect)', (entry) => {
    const bytes = readFileSync(`${CORPUS_DIR}/${entry.file}`);

    it('is accepted or rejected with a catalogue code, never crashing', () => {
      const r = outcomes(bytes);
      // only an empty batch envelope (FHS/BHS/BTS/FTS and nothing else) yields no item at all
      if (r.accepted + r.rejected.length === 0) expect(bytes.toString('latin1')).toMatch(/^(\ufeff|\xef\xbb\xbf)?FHS/);
      for (const code of r.rejected) expect(Object.keys(ERROR_CODES)).toContain(code);
    });

    if (entry.expect === 'VALID') {
      it('is accepted whole', () => {
        expect(outcomes(bytes).rejected).toEqual([]);
      });
    } else if (!entry.recoverable) {
      it('is rejected with a code', () => {
        expect(outcomes(bytes).rejected.length).toBeGreaterThan(0);
      });
    }
  });
});
