import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminFileOf, alertAdmin, readAdminFile, writeAdminFile, type AdminRequest } from '../../src/app/admin-endpoint.js';
import { SqliteAlertStore } from '../../src/store/sqlite-alert.store.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import type { AuditLog } from '../../src/inbox/store/audit.store.js';
import { syntheticAlert } from '../support/alert-fixture.js';

const TOKEN = 'k'.repeat(43);
const dir = mkdtempSync(join(tmpdir(), 'sentinel-admin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function harness(): Promise<{ handle: (r: Partial<AdminRequest>) => ReturnType<ReturnType<typeof alertAdmin>>; alerts: SqliteAlertStore; commits: () => number }> {
  const db = new SqliteDatabase(':memory:');
  const alerts = new SqliteAlertStore(db);
  await alerts.put(syntheticAlert());
  let commits = 0;
  const admin = alertAdmin({ alerts, commit: async () => { commits += 1; await db.flush(); }, token: TOKEN, clock: () => new Date('2025-03-01T10:00:00Z') });
  const handle = (r: Partial<AdminRequest>) => admin({ method: 'POST', path: `/admin/alerts/${syntheticAlert().id}/actions`, remoteAddress: '127.0.0.1', authorization: `Bearer ${TOKEN}`, body: { action: { kind: 'acknowledge' }, by: 'ops' }, ...r });
  return { handle, alerts, commits: () => commits };
}

describe('the admin endpoint', () => {
  it('acknowledges through compare-and-set and commits before answering', async () => {
    const h = await harness();
    const res = await h.handle({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'acknowledged', version: 4 });
    expect((await h.alerts.getById(syntheticAlert().id))?.status).toBe('acknowledged');
    expect(h.commits()).toBe(1);
  });

  it('answers loopback peers only, with the token only', async () => {
    const h = await harness();
    expect((await h.handle({ remoteAddress: '10.0.0.7' })).status).toBe(403);
    expect((await h.handle({ remoteAddress: '::ffff:10.0.0.7' })).status).toBe(403);
    expect((await h.handle({ authorization: undefined })).status).toBe(401);
    expect((await h.handle({ authorization: `Bearer ${'x'.repeat(43)}` })).status).toBe(401);
    expect((await h.handle({ remoteAddress: '::1' })).status).toBe(200);
    expect(h.commits()).toBe(1);
  });

  it('says what is wrong with a request', async () => {
    const h = await harness();
    expect((await h.handle({ path: '/admin/alerts/nope/actions' })).status).toBe(404);
    expect((await h.handle({ method: 'GET' })).status).toBe(404);
    expect((await h.handle({ body: { action: { kind: 'dismiss', reason: 'bored' } } })).status).toBe(400);
    expect((await h.handle({ body: { action: { kind: 'dismiss', reason: 'poems-excluded', note: 'IFE negative' } } })).body).toMatchObject({ status: 'dismissed' });
  });
});

describe('the admin file', () => {
  it('is readable only by its owner, and names a live process', () => {
    const db = join(dir, 'live.db');
    writeAdminFile(db, { url: 'http://127.0.0.1:1', token: TOKEN, pid: process.pid });
    expect(readAdminFile(db)).toEqual({ url: 'http://127.0.0.1:1', token: TOKEN, pid: process.pid });
    expect(statSync(adminFileOf(db)).mode & 0o777).toBe(0o600);
  });

  it('is ignored when its process is gone (kill -9 leaves it behind) or it is not ours', () => {
    const db = join(dir, 'stale.db');
    // a pid far above any pid_max
    writeAdminFile(db, { url: 'http://127.0.0.1:1', token: TOKEN, pid: 2 ** 30 });
    expect(readAdminFile(db)).toBeUndefined();
    writeFileSync(adminFileOf(join(dir, 'junk.db')), 'not json');
    expect(readAdminFile(join(dir, 'junk.db'))).toBeUndefined();
  });
});

describe('the admin endpoint of a stopping service', () => {
  it('answers 503 so that the CLI writes directly', async () => {
    const db = new SqliteDatabase(':memory:');
    const alerts = new SqliteAlertStore(db);
    await alerts.put(syntheticAlert());
    const admin = alertAdmin({ alerts, commit: () => db.flush(), token: TOKEN, clock: () => new Date('2025-03-01T10:00:00Z'), open: () => false });
    const res = await admin({ method: 'POST', path: `/admin/alerts/${syntheticAlert().id}/actions`, remoteAddress: '127.0.0.1', authorization: `Bearer ${TOKEN}`, body: { action: { kind: 'acknowledge' } } });
    expect(res.status).toBe(503);
    expect((await alerts.getById(syntheticAlert().id))?.status).toBe('open');
  });
});

describe('an operator action through the admin endpoint', () => {
  it('goes through the inbox action service: audited with the operator as actor, via cli', async () => {
    const db = new SqliteDatabase(':memory:');
    const alerts = new SqliteAlertStore(db);
    await alerts.put(syntheticAlert());
    const entries: { actor: string; via: string; action: string; outcome: string; alertId: string | null }[] = [];
    const audit = { append: async (e: Parameters<AuditLog['append']>[0]) => { entries.push(e); return { ...e, seq: entries.length }; }, list: async () => [] };
    const admin = alertAdmin({ alerts, audit: () => audit, commit: () => db.flush(), token: TOKEN, clock: () => new Date('2025-03-01T10:00:00Z') });
    const res = await admin({ method: 'POST', path: `/admin/alerts/${syntheticAlert().id}/actions`, remoteAddress: '127.0.0.1', authorization: `Bearer ${TOKEN}`, body: { action: { kind: 'acknowledge' }, by: 'ops' } });
    expect(res.status).toBe(200);
    expect(entries).toMatchObject([{ actor: 'ops', via: 'cli', action: 'acknowledge', outcome: 'ok', alertId: syntheticAlert().id }]);
    const late = await admin({ method: 'POST', path: `/admin/alerts/${syntheticAlert().id}/actions`, remoteAddress: '127.0.0.1', authorization: `Bearer ${TOKEN}`, body: { action: { kind: 'snooze', until: '2020-01-01' }, by: 'ops' } });
    expect(late.status).toBe(400);
  });
});
