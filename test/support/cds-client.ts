import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

/**
 * What an EHR (a CDS client) does to call a CDS service: an asymmetric key pair whose public half
 * the service trusts, and a fresh signed JWT per call (CDS Hooks "Trusting CDS Clients").
 */
export interface TestCdsClient {
  iss: string;
  kid: string;
  privateKey: KeyObject;
  /** the JWK Set the service is configured with */
  jwks: { keys: { kty: string; kid: string; [k: string]: unknown }[] };
}

export function createTestCdsClient(iss = 'https://ehr.synthetic.example', kid = 'ehr-key-1'): TestCdsClient {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const jwk = publicKey.export({ format: 'jwk' }) as { kty: string };
  return { iss, kid, privateKey, jwks: { keys: [{ ...jwk, kid, alg: 'ES384', use: 'sig' }] } };
}

export interface JwtOverrides {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  nowSeconds?: number;
  /** sign with another key (an impostor) */
  privateKey?: KeyObject;
}

export function clientJwt(client: TestCdsClient, aud: string | string[], o: JwtOverrides = {}): string {
  const now = o.nowSeconds ?? Math.floor(Date.now() / 1000);
  const header = { alg: 'ES384', typ: 'JWT', kid: client.kid, ...o.header };
  const claims = { iss: client.iss, aud, iat: now, exp: now + 300, jti: randomUUID(), ...o.claims };
  const input = `${b64(header)}.${b64(claims)}`;
  const key = o.privateKey ?? client.privateKey;
  const alg = String(header.alg);
  const signature = alg.startsWith('ES')
    ? sign(`sha${alg.slice(2)}`, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    : sign(`sha${alg.slice(2)}`, Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

export function bearer(client: TestCdsClient, aud: string | string[], o: JwtOverrides = {}): string {
  return `Bearer ${clientJwt(client, aud, o)}`;
}

function b64(v: unknown): string {
  return Buffer.from(JSON.stringify(v)).toString('base64url');
}
