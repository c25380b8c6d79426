import { describe, expect, it } from 'vitest';
import { KeyedHash } from '../../src/deidentify/keyed-hash.js';
import { IdentifierPseudonyms } from '../../src/deidentify/pseudonym.js';

const KEY = Buffer.from('unit-test-key-unit-test-key-unit-test', 'utf8');
const shape = (s: string): string => s.replace(/[0-9]/g, '9').replace(/[A-Z]/g, 'A').replace(/[a-z]/g, 'a');

describe('when identifiers are pseudonymised', () => {
  const p = new IdentifierPseudonyms(new KeyedHash(KEY));

  it('keeps the length, the punctuation and the class of every character', () => {
    for (const id of ['P000001', '123-45-6789', 'LAB0000123-04', 'e167267c-16c9-4fe3-96ae-9cff5703e90a', 'SG6VIO0000001000', 'Visit_0d70c6c8', ' 42 ']) {
      const out = p.of(id);
      expect(shape(out), id).toBe(shape(id));
      expect(out, id).not.toBe(id);
    }
  });

  it('is a permutation without fixed points: two identifiers never share a pseudonym, none is its own', () => {
    for (const width of [1, 2, 3]) {
      const all = Array.from({ length: 10 ** width }, (_, i) => String(i).padStart(width, '0'));
      const out = all.map((id) => p.of(id));
      expect(new Set(out).size).toBe(all.length);
      expect(new Set(out)).toEqual(new Set(all));
      expect(all.filter((id, i) => out[i] === id)).toEqual([]);
    }
    const letters = Array.from({ length: 26 * 26 }, (_, i) => String.fromCharCode(65 + Math.floor(i / 26), 65 + (i % 26)));
    expect(new Set(letters.map((id) => p.of(id))).size).toBe(letters.length);
  });

  it('is the same under the same key and different under another', () => {
    const again = new IdentifierPseudonyms(new KeyedHash(Buffer.from(KEY)));
    const other = new IdentifierPseudonyms(new KeyedHash(Buffer.from('another-key-another-key-another-key!!', 'utf8')));
    const ids = Array.from({ length: 200 }, (_, i) => `MRN${String(i * 7919).padStart(8, '0')}`);
    expect(ids.map((id) => again.of(id))).toEqual(ids.map((id) => p.of(id)));
    expect(ids.filter((id) => other.of(id) === p.of(id))).toEqual([]);
  });

  it('depends on the value only, so a merge (MRG-1) meets the patient identifier (PID-3)', () => {
    expect(p.of('Q000002')).toBe(new IdentifierPseudonyms(new KeyedHash(KEY)).of('Q000002'));
  });

  it('handles identifiers too long for the permutation and letters outside ASCII', () => {
    const long = 'A1'.repeat(60);
    expect(shape(p.of(long))).toBe(shape(long));
    expect(p.of(long)).not.toBe(long);
    expect(shape(p.of('MÜLLER-7'))).toBe('AAAAAA-9');
    expect(p.of('---')).toBe('---');
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => new KeyedHash(Buffer.alloc(31))).toThrow(/32 bytes/);
  });
});
