import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { RoutingProfile } from '../../src/config/profile-routing.schema.js';
import { createLogger } from '../../src/logger.js';
import { BullmqAlertQueue } from '../../src/notifiers/bullmq.queue.js';
import { createDispatcher } from '../../src/notifiers/dispatcher.js';
import { PostgresDeliveryLedger } from '../../src/notifiers/ledger/postgres.ledger.js';
import { WebhookChannelConfig, WebhookNotifier } from '../../src/notifiers/webhook.notifier.js';
import { deleteByPrefix } from '../../testkit/redis.js';
import { notificationOf, syntheticAlert } from '../support/alert-fixture.js';
import { postgresService, redisService } from '../support/services.js';
import { until } from '../support/wait.js';

/**
 * A notification worker killed (SIGKILL) in the middle of a delivery: the webhook peer has the
 * request, the worker never saw the answer. BullMQ's stalled check gives the job to a new worker
 * once the dead one's lock expires; the new worker finds the delivery still pending in the
 * ledger and sends it again. The peer sees it twice with the same key (at least once: it dedupes
 * on the key), the ledger records it delivered once. Synthetic data only.
 */

const redis = await redisService();
const postgres = await postgresService();
const CHILD = fileURLToPath(new URL('../support/dispatch-worker.child.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/src/notifiers/dispatcher.js', import.meta.url));
const SECRET = 'killed-worker-webhook-secret-0123456789abcdef';

/** A webhook peer that takes the first request and never answers it; later ones get 204. */
class HoldingPeer {
  readonly keys: string[] = [];
  private server: Server | undefined;
  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        this.keys.push(String(req.headers['x-sentinel-key']));
        if (this.keys.length > 1) res.writeHead(204).end();
        // the first: held open until the worker dies
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/hook`;
  }
  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const ready = redis.available && postgres.available && existsSync(BUILT);
const why = !redis.available || !postgres.available ? 'Redis or PostgreSQL not reachable' : 'dist/ missing: run npm run build';

describe.skipIf(!ready)(`a worker killed mid-delivery${ready ? '' : ` (skipped: ${why})`}`, () => {
  const prefix = `test:dispatch:killed:${randomUUID()}`;
  const schema = `test_dispatch_killed_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const pool = new pg.Pool({ connectionString: postgres.url, max: 3 });
  const conn = new Redis(redis.url);
  const peer = new HoldingPeer();
  let child: ChildProcess | undefined;
  let queue: BullmqAlertQueue | undefined;

  afterAll(async () => {
    child?.kill('SIGKILL');
    await queue?.close();
    await peer.stop();
    await deleteByPrefix(conn, prefix);
    await conn.quit();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
  });

  it('is delivered by the next worker: exactly once in the ledger, at least once to the peer', async () => {
    const url = await peer.start();
    const alert = syntheticAlert();
    const notification = notificationOf(alert);
    const ledger = await PostgresDeliveryLedger.open({ pool, schema });
    queue = new BullmqAlertQueue({ connection: conn, prefix, lockMs: 1_000, stalledCheckMs: 500 });
    await queue.enqueue(notification);

    child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, REDIS_URL: redis.url, BULL_PREFIX: prefix, DATABASE_URL: postgres.url, LEDGER_SCHEMA: schema, WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, ALERT: JSON.stringify(alert) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => { stderr += c.toString(); });
    await until(`the child's delivery reached the peer${stderr ? `: ${stderr}` : ''}`, () => peer.keys.length === 1, 30_000, 20);
    const [planned] = await ledger.ofNotification(notification.key);
    expect(planned).toMatchObject({ channel: 'webhook', status: 'pending', attempts: 0 });
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));

    const routing: RoutingProfile = {
      pools: { haematology: { display: 'Haematology on call' } },
      rules: [{ to: ['pool:haematology'], tiers: ['screening-gap', 'workup-recommended', 'criteria-met'], channels: ['webhook'] }],
      fallbackPool: null,
    };
    const dispatcher = createDispatcher({
      queue, ledger, routing,
      notifiers: [new WebhookNotifier(WebhookChannelConfig.parse({ url, secret: SECRET }))],
      alerts: { getById: async (id) => (id === alert.id ? alert : null) },
      log: createLogger({ level: 'silent' }),
    });
    dispatcher.start();
    await until('the next worker delivered it', async () => (await ledger.get(planned!.id))?.status === 'delivered', 30_000, 50);
    await until('the job completed', async () => (await queue?.counts())?.delivered === 1, 10_000, 50);
    await dispatcher.stop();

    expect(peer.keys).toEqual([notification.key, notification.key]);
    const records = await ledger.ofNotification(notification.key);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: planned!.id, status: 'delivered', attempts: 1, receipt: '204' });
    expect(await queue.counts()).toEqual({ pending: 0, delivered: 1, dead: 0 });
  }, 90_000);
});
