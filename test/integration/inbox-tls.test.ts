import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInbox, type RunningInbox } from '../../src/app/inbox.js';
import { sqliteState, type SqliteState } from '../../src/app/state.js';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { ServiceConfig } from '../../src/config/service.schema.js';

const openssl = (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'openssl')).find((p) => existsSync(p));

function get(port: number, path: string, ca: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, servername: 'localhost', ca, method: 'GET', timeout: 5_000 }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.once('error', reject);
    req.end();
  });
}

/** The inbox of `run` with the MLLP listener's TLS key and certificate (the same options). */
describe.skipIf(openssl === undefined)('when the service has TLS options [needs openssl]', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-inbox-tls-'));
  let state: SqliteState;
  let inbox: RunningInbox;
  let cert: Buffer;

  beforeAll(async () => {
    execFileSync(openssl as string, [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
      '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'));
    const config = ServiceConfig.parse({ tlsKey: join(dir, 'key.pem'), tlsCert: join(dir, 'cert.pem'), inboxPort: 0 });
    state = sqliteState(':memory:', () => new Date());
    inbox = await startInbox({ config, state, sqlite: state.db, profile: DEFAULT_PROFILE, log: pino({ level: 'silent' }) });
  });
  afterAll(async () => {
    await inbox?.stop();
    await state?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves https on loopback with HSTS and Secure cookies', async () => {
    expect(inbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await get(inbox.port, '/login', cert);
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(String(res.headers['set-cookie'])).toMatch(/; Secure/);
  });
});
