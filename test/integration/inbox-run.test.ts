import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Output } from '../../src/cli/usage.js';
import { usersCommand } from '../../src/cli/users.command.js';
import { main } from '../../src/cli.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { InboxHttpClient } from '../support/inbox-http.js';
import { MllpClient } from '../../testkit/mllp.js';
import { deleteByPrefix } from '../../testkit/redis.js';
import { killServiceProcesses, startServiceProcess, until } from '../support/service-process.js';
import { postgresService, redisService } from '../support/services.js';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-inbox-run-'));
const PASSWORD = 'synthetic-passphrase-1';
afterAll(async () => {
  await killServiceProcesses();
  rmSync(dir, { recursive: true, force: true });
});

// synthetic: thrombocytosis and a CIDP diagnosis for one invented patient
const ORU = [
  'MSH|^~\\&|LAB|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301120000||ORU^R01^ORU_R01|RUN0001|P|2.5.1',
  'PID|1||P7001^^^SYNTH^MR||TESTPATIENT^RUN||19700101|F',
  'OBR|1|PL1|FL1|58410-2^CBC^LN|||20250301110000',
  'OBX|1|NM|777-3^Platelets^LN||530|10*3/uL|150-400|H|||F|||20250301110000',
].join('\r');
const DX = [
  'MSH|^~\\&|ADT|SYNTHHOSP|SENTINEL|SYNTHHOSP|20250302120000||ADT^A08^ADT_A01|RUN0002|P|2.5.1',
  'EVN|A08|20250302120000',
  'PID|1||P7001^^^SYNTH^MR||TESTPATIENT^RUN||19700101|F',
  'DG1|1||G61.81^Chronic inflammatory demyelinating polyneuritis^I10||20250302|F',
].join('\r');

const io = (): Output & { lines: string[] } => {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false };
};

async function sendFeed(port: number): Promise<void> {
  const mllp = await MllpClient.connect({ port });
  try {
    for (const m of [ORU, DX]) expect((await mllp.send(m)).ackCode).toBe('AA');
  } finally {
    await mllp.close();
  }
}

/** Signs a reviewer in over HTTP, finds the patient's alert, acknowledges it through the API; returns the audit as JSON. */
async function reviewAndAcknowledge(inboxUrl: string): Promise<void> {
  const web = new InboxHttpClient(inboxUrl);
  const { status, csrf } = await web.login('reviewer1', PASSWORD);
  expect(status).toBe(303);
  const list = JSON.parse((await web.request('GET', '/api/alerts', { headers: { accept: 'application/json' } })).text) as { alerts: { alert: { id: string; version: number; patientKey: string } }[] };
  const mine = list.alerts.find((r) => r.alert.patientKey === 'SYNTH|P7001');
  expect(mine).toBeDefined();
  const page = await web.request('GET', `/alerts/${mine?.alert.id}`);
  expect(page.status).toBe(200);
  expect(page.text).toContain('Why it fired');
  expect(page.text).toContain('Everything the rule read for this patient'); // the explain view, from the service's timeline
  const act = await web.request('POST', `/api/alerts/${mine?.alert.id}/actions`, { json: { kind: 'acknowledge', version: mine?.alert.version }, headers: { 'x-csrf-token': csrf } });
  expect(act.status).toBe(200);
  expect(JSON.parse(act.text).alert.status).toBe('acknowledged');
}

describe('when `poems-sentinel run` serves the inbox (embedded)', () => {
  it('binds loopback, answers a reviewer added with `users add`, acts, and shows in /readyz', async () => {
    const db = join(dir, 'embedded.db');
    const service = await startServiceProcess(['--db', db]);
    const inboxUrl = /^poems-sentinel inbox: (\S+)$/m.exec(service.stdout())?.[1] ?? '';
    expect(inboxUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const add = io();
    expect(await usersCommand(['add', 'reviewer1', '--role', 'reviewer', '--display-name', 'Reviewer (synthetic)', '--password-stdin', '--db', db], add, { readSecret: async () => PASSWORD })).toBe(0);
    await sendFeed(service.mllpPort);
    await reviewAndAcknowledge(inboxUrl);
    expect(await service.get('/readyz')).toBe(200);
    const metrics = await (await fetch(`http://${service.healthHost}:${service.healthPort}/metrics`)).text();
    expect(metrics).toMatch(/^poems_sentinel_inbox_actions_total\{action="acknowledge",rule_version="[^"]+",via="web"\} 1$/m);
    expect(metrics).toMatch(/^poems_sentinel_inbox_logins_total\{outcome="ok"\} 1$/m);
    expect((await service.stop()).code).toBe(0);
  }, 60_000);
});

describe('when a generated feed reaches `poems-sentinel run` over MLLP', () => {
  it('puts each notified alert in the inboxes routing names, once per recipient, and a clinician sees exactly those', async () => {
    const db = join(dir, 'routed.db');
    const feed = join(dir, 'feed.hl7');
    await writeFeed(feed, { patients: 40, seed: 5 });
    const service = await startServiceProcess(['--db', db]);
    const inboxUrl = /^poems-sentinel inbox: (\S+)$/m.exec(service.stdout())?.[1] ?? '';
    // the generator's ordering provider and attending is XCN-1 D0042 without an assigning
    // authority; alerts whose evidence names nobody go to the default profile's review pool
    const accounts = [['drgen', ['--provider-id', '|D0042']], ['drpool', ['--pool', 'poems-review']], ['drnone', ['--provider-id', '|D9999']]] as const;
    for (const [name, routing] of accounts) {
      expect(await usersCommand(['add', name, '--role', 'clinician', '--display-name', name, ...routing, '--password-stdin', '--db', db], io(), { readSecret: async () => PASSWORD })).toBe(0);
    }
    expect(await main(['replay', feed, '--to-mllp', `127.0.0.1:${service.mllpPort}`], io())).toBe(0);

    // the dispatcher delivers asynchronously: wait until every notified alert has its inbox items
    const sql = new Database(db, { readonly: true });
    const routed = await until('an inbox item for every notified alert', () => {
      const notified = (sql.prepare('SELECT body FROM alerts').all() as { body: string }[]).map((r) => JSON.parse(r.body) as { id: string; notifiedTiers: string[] }).filter((a) => a.notifiedTiers.length > 0);
      const items = sql.prepare('SELECT alert_id, recipient_key, COUNT(*) AS n FROM inbox_items GROUP BY alert_id, recipient_key').all() as { alert_id: string; recipient_key: string; n: number }[];
      const withItems = new Set(items.map((i) => i.alert_id));
      return notified.length > 3 && notified.every((a) => withItems.has(a.id)) ? items : undefined;
    }, 30_000, 250);
    sql.close();
    expect(routed.every((i) => i.n === 1)).toBe(true);
    const expected = (keys: string[]): string[] => [...new Set(routed.filter((i) => keys.includes(i.recipient_key)).map((i) => i.alert_id))].sort();

    const seen = async (who: string): Promise<string[]> => {
      const web = new InboxHttpClient(inboxUrl);
      expect((await web.login(who, PASSWORD)).status).toBe(303);
      const body = JSON.parse((await web.request('GET', '/api/alerts?status=all', { headers: { accept: 'application/json' } })).text) as { alerts: { alert: { id: string } }[] };
      return body.alerts.map((r) => r.alert.id).sort();
    };
    const gen = await seen('drgen');
    expect(gen.length).toBeGreaterThan(0);
    expect(gen).toEqual(expected(['ordering-provider:|D0042', 'attending:|D0042']));
    expect(await seen('drpool')).toEqual(expected(['pool:poems-review']));
    expect(await seen('drnone')).toEqual([]);
    expect((await service.stop()).code).toBe(0);
  }, 120_000);
});

const redis = await redisService();
const postgres = await postgresService();

describe.skipIf(!redis.available || !postgres.available)('when `poems-sentinel run` serves the inbox (distributed: Redis + PostgreSQL)', () => {
  const prefix = `test:inbox:${randomUUID().slice(0, 8)}:`;
  const schema = `test_inbox_run_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  afterAll(async () => {
    const conn = new Redis(redis.url);
    await deleteByPrefix(conn, prefix);
    await conn.quit();
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('keeps the alerts in Redis and the users and audit in PostgreSQL', async () => {
    const add = io();
    const pgFlags = ['--database-url', postgres.url, '--database-schema', schema];
    const service = await startServiceProcess(['--redis-url', redis.url, '--redis-prefix', prefix, ...pgFlags]);
    const inboxUrl = /^poems-sentinel inbox: (\S+)$/m.exec(service.stdout())?.[1] ?? '';
    expect(await usersCommand(['add', 'reviewer1', '--role', 'reviewer', '--display-name', 'Reviewer (synthetic)', '--password-stdin', ...pgFlags], add, { readSecret: async () => PASSWORD })).toBe(0);
    await sendFeed(service.mllpPort);
    await reviewAndAcknowledge(inboxUrl);
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    const { rows } = await client.query<{ action: string }>(`SELECT action FROM ${schema}.inbox_audit WHERE actor = 'reviewer1' ORDER BY seq`);
    await client.end();
    expect(rows.map((r) => r.action)).toEqual(['login', 'list-alerts', 'list-alerts', 'view-alert', 'acknowledge']);
    expect((await service.stop()).code).toBe(0);
  }, 60_000);

  it('runs without the inbox (and says so) when no database URL is given', async () => {
    const service = await startServiceProcess(['--redis-url', redis.url, '--redis-prefix', prefix], { env: { LOG_LEVEL: 'warn' } });
    expect(service.stdout()).not.toMatch(/poems-sentinel inbox:/);
    // stderr is another pipe: its line may arrive after the running line on stdout
    await until('the "inbox off" warning', () => /inbox off/.test(service.stderr()), 10_000);
    const exit = await service.stop();
    expect(exit, service.diagnostics()).toEqual({ code: 0, signal: null });
  }, 60_000);
});
