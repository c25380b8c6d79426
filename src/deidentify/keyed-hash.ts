import { createHash } from 'node:crypto';

/** The shortest key accepted: 256 bits, the output size of SHA-256 (RFC 2104 §3). */
export const MIN_KEY_BYTES = 32;

const BLOCK = 64;
/** SHA-256 round constants (FIPS 180-4 §4.2.2). */
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
/** SHA-256 initial hash value (FIPS 180-4 §5.3.3). */
const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/**
 * HMAC-SHA256 under one secret key: every pseudonym, date offset and Feistel round is one.
 *
 * Why not `crypto.createHmac` per call: a de-identification run computes millions of MACs of
 * short messages (16 or more per new identifier), and creating a native HMAC object costs
 * about 15 µs, most of it outside the hash itself. Here the key's inner and outer padded
 * blocks are compressed once (the precomputation RFC 2104 §4 describes) and each MAC is two to
 * three SHA-256 compressions in JavaScript on reused buffers. The result is the same HMAC, bit
 * for bit (the tests compare it with node:crypto).
 */
export class KeyedHash {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly state = new Int32Array(8);
  private readonly w = new Int32Array(64);
  private bytes = new Uint8Array(256);

  constructor(key: Buffer) {
    if (key.length < MIN_KEY_BYTES) throw new RangeError(`a key needs at least ${MIN_KEY_BYTES} bytes`);
    // keys longer than a block are hashed first (RFC 2104 §2)
    const k = key.length > BLOCK ? createHash('sha256').update(key).digest() : key;
    const pad = new Uint8Array(BLOCK);
    for (const [into, byte] of [[this.inner, 0x36], [this.outer, 0x5c]] as const) {
      for (let i = 0; i < BLOCK; i++) pad[i] = (k[i] ?? 0) ^ byte;
      into.set(IV);
      this.compress(into, pad, 0);
    }
    pad.fill(0);
  }

  /** HMAC-SHA256(key, message), 32 bytes. */
  mac(message: string): Buffer {
    const s = this.digest(message);
    const out = Buffer.alloc(32);
    for (let i = 0; i < 8; i++) out.writeInt32BE(s[i] as number, i * 4);
    return out;
  }

  /** The first 48 bits of the MAC as a non-negative integer. */
  int48(message: string): number {
    const s = this.digest(message);
    return (s[0] as number >>> 0) * 0x10000 + ((s[1] as number) >>> 16);
  }

  /** The first 128 bits of the MAC as a non-negative bigint. */
  big128(message: string): bigint {
    const s = this.digest(message);
    return (BigInt((s[0] as number) >>> 0) << 96n) | (BigInt((s[1] as number) >>> 0) << 64n) | (BigInt((s[2] as number) >>> 0) << 32n) | BigInt((s[3] as number) >>> 0);
  }

  /**
   * The first 128 bits of the MAC modulo m, for m below 2^37: the same value as
   * `big128(message) % m`, reduced 16 bits at a time so that every step is exact in doubles.
   */
  mod128(message: string, m: number): number {
    const s = this.digest(message);
    let r = 0;
    if (m < 0x200000) {
      // below 2^21 a whole 32-bit word fits in each step: r · 2^32 + word < 2^53
      for (let i = 0; i < 4; i++) r = (r * 0x1_0000_0000 + ((s[i] as number) >>> 0)) % m;
      return r;
    }
    for (let i = 0; i < 4; i++) {
      const word = s[i] as number;
      r = (r * 0x10000 + (word >>> 16)) % m;
      r = (r * 0x10000 + (word & 0xffff)) % m;
    }
    return r;
  }

  /** The whole MAC as a non-negative bigint (256 bits). */
  big(message: string): bigint {
    return BigInt(`0x${this.mac(message).toString('hex')}`);
  }

  /** The MAC as eight big-endian 32-bit words, in a buffer reused by the next call. */
  private digest(message: string): Int32Array {
    const length = this.encode(message);
    const s = this.state;
    s.set(this.inner);
    const inner = this.finish(s, length, BLOCK);
    // the outer hash: the inner digest (32 bytes), padded, after the outer key block
    const b = this.bytes;
    for (let i = 0; i < 8; i++) {
      const v = inner[i] as number;
      b[i * 4] = v >>> 24;
      b[i * 4 + 1] = v >>> 16;
      b[i * 4 + 2] = v >>> 8;
      b[i * 4 + 3] = v;
    }
    s.set(this.outer);
    return this.finish(s, 32, BLOCK);
  }

  /** Pads `length` bytes of `this.bytes` (after `before` bytes already hashed) and compresses them into `s`. */
  private finish(s: Int32Array, length: number, before: number): Int32Array {
    const total = (Math.floor((length + 8) / BLOCK) + 1) * BLOCK;
    this.ensure(total);
    const b = this.bytes;
    b[length] = 0x80;
    b.fill(0, length + 1, total);
    const bits = (before + length) * 8;
    // messages here are far below 2^32 bits: the high word of the length is zero
    b[total - 4] = bits >>> 24;
    b[total - 3] = bits >>> 16;
    b[total - 2] = bits >>> 8;
    b[total - 1] = bits;
    for (let at = 0; at < total; at += BLOCK) this.compress(s, b, at);
    return s;
  }

  /** UTF-8 of `message` into `this.bytes`; its length in bytes. */
  private encode(message: string): number {
    const n = message.length;
    this.ensure(n + 72);
    const b = this.bytes;
    for (let i = 0; i < n; i++) {
      const c = message.charCodeAt(i);
      if (c >= 0x80) {
        const utf8 = Buffer.from(message, 'utf8');
        this.ensure(utf8.length + 72);
        this.bytes.set(utf8);
        return utf8.length;
      }
      b[i] = c;
    }
    return n;
  }

  private ensure(size: number): void {
    if (this.bytes.length < size) this.bytes = new Uint8Array(Math.max(size, this.bytes.length * 2));
  }

  /** One SHA-256 compression of the 64 bytes of `b` at `at` into `s` (FIPS 180-4 §6.2.2). */
  private compress(s: Int32Array, b: Uint8Array, at: number): void {
    const w = this.w;
    let a = s[0] as number;
    let bb = s[1] as number;
    let c = s[2] as number;
    let d = s[3] as number;
    let e = s[4] as number;
    let f = s[5] as number;
    let g = s[6] as number;
    let h = s[7] as number;
    for (let i = 0; i < 16; i++) {
      const j = at + i * 4;
      w[i] = ((b[j] as number) << 24) | ((b[j + 1] as number) << 16) | ((b[j + 2] as number) << 8) | (b[j + 3] as number);
    }
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15] as number;
      const y = w[i - 2] as number;
      w[i] = ((w[i - 16] as number) + (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + (w[i - 7] as number) + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10))) | 0;
    }
    for (let i = 0; i < 64; i++) {
      const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
      const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = bb;
      bb = a;
      a = (t1 + t2) | 0;
    }
    s[0] = ((s[0] as number) + a) | 0;
    s[1] = ((s[1] as number) + bb) | 0;
    s[2] = ((s[2] as number) + c) | 0;
    s[3] = ((s[3] as number) + d) | 0;
    s[4] = ((s[4] as number) + e) | 0;
    s[5] = ((s[5] as number) + f) | 0;
    s[6] = ((s[6] as number) + g) | 0;
    s[7] = ((s[7] as number) + h) | 0;
  }
}
