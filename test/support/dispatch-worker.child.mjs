// A notification worker in a child process, for the test that kills one mid-delivery
// (test/integration/bullmq-worker-killed.test.ts). It runs the compiled dispatcher (dist/, built
// by `npm run build`) over BullMQ and PostgreSQL, delivering to one webhook, and prints
// "started" once its worker runs. Settings come from the environment (all required):
// REDIS_URL, BULL_PREFIX, DATABASE_URL, LEDGER_SCHEMA, WEBHOOK_URL, WEBHOOK_SECRET, ALERT (JSON).
import process from 'node:process';
import { Redis } from 'ioredis';
import pg from 'pg';
import pino from 'pino';
import { BullmqAlertQueue } from '../../dist/src/notifiers/bullmq.queue.js';
import { createDispatcher } from '../../dist/src/notifiers/dispatcher.js';
import { PostgresDeliveryLedger } from '../../dist/src/notifiers/ledger/postgres.ledger.js';
import { WebhookChannelConfig, WebhookNotifier } from '../../dist/src/notifiers/webhook.notifier.js';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const alert = JSON.parse(env('ALERT'));
const connection = new Redis(env('REDIS_URL'));
// a short lock: the test waits for it to expire after the kill
const queue = new BullmqAlertQueue({ connection, prefix: env('BULL_PREFIX'), lockMs: 1_000, stalledCheckMs: 500 });
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 2 });
const ledger = await PostgresDeliveryLedger.open({ pool, schema: env('LEDGER_SCHEMA') });
const webhook = new WebhookNotifier(WebhookChannelConfig.parse({ url: env('WEBHOOK_URL'), secret: env('WEBHOOK_SECRET'), timeoutMs: 60_000 }));
const routing = {
  pools: { haematology: { display: 'Haematology on call' } },
  rules: [{ to: ['pool:haematology'], tiers: ['screening-gap', 'workup-recommended', 'criteria-met'], channels: ['webhook'] }],
  fallbackPool: null,
};
const dispatcher = createDispatcher({
  queue, ledger, notifiers: [webhook], routing,
  alerts: { getById: async (id) => (id === alert.id ? alert : null) },
  log: pino({ level: 'silent' }),
});
dispatcher.start();
process.stdout.write('started\n');
