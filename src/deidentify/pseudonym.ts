import type { KeyedHash } from './keyed-hash.js';
import { LruCache } from './lru-cache.js';

/** Feistel rounds; Luby-Rackoff needs 4 for a strong pseudorandom permutation, 8 leaves a margin. */
const ROUNDS = 8;
/** Above this many possible values a keyed hash cannot collide in practice and needs no permutation. */
const PERMUTATION_LIMIT = 1n << 160n;
/**
 * Pseudonyms kept for re-use within a run (a patient's identifier recurs in all of their
 * messages; an order number in ORC, OBR and the next version of the result). 200,000 entries
 * of short strings: some 40 MB at most.
 */
const CACHE_LIMIT = 200_000;

type CharClass = 'd' | 'u' | 'l';
const RADIX: Record<CharClass, bigint> = { d: 10n, u: 26n, l: 26n };
const BASE: Record<CharClass, number> = { d: 0x30, u: 0x41, l: 0x61 };

interface Shape {
  /** the characters kept as they are (punctuation, spaces), by position; null where a class is */
  fixed: (string | null)[];
  classes: CharClass[];
  /** the alphanumeric positions as one mixed-radix number */
  index: bigint;
  size: bigint;
}

/**
 * Keyed pseudonyms for identifiers: HMAC-SHA256 under the key drives a format-preserving
 * permutation, so a pseudonym keeps the original's length, its punctuation and the class of each
 * character (digit, upper, lower case letter), two different identifiers never share a pseudonym,
 * and no identifier is its own pseudonym. The same key gives the same pseudonym in every file
 * and run: one patient stays one patient, merges and aliases still join, duplicates stay
 * duplicates. The function is of the value only (not of the field), so MRG-1 meets PID-3 and an
 * order number meets itself in ORC, OBR and a later correction.
 *
 * Why a permutation and not a truncated hash: a 7-character medical record number has about
 * 2.6e7 possible values, and truncated hashes of a million patients' numbers would collide,
 * fusing unrelated patients. The permutation is a balanced Feistel network on the smallest
 * square covering the value space, walked until it lands inside (cycle walking, as in NIST
 * SP 800-38G), conjugated with "+1" so that it has no fixed point: f(x) = P(P⁻¹(x) + 1).
 */
export class IdentifierPseudonyms {
  private readonly cache = new LruCache<string>(CACHE_LIMIT);

  constructor(private readonly hash: KeyedHash) {}

  of(value: string): string {
    const cached = this.cache.get(value);
    if (cached !== undefined) return cached;
    const result = this.compute(value);
    this.cache.set(value, result);
    return result;
  }

  private compute(value: string): string {
    const shape = shapeOf(value);
    if (shape.classes.length === 0) return value;
    const pattern = shape.classes.join('');
    let next: bigint;
    if (shape.size > PERMUTATION_LIMIT) {
      next = this.hashIndex(value, shape);
    } else {
      const perm = permutation(this.hash, pattern, shape.size);
      next = perm.encrypt((perm.decrypt(shape.index) + 1n) % shape.size);
    }
    return render(shape, next);
  }

  /** Long identifiers: a keyed hash of the value, reduced to the same shape. */
  private hashIndex(value: string, shape: Shape): bigint {
    let acc = 0n;
    for (let block = 0; (1n << BigInt(256 * block)) <= shape.size * (1n << 64n); block++) {
      acc = (acc << 256n) | this.hash.big(`id-long|${block}|${value}`);
    }
    const next = acc % shape.size;
    return next === shape.index ? (next + 1n) % shape.size : next;
  }
}

/**
 * A patient key ("AUTHORITY|ID") as the product computes it from the copy: the identifier
 * pseudonymised, the authority kept unless it holds a record number (5 digits in a row), as
 * deidentify-message.ts treats an assigning authority's namespace.
 */
export function pseudonymisedKey(key: string, pseudonyms: IdentifierPseudonyms): string {
  const bar = key.indexOf('|');
  const authority = key.slice(0, bar);
  return `${/\d{5}/.test(authority) ? pseudonyms.of(authority) : authority}|${pseudonyms.of(key.slice(bar + 1))}`;
}

/** A keyed permutation of [0, size): Feistel on M×M (M = ⌈√size⌉) with cycle walking. */
/**
 * A Feistel network over [0, M²) walked in cycles until it lands below `size`: a permutation of
 * [0, size). The subclasses differ only in their arithmetic (doubles or bigints).
 */
abstract class Permutation {
  constructor(protected readonly size: bigint) {}

  encrypt(x: bigint): bigint {
    let y = this.forward(x);
    while (y >= this.size) y = this.forward(y);
    return y;
  }

  decrypt(y: bigint): bigint {
    let x = this.backward(y);
    while (x >= this.size) x = this.backward(x);
    return x;
  }

  protected abstract forward(x: bigint): bigint;
  protected abstract backward(y: bigint): bigint;
}

/** Below this M the halves and the round's reduction are exact in doubles (M · 2^16 < 2^53). */
const NUMBER_M = 1n << 37n;

function permutation(hash: KeyedHash, tweak: string, size: bigint): Permutation {
  const m = ceilSqrt(size);
  return m < NUMBER_M ? new NumberPermutation(hash, tweak, size, m) : new BigPermutation(hash, tweak, size, m);
}

/**
 * The permutation for spaces up to 2^74 values (every record number, order number and control
 * id in practice) with the halves in doubles: the same rounds and the same values as
 * BigPermutation, with BigInt only to split and join the halves.
 */
class NumberPermutation extends Permutation {
  private readonly m: number;

  constructor(private readonly hash: KeyedHash, private readonly tweak: string, size: bigint, private readonly bigM: bigint) {
    super(size);
    this.m = Number(bigM);
  }

  private round(i: number, half: number): number {
    return this.hash.mod128(`fpe|${this.tweak}|${i}|${half}`, this.m);
  }

  protected forward(x: bigint): bigint {
    const m = this.m;
    let l = Number(x / this.bigM);
    let r = Number(x % this.bigM);
    for (let i = 0; i < ROUNDS; i++) [l, r] = [r, (l + this.round(i, r)) % m];
    return BigInt(l) * this.bigM + BigInt(r);
  }

  protected backward(y: bigint): bigint {
    const m = this.m;
    let l = Number(y / this.bigM);
    let r = Number(y % this.bigM);
    for (let i = ROUNDS - 1; i >= 0; i--) [l, r] = [(((r - this.round(i, l)) % m) + m) % m, l];
    return BigInt(l) * this.bigM + BigInt(r);
  }
}

class BigPermutation extends Permutation {
  constructor(private readonly hash: KeyedHash, private readonly tweak: string, size: bigint, private readonly m: bigint) {
    super(size);
  }

  private round(i: number, half: bigint): bigint {
    // 128 bits reduced modulo m ≤ 2^80: a bias below 2^-48
    return this.hash.big128(`fpe|${this.tweak}|${i}|${half}`) % this.m;
  }

  protected forward(x: bigint): bigint {
    let l = x / this.m;
    let r = x % this.m;
    for (let i = 0; i < ROUNDS; i++) [l, r] = [r, (l + this.round(i, r)) % this.m];
    return l * this.m + r;
  }

  protected backward(y: bigint): bigint {
    let l = y / this.m;
    let r = y % this.m;
    for (let i = ROUNDS - 1; i >= 0; i--) [l, r] = [(((r - this.round(i, l)) % this.m) + this.m) % this.m, l];
    return l * this.m + r;
  }
}

function ceilSqrt(n: bigint): bigint {
  if (n < 2n) return 1n;
  let x = BigInt(Math.ceil(Math.sqrt(Number(n))));
  // Number(n) loses precision above 2^53: settle with Newton steps, then adjust to the ceiling.
  for (let i = 0; i < 4; i++) x = (x + n / x) / 2n;
  while (x * x < n) x += 1n;
  while (x > 1n && (x - 1n) * (x - 1n) >= n) x -= 1n;
  return x;
}

/**
 * Letters with accents fold to their base letter; any other letter or digit outside ASCII is
 * read as an upper-case letter. Everything else is kept in place.
 */
function shapeOf(value: string): Shape {
  const fixed: (string | null)[] = [];
  const classes: CharClass[] = [];
  let index = 0n;
  let size = 1n;
  for (const raw of value) {
    let code = raw.charCodeAt(0);
    if (code > 0x7f && /[\p{L}\p{N}]/u.test(raw)) {
      const folded = raw.normalize('NFKD').charCodeAt(0);
      code = (folded >= 0x41 && folded <= 0x5a) || (folded >= 0x61 && folded <= 0x7a) || (folded >= 0x30 && folded <= 0x39) ? folded : 0x58; // 'X'
    }
    const cls: CharClass | null = code >= 0x30 && code <= 0x39 ? 'd' : code >= 0x41 && code <= 0x5a ? 'u' : code >= 0x61 && code <= 0x7a ? 'l' : null;
    if (cls === null) {
      fixed.push(raw);
      continue;
    }
    fixed.push(null);
    classes.push(cls);
    index = index * RADIX[cls] + BigInt(code - BASE[cls]);
    size *= RADIX[cls];
  }
  return { fixed, classes, index, size };
}

function render(shape: Shape, index: bigint): string {
  const digits: string[] = [];
  let rest = index;
  for (let i = shape.classes.length - 1; i >= 0; i--) {
    const cls = shape.classes[i] as CharClass;
    digits.push(String.fromCharCode(BASE[cls] + Number(rest % RADIX[cls])));
    rest /= RADIX[cls];
  }
  digits.reverse();
  let k = 0;
  return shape.fixed.map((f) => f ?? digits[k++]).join('');
}
