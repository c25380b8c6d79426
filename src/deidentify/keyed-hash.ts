import { createHmac } from 'node:crypto';

/** The shortest key accepted: 256 bits, the output size of SHA-256 (RFC 2104 §3). */
export const MIN_KEY_BYTES = 32;

/** HMAC-SHA256 under one secret key: every pseudonym, date offset and Feistel round is one. */
export class KeyedHash {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length < MIN_KEY_BYTES) throw new RangeError(`a key needs at least ${MIN_KEY_BYTES} bytes`);
    this.key = Buffer.from(key);
  }

  /** HMAC-SHA256(key, message), 32 bytes. */
  mac(message: string): Buffer {
    return createHmac('sha256', this.key).update(message, 'utf8').digest();
  }

  /** The first 48 bits of the MAC as a non-negative integer. */
  int48(message: string): number {
    return this.mac(message).readUIntBE(0, 6);
  }

  /** The first 128 bits of the MAC as a non-negative bigint. */
  big128(message: string): bigint {
    const m = this.mac(message);
    return (m.readBigUInt64BE(0) << 64n) | m.readBigUInt64BE(8);
  }

  /** The whole MAC as a non-negative bigint (256 bits). */
  big(message: string): bigint {
    return BigInt(`0x${this.mac(message).toString('hex')}`);
  }
}
