import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { offsetDaysFrom } from '../../src/deidentify/dates.js';
import { KeyedHash } from '../../src/deidentify/keyed-hash.js';
import { LruCache } from '../../src/deidentify/lru-cache.js';
import { IdentifierPseudonyms } from '../../src/deidentify/pseudonym.js';
import { mulberry32 } from '../../src/generate/synthetic-feed.js';

const rng = mulberry32(20250106);
const ALPHABET = 'abcXYZ0123456789|-^&~ éüλ中\u{1F600}';
function randomText(length: number): string {
  const chars = [...ALPHABET];
  return Array.from({ length }, () => chars[Math.floor(rng() * chars.length)]).join('');
}

describe('when HMAC-SHA256 is computed from the precomputed key blocks', () => {
  it('equals node:crypto for keys of 32 to 100 bytes and messages of 0 to 300 characters, ASCII or not', () => {
    for (const keyLength of [32, 63, 64, 65, 100]) {
      const key = randomBytes(keyLength);
      const hash = new KeyedHash(key);
      for (let length = 0; length <= 300; length += 1 + Math.floor(rng() * 7)) {
        const message = length % 3 === 0 ? 'x'.repeat(length) : randomText(length);
        const expected = createHmac('sha256', key).update(message, 'utf8').digest();
        expect(hash.mac(message).equals(expected), `${keyLength}-byte key, ${length} characters`).toBe(true);
        expect(hash.int48(message)).toBe(expected.readUIntBE(0, 6));
        expect(hash.big128(message)).toBe((expected.readBigUInt64BE(0) << 64n) | expected.readBigUInt64BE(8));
      }
    }
  });

  it('reduces the first 128 bits modulo m exactly, for every m below 2^37', () => {
    const hash = new KeyedHash(randomBytes(32));
    for (let i = 0; i < 500; i++) {
      const m = 1 + Math.floor(rng() * 2 ** (1 + Math.floor(rng() * 37)));
      const message = `fpe|ddd|${i % 8}|${i}`;
      expect(hash.mod128(message, m)).toBe(Number(hash.big128(message) % BigInt(m)));
    }
  });
});

describe('when pseudonyms and date offsets are computed by the faster code', () => {
  // Computed with the implementation before the speed-up (createHmac per round, BigInt Feistel):
  // the same key must keep giving the same pseudonyms and offsets, so copies made month by month
  // with one key still join.
  const hash = new KeyedHash(Buffer.from('golden-vector-key-0123456789abcdefgh', 'utf8'));
  const GOLDEN: [string, string][] = [
    ['1', '6'], ['7', '0'], ['42', '63'], ['P000123', 'W613687'], ['MSG00001234', 'VKD45546640'], ['123-45-6789', '261-89-0043'],
    ['abcDEF', 'lvkGZP'], ['Zz9', 'Kp8'], ['A1B2C3D4E5F6', 'D3Q4C0K7X9O0'],
    ['9'.repeat(60), '405448427300842041397009567923329315252687320754468929154267'],
    ['ÉLODIE-42', 'HLYAFN-80'], ['ü', 'l'], ['2025-000017', '9089-976142'],
    ['x'.repeat(40), 'vwtidkhkotctmdpyzjiqpcvuwrvjmwvbviejbgsu'], ['LAB 88 12', 'SNB 29 76'],
    ['ORD-20250106-0001', 'VIQ-16801068-3367'], ['0000000', '1444487'],
  ];

  it('gives the pseudonyms the previous implementation gave', () => {
    const pseudonyms = new IdentifierPseudonyms(hash);
    for (const [value, pseudonym] of GOLDEN) expect(pseudonyms.of(value), value).toBe(pseudonym);
  });

  it('gives the date offsets and key id the previous implementation gave', () => {
    expect(offsetDaysFrom(hash.int48('date-offset|SYNTH|P000001'))).toBe(-325);
    expect(offsetDaysFrom(hash.int48('date-offset|Ünïcode|ß'))).toBe(-188);
    expect(hash.mac('key-id').toString('hex')).toBe('351848e7c3f1e870bd847ba69afa21dd4f0aaa52e101fa039520c3708a666204');
  });
});

describe('when pseudonyms are cached within a run', () => {
  it('keeps at most its limit and keeps what was used recently', () => {
    const cache = new LruCache<number>(10);
    cache.set('patient', 1);
    for (let i = 0; i < 100; i++) {
      cache.set(`order-${i}`, i);
      expect(cache.get('patient')).toBe(1);
      expect(cache.size).toBeLessThanOrEqual(11);
    }
    expect(cache.get('order-0')).toBeUndefined();
    expect(cache.get('order-99')).toBe(99);
  });
});
