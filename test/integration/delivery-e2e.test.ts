import Database from 'better-sqlite3';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notification } from '../../src/domain/alert.js';
import { generateFeed } from '../../src/generate/synthetic-feed.js';
import { MllpClient } from '../../src/transport/mllp-client.js';
import { LoopbackFhirServer } from '../support/fhir-server.js';
import { killServiceProcesses, startServiceProcess, until, type ServiceProcess } from '../support/service-process.js';
import { LoopbackWebhookReceiver, loadDocumentedVerifier } from '../support/webhook-receiver.js';
import { deleteByPrefix } from '../../testkit/redis.js';
import { postgresService, redisService } from '../support/services.js';

/**
 * `poems-sentinel run` (embedded, and distributed: Redis + PostgreSQL) with routing to a webhook and a FHIR server on loopback: a
 * generated feed sent over MLLP reaches both peers exactly once per tier and episode, every
 * delivery is in the ledger, and status changes (withdrawals) reach the FHIR server.
 * Synthetic data only (the generator's SYNTH patients).
 */

const FEED = [...generateFeed({ patients: 80, seed: 5 })];
const SECRET = 'e2e-webhook-secret-0123456789abcdef0123';
const redis = await redisService();
const postgres = await postgresService();

interface DeliveryRow { notification_key: string; channel: string; recipient: string; status: string; attempts: number }

/** Where one mode keeps its queue and ledger, read by the test from outside the service. */
interface Mode {
  name: string;
  available: boolean;
  args(dir: string): string[];
  /** notifications still pending in the queue */
  pending(dir: string): Promise<number>;
  /** every notification queued, and every delivery in the ledger (after the service stopped) */
  read(dir: string): Promise<{ all: Notification[]; deliveries: DeliveryRow[] }>;
  cleanup(): Promise<void>;
}

const embedded: Mode = {
  name: 'embedded (SQLite)',
  available: true,
  args: (dir) => ['--db', join(dir, 'state.db')],
  async pending(dir) {
    const db = new Database(join(dir, 'state.db'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  },
  async read(dir) {
    const db = new Database(join(dir, 'state.db'), { readonly: true });
    try {
      const all = (db.prepare('SELECT body FROM outbox').all() as { body: string }[]).map((r) => Notification.parse(JSON.parse(r.body)));
      return { all, deliveries: db.prepare('SELECT notification_key, channel, recipient, status, attempts FROM deliveries').all() as DeliveryRow[] };
    } finally {
      db.close();
    }
  },
  cleanup: async () => {},
};

const prefix = `test:dispatch:e2e:${randomUUID()}:`;
const schema = `test_dispatch_e2e_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const distributed: Mode = {
  name: 'distributed (Redis + PostgreSQL)',
  available: redis.available && postgres.available,
  args: () => ['--redis-url', redis.url, '--redis-prefix', prefix, '--database-url', postgres.url, '--database-schema', schema],
  async pending() {
    const conn = new Redis(redis.url);
    const queue = new Queue('notifications', { connection: conn, prefix: `${prefix}bull` });
    try {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(c).reduce((a, b) => a + b, 0);
    } finally {
      await queue.close();
      await conn.quit();
    }
  },
  async read() {
    const conn = new Redis(redis.url);
    const queue = new Queue('notifications', { connection: conn, prefix: `${prefix}bull` });
    const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
    try {
      const jobs = await queue.getJobs(['completed', 'failed', 'waiting', 'active', 'delayed']);
      const all = jobs.map((j) => Notification.parse(j.data));
      const { rows } = await pool.query<DeliveryRow>(`SELECT notification_key, channel, recipient::text AS recipient, status, attempts FROM ${schema}.deliveries`);
      return { all, deliveries: rows };
    } finally {
      await queue.close();
      await conn.quit();
      await pool.end();
    }
  },
  async cleanup() {
    if (!this.available) return;
    const conn = new Redis(redis.url);
    await deleteByPrefix(conn, prefix);
    await conn.quit();
    const pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  },
};

function metrics(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString('utf8'); });
      res.on('end', () => resolve(body));
    }).on('error', reject).end();
  });
}

describe.each([embedded, distributed])('when a generated feed runs through the service ($name) with routing to a webhook and a FHIR server', (mode) => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-delivery-'));
  let webhook: LoopbackWebhookReceiver;
  const fhir = new LoopbackFhirServer();
  let service: ServiceProcess;
  let notified: Notification[] = [];
  let statusChanges: Notification[] = [];
  let deliveries: DeliveryRow[] = [];
  let metricsText = '';

  beforeAll(async () => {
    if (!mode.available) return;
    webhook = new LoopbackWebhookReceiver(SECRET, await loadDocumentedVerifier());
    const webhookUrl = await webhook.start();
    const fhirUrl = await fhir.start();
    writeFileSync(join(dir, 'profile.yaml'), [
      'profileVersion: e2e-delivery-1',
      'routing:',
      '  pools: { haematology: { display: "Haematology on call" } }',
      '  rules:',
      '    - { to: [ordering-provider, attending], tiers: [screening-gap, workup-recommended, criteria-met], channels: [inbox] }',
      '    - { to: [pool:haematology], tiers: [screening-gap, workup-recommended, criteria-met], channels: [webhook, fhir] }',
    ].join('\n'));
    writeFileSync(join(dir, 'channels.json'), JSON.stringify({
      webhook: { url: webhookUrl, secret: SECRET },
      fhir: { baseUrl: fhirUrl, patientSystems: { SYNTH: 'urn:oid:2.999.1', SYNTHREF: 'urn:oid:2.999.2' } },
    }));
    service = await startServiceProcess([...mode.args(dir), '--profile', join(dir, 'profile.yaml'), '--channels', join(dir, 'channels.json')]);
    const client = await MllpClient.connect({ host: '127.0.0.1', port: service.mllpPort, ackTimeoutMs: 30_000 });
    for (const m of FEED) {
      const ack = await client.send(m.text);
      expect(ack?.outcome).toBe('AA');
    }
    await client.close();
    await until('every notification done', async () => (await mode.pending(dir)) === 0, 120_000, 200);
    metricsText = await metrics(service.healthPort);
    await service.stop();
    const read = await mode.read(dir);
    notified = read.all.filter((n) => n.event !== 'status');
    statusChanges = read.all.filter((n) => n.event === 'status');
    deliveries = read.deliveries;
  }, 240_000);

  afterAll(async () => {
    await killServiceProcesses();
    await webhook?.stop();
    await fhir.stop();
    await mode.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!mode.available)('notifies some alerts at more than one tier, and withdraws some', () => {
    expect(notified.length).toBeGreaterThan(10);
    expect(statusChanges.some((n) => n.status === 'withdrawn')).toBe(true);
  });

  it.skipIf(!mode.available)('posts every notification to the webhook exactly once per alert, episode and tier', () => {
    const keys = webhook.received.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(notified.map((n) => n.key).sort());
    const bodies = webhook.received.map((r) => r.body as { notification: Notification; recipient: { id: string } });
    expect(new Set(bodies.map((b) => `${b.notification.alertId}|${b.notification.episode}|${b.notification.tier}`)).size).toBe(notified.length);
    expect(new Set(bodies.map((b) => b.recipient.id))).toEqual(new Set(['haematology']));
    expect(bodies.every((b) => b.notification.event !== 'status')).toBe(true);
  });

  it.skipIf(!mode.available)('files one DetectedIssue per alert episode on the FHIR server, cancelled for withdrawn alerts', () => {
    const episodes = new Set(notified.map((n) => `${n.alertId}.${n.episode}`));
    const issues = fhir.all('DetectedIssue');
    expect(issues.map((i) => (i as { identifier: { value: string }[] }).identifier[0]?.value).sort()).toEqual([...episodes].sort());
    const withdrawnEpisodes = new Set(statusChanges.filter((n) => n.status === 'withdrawn').map((n) => `${n.alertId}.${n.episode}`));
    const lastStatus = new Map<string, string>();
    for (const i of issues) lastStatus.set((i as { identifier: { value: string }[] }).identifier[0]?.value ?? '', (i as { status: string }).status);
    for (const ep of withdrawnEpisodes) if (episodes.has(ep)) expect(lastStatus.get(ep), ep).toBe('cancelled');
  });

  it.skipIf(!mode.available)('records every delivery once in the ledger, all delivered, the inbox for the providers named on the evidence', () => {
    const seen = new Set(deliveries.map((d) => `${d.notification_key} ${d.channel} ${d.recipient}`));
    expect(seen.size).toBe(deliveries.length);
    expect(deliveries.filter((d) => d.status !== 'delivered')).toEqual([]);
    for (const n of notified) {
      const of = deliveries.filter((d) => d.notification_key === n.key);
      expect(of.filter((d) => d.channel === 'webhook')).toHaveLength(1);
      expect(of.filter((d) => d.channel === 'fhir')).toHaveLength(1);
      expect(of.filter((d) => d.channel === 'inbox').length).toBeGreaterThan(0);
    }
    const inboxRecipients = deliveries.filter((d) => d.channel === 'inbox').map((d) => (JSON.parse(d.recipient) as { kind: string }).kind);
    expect(inboxRecipients).toContain('ordering-provider');
    // status notifications go to FHIR only
    const statusKeys = new Set(statusChanges.map((n) => n.key));
    expect(new Set(deliveries.filter((d) => statusKeys.has(d.notification_key)).map((d) => d.channel))).toEqual(new Set(statusChanges.length > 0 ? ['fhir'] : []));
  });

  it.skipIf(!mode.available)('counts deliveries by channel and outcome, queue depth and alerts by tier and status at /metrics', () => {
    const webhookDelivered = notified.length;
    expect(metricsText).toContain(`poems_sentinel_delivery_attempts_total{channel="webhook",outcome="delivered"} ${webhookDelivered}`);
    expect(metricsText).toMatch(/poems_sentinel_notification_queue\{state="pending"\} 0/);
    expect(metricsText).toMatch(/poems_sentinel_alerts\{tier="criteria-met",status="\w+"\} \d+/);
    expect(metricsText).toMatch(/poems_sentinel_deliveries\{channel="fhir",status="delivered"\} \d+/);
    expect(metricsText).toContain('poems_sentinel_mllp_messages_total');
  });
});
