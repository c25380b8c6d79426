import { constants, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { TrustedCdsClient } from './cds-hooks.config.js';

/**
 * CDS Hooks "Trusting CDS Clients": every call carries `Authorization: Bearer <JWT>` signed by the
 * EHR with an asymmetric key. We accept a token when
 * - its issuer is a configured client and its `kid` names one of that client's keys (the JWK Set
 *   is configured; a `jku` header is never fetched, so a token cannot bring its own key);
 * - the algorithm is asymmetric (RS, PS, ES 256/384/512; `none` and HMAC are refused, as the spec
 *   requires) and matches the key;
 * - `aud` names the endpoint being called; `exp` is in the future and `iat` not in it (a minute of
 *   clock skew either way); `exp − iat` is short; `jti` was not seen before (replay).
 * The replay memory is per process: behind several instances a replay can reach another one
 * within the token's lifetime, which the short lifetime bounds.
 */

const SKEW_SECONDS = 60;

const Header = z.object({
  alg: z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']),
  kid: z.string().min(1),
  typ: z.string().optional(),
});

const Payload = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.number(),
  jti: z.string().min(1),
});

export type JwtCheck = { ok: true; iss: string } | { ok: false; reason: string };

export interface ClientJwtVerifierOptions {
  clients: readonly TrustedCdsClient[];
  maxLifetimeSeconds: number;
  clock: () => Date;
}

export function createClientJwtVerifier(opts: ClientJwtVerifierOptions): (authorization: string | undefined, audiences: readonly string[]) => JwtCheck {
  const seen = new Map<string, number>();
  const keys = new Map<string, KeyObject>();
  for (const client of opts.clients) {
    for (const jwk of client.jwks.keys) keys.set(`${client.iss}\u0000${jwk.kid}`, createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }));
  }

  return (authorization, audiences) => {
    const token = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization ?? '');
    if (!token) return { ok: false, reason: 'no bearer JWT' };
    const [, h = '', p = '', s = ''] = token;
    const header = Header.safeParse(decode(h));
    if (!header.success) return { ok: false, reason: 'unsupported JWT header (alg must be asymmetric, kid present)' };
    if (header.data.typ !== undefined && header.data.typ.toUpperCase() !== 'JWT') return { ok: false, reason: 'typ is not JWT' };
    const payload = Payload.safeParse(decode(p));
    if (!payload.success) return { ok: false, reason: 'JWT payload lacks iss, aud, exp, iat or jti' };
    const claims = payload.data;
    const key = keys.get(`${claims.iss}\u0000${header.data.kid}`);
    if (!key) return { ok: false, reason: 'untrusted issuer or unknown key' };
    if (!signatureHolds(header.data.alg, key, `${h}.${p}`, Buffer.from(s, 'base64url'))) return { ok: false, reason: 'bad signature' };

    const now = opts.clock().getTime() / 1000;
    if (claims.exp <= now - SKEW_SECONDS) return { ok: false, reason: 'expired' };
    if (claims.iat > now + SKEW_SECONDS) return { ok: false, reason: 'issued in the future' };
    if (claims.exp - claims.iat > opts.maxLifetimeSeconds) return { ok: false, reason: 'lifetime too long' };
    const aud = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).map(trimSlash);
    if (!audiences.some((a) => aud.includes(trimSlash(a)))) return { ok: false, reason: 'aud is not this endpoint' };
    const replayKey = `${claims.iss}\u0000${claims.jti}`;
    if (seen.has(replayKey)) return { ok: false, reason: 'jti replayed' };
    forgetExpired(seen, now);
    seen.set(replayKey, claims.exp);
    return { ok: true, iss: claims.iss };
  };
}

function decode(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const CURVE: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

function signatureHolds(alg: z.infer<typeof Header>['alg'], key: KeyObject, signingInput: string, signature: Buffer): boolean {
  const family = alg.slice(0, 2);
  const hash = `sha${alg.slice(2)}`;
  const type = key.asymmetricKeyType;
  if (family === 'ES' ? type !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== CURVE[alg] : type !== 'rsa') return false;
  const data = Buffer.from(signingInput);
  try {
    if (family === 'ES') return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    if (family === 'PS') return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
    return verify(hash, data, key, signature);
  } catch {
    return false;
  }
}

function forgetExpired(seen: Map<string, number>, now: number): void {
  if (seen.size < 1_000) return;
  for (const [k, exp] of seen) if (exp < now - SKEW_SECONDS) seen.delete(k);
}

function trimSlash(s: string): string {
  return s.replace(/\/+$/, '');
}
