import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { redisState, sqliteState, type ServiceState } from '../../src/app/state.js';
import { runCli as run } from '../support/cli-run.js';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { RoutingProfile } from '../../src/config/profile-routing.schema.js';
import { createLogger } from '../../src/logger.js';
import { PermanentDeliveryError } from '../../src/notifiers/alert-queue.js';
import { createDispatcher } from '../../src/notifiers/dispatcher.js';
import type { DeliveryLedger, DeliveryRecord } from '../../src/notifiers/ledger/delivery-ledger.js';
import { PostgresDeliveryLedger } from '../../src/notifiers/ledger/postgres.ledger.js';
import { SqliteDeliveryLedger } from '../../src/notifiers/ledger/sqlite.ledger.js';
import type { Delivery, DeliveryReceipt, Notifier } from '../../src/notifiers/notifier.port.js';
import { deleteByPrefix } from '../../testkit/redis.js';
import { notificationOf, syntheticAlert } from '../support/alert-fixture.js';
import { postgresService, redisService } from '../support/services.js';

// `deliveries list|retry` in both modes, in process (src/cli.ts main): a webhook that refuses
// one notification makes a dead delivery; the operator lists it, retries it, and the dispatcher
// then sends that one delivery, not the ones already delivered. Synthetic data only.

const redis = await redisService();
const postgres = await postgresService();
const dir = mkdtempSync(join(tmpdir(), 'sentinel-deliveries-cli-'));

/** A webhook that refuses while `refusing`, and counts what it took. */
class Switchable implements Notifier {
  refusing = true;
  readonly took: Delivery[] = [];
  constructor(readonly channel: string) {}
  async deliver(d: Delivery): Promise<DeliveryReceipt> {
    if (this.channel === 'webhook' && this.refusing) throw new PermanentDeliveryError('webhook answered 410');
    this.took.push(d);
    return { reference: '204' };
  }
}

const ROUTING: RoutingProfile = {
  ...DEFAULT_PROFILE.routing,
  pools: { ...DEFAULT_PROFILE.routing.pools, haematology: { display: 'Haematology' } },
  rules: [{ to: ['pool:haematology'], tiers: ['screening-gap', 'workup-recommended', 'criteria-met'], channels: ['inbox', 'webhook'] }],
};

/** One alert, its notification dispatched once: the inbox delivered, the webhook dead. */
async function deadDelivery(state: ServiceState, ledger: DeliveryLedger, flush?: () => Promise<void>) {
  const inbox = new Switchable('inbox');
  const webhook = new Switchable('webhook');
  const alert = syntheticAlert({ id: randomUUID() });
  await state.alerts.put(alert);
  await state.queue.enqueue(notificationOf(alert));
  const dispatcher = createDispatcher({ queue: state.queue, ledger, notifiers: [inbox, webhook], routing: ROUTING, alerts: state.alerts, log: createLogger({ level: 'silent' }), ...(flush ? { flush } : {}) });
  await dispatcher.drain();
  return { dispatcher, inbox, webhook, alert };
}

async function exercise(state: ServiceState, ledger: DeliveryLedger, args: string[], flush?: () => Promise<void>): Promise<void> {
  const { dispatcher, inbox, webhook } = await deadDelivery(state, ledger, flush);
  expect(inbox.took).toHaveLength(1);

  const listed = await run('deliveries', 'list', '--status', 'dead', ...args);
  expect(listed.code).toBe(0);
  const [dead] = await ledger.list({ status: 'dead' });
  expect(listed.out).toContain(dead!.id);
  expect(listed.out).toMatch(/dead\s+1\s+webhook\s+pool:haematology/);
  expect(listed.out).toContain('DELIVERY_REFUSED: webhook answered 410');
  expect(listed.out).toContain('1 delivery');
  const json = await run('deliveries', 'list', '--json', ...args);
  expect(json.out.split('\n').map((l) => (JSON.parse(l) as DeliveryRecord).status).sort()).toEqual(['dead', 'delivered']);

  // BullMQ's worker keeps running after a drain: stopped, it cannot take the retried job while
  // the webhook still refuses (the operator fixes the cause first)
  await dispatcher.stop();
  const retried = await run('deliveries', 'retry', dead!.id, ...args);
  expect(retried.code).toBe(0);
  expect(retried.out).toContain(`${dead!.id}: pending again (webhook to pool haematology, 1 attempt(s) so far)`);
  expect(retried.out).toContain('1 delivery reopened, 1 notification(s) queued again');
  expect((await ledger.get(dead!.id))?.status).toBe('pending');

  webhook.refusing = false;
  expect(await dispatcher.drain()).toBe(1);
  expect(webhook.took).toHaveLength(1);
  expect(inbox.took).toHaveLength(1); // delivered before: not sent again
  expect(await ledger.get(dead!.id)).toMatchObject({ status: 'delivered', attempts: 2 });
  expect((await run('deliveries', 'retry', dead!.id, ...args)).code).toBe(2); // no longer dead
  await dispatcher.stop();
}

describe('deliveries list and retry, embedded (SQLite)', () => {
  it('lists the dead delivery, retries it, and the dispatcher sends only that one', async () => {
    const path = join(dir, 'embedded.db');
    const state = sqliteState(path, () => new Date());
    await exercise(state, new SqliteDeliveryLedger(state.db), ['--db', path], () => state.db.flush());
    // everything else a second dead delivery needs: --all-dead
    const again = await deadDelivery(state, new SqliteDeliveryLedger(state.db), () => state.db.flush());
    await state.db.flush();
    const all = await run('deliveries', 'retry', '--all-dead', '--db', path);
    expect(all.out).toContain('1 delivery reopened, 1 notification(s) queued again');
    await again.dispatcher.stop();
    await state.close();
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await run('deliveries', 'retry', '--db', join(dir, 'embedded.db'))).code).toBe(2);
    expect((await run('deliveries', 'retry', 'not-an-id', '--db', join(dir, 'embedded.db'))).code).toBe(2);
    expect((await run('deliveries', 'list', '--status', 'lost', '--db', join(dir, 'embedded.db'))).code).toBe(2);
    expect((await run('deliveries', 'list', '--db', join(dir, 'missing.db'))).code).toBe(2);
    expect((await run('deliveries', 'list', '--redis-url', 'redis://127.0.0.1:6379')).err).toContain('--database-url');
  });
});

describe.skipIf(!redis.available || !postgres.available)(`deliveries list and retry, distributed (Redis + PostgreSQL)${redis.available && postgres.available ? '' : ' (skipped: Redis or PostgreSQL not reachable)'}`, () => {
  const prefix = `test:dispatch:cli:${randomUUID()}:`;
  const database = `test_dispatch_cli_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const admin = new pg.Pool({ connectionString: postgres.url, max: 1 });

  afterAll(async () => {
    const conn = new Redis(redis.url);
    await deleteByPrefix(conn, prefix);
    await conn.quit();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  it('lists the dead delivery, retries it (the BullMQ job back from failed), and the dispatcher sends only that one', async () => {
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(postgres.url);
    url.pathname = `/${database}`;
    const state = await redisState({ redisUrl: redis.url, redisPrefix: prefix });
    const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
    try {
      const ledger = await PostgresDeliveryLedger.open({ pool });
      await exercise(state, ledger, ['--redis-url', redis.url, '--redis-prefix', prefix, '--database-url', url.toString()]);
    } finally {
      await pool.end();
      await state.close();
    }
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
