import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, URL-safe: session ids, CSRF tokens and API token secrets. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the store keeps of a session id or an API token: its SHA-256. The secrets are 256 random
 * bits, so a fast hash is enough (no dictionary to try); a copy of the database opens no session.
 */
export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
