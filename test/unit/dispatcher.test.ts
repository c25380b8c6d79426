import { afterEach, describe, expect, it } from 'vitest';
import { acknowledge, dismiss } from '../../src/alerts/alert-actions.js';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { RoutingProfile } from '../../src/config/profile-routing.schema.js';
import type { Alert } from '../../src/domain/alert.js';
import type { Finding } from '../../src/domain/finding.js';
import { createLogger } from '../../src/logger.js';
import { PermanentDeliveryError } from '../../src/notifiers/alert-queue.js';
import { createDispatcher, type NotificationDispatcher } from '../../src/notifiers/dispatcher.js';
import { TransientDeliveryError } from '../../src/notifiers/http-delivery.js';
import { SqliteDeliveryLedger } from '../../src/notifiers/ledger/sqlite.ledger.js';
import { LocalAlertQueue } from '../../src/notifiers/local.queue.js';
import type { Delivery, DeliveryReceipt, Notifier } from '../../src/notifiers/notifier.port.js';
import { withStatusSync } from '../../src/notifiers/status-sync.js';
import { SqliteAlertStore } from '../../src/store/sqlite-alert.store.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { EVIDENCE, notificationOf, syntheticAlert } from '../support/alert-fixture.js';

// Synthetic data only: providers SYNTHHOSP|D1001 (ordering) and SYNTHHOSP|D3003 (attending).

type Script = ('ok' | 'transient' | 'permanent')[];

/** A channel that records what it was given and fails as scripted, attempt by attempt. */
class ScriptedNotifier implements Notifier {
  readonly received: Delivery[] = [];
  attempts = 0;
  constructor(readonly channel: string, private readonly script: Script = [], readonly holdsState = false) {}
  async deliver(d: Delivery): Promise<DeliveryReceipt> {
    this.attempts += 1;
    const step = this.script.shift() ?? 'ok';
    if (step === 'transient') throw new TransientDeliveryError(`${this.channel} answered 503`, 503);
    if (step === 'permanent') throw new PermanentDeliveryError(`${this.channel} answered 410`);
    this.received.push(d);
    return { reference: `${this.channel}-${this.received.length}` };
  }
  to(): string[] {
    return this.received.map((d) => `${d.recipient.kind}:${d.recipient.id}`);
  }
}

const withProviders = (f: Finding, orderingProvider: string, attending: string): Finding => ({ ...f, source: { ...f.source, orderingProvider, attending } });
const CARED_FOR = syntheticAlert({ evidence: EVIDENCE.map((f) => withProviders(f, 'SYNTHHOSP|D1001', 'SYNTHHOSP|D3003')) });

const ROUTING: RoutingProfile = {
  ...DEFAULT_PROFILE.routing,
  pools: { ...DEFAULT_PROFILE.routing.pools, haematology: { display: 'Haematology on call' } },
  rules: [
    ...DEFAULT_PROFILE.routing.rules,
    { to: ['pool:haematology'], tiers: ['criteria-met'], channels: ['webhook', 'fhir'] },
  ],
};

interface Setup {
  dispatcher: NotificationDispatcher;
  queue: LocalAlertQueue;
  ledger: SqliteDeliveryLedger;
  alerts: SqliteAlertStore;
  clock: { now: Date };
  sql: SqliteDatabase;
}

const open: Setup[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) {
    await s.dispatcher.stop();
    await s.sql.close();
  }
});

function setup(notifiers: Notifier[], routing: RoutingProfile = ROUTING, attempts = 3): Setup {
  const sql = new SqliteDatabase(':memory:');
  const clock = { now: new Date('2025-03-01T10:00:00.000Z') };
  const queue = new LocalAlertQueue(sql, () => clock.now, { retry: { attempts, backoffMs: 1000 } });
  const ledger = new SqliteDeliveryLedger(sql);
  const alerts = new SqliteAlertStore(sql);
  const log = createLogger({ level: 'silent' });
  const dispatcher = createDispatcher({ queue, ledger, notifiers, routing, alerts, log, clock: () => clock.now, flush: () => sql.flush() });
  const s = { dispatcher, queue, ledger, alerts, clock, sql };
  open.push(s);
  return s;
}

async function stored(s: Setup, alert: Alert = CARED_FOR): Promise<Alert> {
  await s.alerts.put(alert);
  await s.queue.enqueue(notificationOf(alert));
  return alert;
}

/** the next drain after the back-off of the last failure has passed */
async function later(s: Setup, ms = 60_000): Promise<number> {
  s.clock.now = new Date(s.clock.now.getTime() + ms);
  return s.dispatcher.drain();
}

describe('the notification dispatcher', () => {
  it('delivers a notification to every routed channel × recipient and records each with its receipt', async () => {
    const inbox = new ScriptedNotifier('inbox');
    const webhook = new ScriptedNotifier('webhook');
    const fhir = new ScriptedNotifier('fhir', [], true);
    const s = setup([inbox, webhook, fhir]);
    const alert = await stored(s);
    expect(await s.dispatcher.drain()).toBe(1);
    expect(inbox.to()).toEqual(['ordering-provider:SYNTHHOSP|D1001', 'attending:SYNTHHOSP|D3003']);
    expect(webhook.to()).toEqual(['pool:haematology']);
    expect(fhir.to()).toEqual(['pool:haematology']);
    expect(inbox.received[0]?.alert).toEqual(alert);
    const records = await s.ledger.ofNotification(notificationOf(alert).key);
    expect(records.map((r) => [r.channel, r.status, r.attempts, r.receipt])).toEqual([
      ['inbox', 'delivered', 1, 'inbox-1'], ['inbox', 'delivered', 1, 'inbox-2'], ['webhook', 'delivered', 1, 'webhook-1'], ['fhir', 'delivered', 1, 'fhir-1'],
    ]);
    expect(await s.queue.counts()).toEqual({ pending: 0, delivered: 1, dead: 0 });
  });

  it('retries only the deliveries that failed: one already delivered is never sent again', async () => {
    const inbox = new ScriptedNotifier('inbox');
    const webhook = new ScriptedNotifier('webhook', ['transient', 'transient']);
    const fhir = new ScriptedNotifier('fhir', [], true);
    const s = setup([inbox, webhook, fhir]);
    const alert = await stored(s);
    expect(await s.dispatcher.drain()).toBe(0);
    expect(await s.dispatcher.drain()).toBe(0); // in back-off: not attempted
    expect(webhook.attempts).toBe(1);
    expect(await later(s)).toBe(0);
    expect(await later(s)).toBe(1);
    expect([inbox.attempts, webhook.attempts, fhir.attempts]).toEqual([2, 3, 1]);
    const webhookRecord = (await s.ledger.ofNotification(notificationOf(alert).key)).find((r) => r.channel === 'webhook');
    expect(webhookRecord).toMatchObject({ status: 'delivered', attempts: 3, lastErrorCode: 'DELIVERY_FAILED', lastError: 'webhook answered 503' });
    // the notification enqueued again (a re-evaluation) is the same key: nothing is sent again
    await s.queue.enqueue(notificationOf(alert));
    expect(await later(s)).toBe(0);
    expect([inbox.attempts, webhook.attempts, fhir.attempts]).toEqual([2, 3, 1]);
  });

  it('decides the routes once: a retry reaches the recipients the first attempt planned, not the new care team', async () => {
    const inbox = new ScriptedNotifier('inbox', ['ok', 'transient']);
    const s = setup([inbox], DEFAULT_PROFILE.routing);
    const alert = await stored(s);
    await s.dispatcher.drain();
    await s.alerts.put({ ...alert, evidence: alert.evidence.map((f) => withProviders(f, 'SYNTHHOSP|D9999', 'SYNTHHOSP|D8888')) });
    await later(s);
    expect(inbox.to()).toEqual(['ordering-provider:SYNTHHOSP|D1001', 'attending:SYNTHHOSP|D3003']);
  });

  it('records a refused delivery as dead at once, delivers the others, and retries it when an operator asks', async () => {
    const inbox = new ScriptedNotifier('inbox');
    const webhook = new ScriptedNotifier('webhook', ['permanent']);
    const fhir = new ScriptedNotifier('fhir', [], true);
    const s = setup([inbox, webhook, fhir]);
    const alert = await stored(s);
    expect(await s.dispatcher.drain()).toBe(0);
    expect(await s.queue.counts()).toEqual({ pending: 0, delivered: 0, dead: 1 });
    const [dead] = await s.ledger.list({ status: 'dead' });
    expect(dead).toMatchObject({ channel: 'webhook', recipient: { kind: 'pool', id: 'haematology' }, attempts: 1, lastErrorCode: 'DELIVERY_REFUSED', lastError: 'webhook answered 410' });
    expect(inbox.received).toHaveLength(2);
    // deliveries retry <id>: the record back to pending, the notification back in the queue
    await s.ledger.reopen({ ids: [dead!.id] }, s.clock.now.toISOString());
    expect(await s.queue.requeue(notificationOf(alert).key)).toBe(true);
    expect(await s.queue.requeue(notificationOf(alert).key)).toBe(false);
    expect(await s.dispatcher.drain()).toBe(1);
    expect([inbox.attempts, webhook.attempts, fhir.attempts]).toEqual([2, 2, 1]);
    expect(await s.ledger.get(dead!.id)).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('declares a delivery dead after the last attempt', async () => {
    const inbox = new ScriptedNotifier('inbox', ['transient', 'transient', 'transient', 'transient']);
    const s = setup([inbox], DEFAULT_PROFILE.routing, 3);
    await stored(s, syntheticAlert()); // no provider on the evidence: the fallback pool
    await s.dispatcher.drain();
    await later(s);
    await later(s);
    expect(inbox.attempts).toBe(3);
    expect(await s.ledger.list()).toMatchObject([{ channel: 'inbox', recipient: { kind: 'pool', id: 'poems-review' }, status: 'dead', attempts: 3, lastErrorCode: 'DELIVERY_FAILED' }]);
    expect(await s.queue.counts()).toEqual({ pending: 0, delivered: 0, dead: 1 });
  });

  it('records a route to a channel that is not configured as dead (DELIVERY_NO_CHANNEL)', async () => {
    const inbox = new ScriptedNotifier('inbox');
    const s = setup([inbox]);
    await stored(s);
    await s.dispatcher.drain();
    expect((await s.ledger.list({ status: 'dead' })).map((r) => [r.channel, r.lastErrorCode]).sort()).toEqual([['fhir', 'DELIVERY_NO_CHANNEL'], ['webhook', 'DELIVERY_NO_CHANNEL']]);
    expect(inbox.received).toHaveLength(2);
  });

  it('sends nothing for an alert that is not in the store, and says so in the queue', async () => {
    const inbox = new ScriptedNotifier('inbox');
    const s = setup([inbox]);
    await s.queue.enqueue(notificationOf(CARED_FOR));
    expect(await s.dispatcher.drain()).toBe(0);
    expect(await s.queue.counts()).toEqual({ pending: 0, delivered: 0, dead: 1 });
    expect(inbox.attempts).toBe(0);
  });

  it('keeps polling after a poll fails (the database busy), and reports the failure', async () => {
    const inbox = new ScriptedNotifier('inbox');
    const s = setup([inbox], DEFAULT_PROFILE.routing);
    await stored(s);
    await s.sql.flush();
    // the first poll's own commit (after the dispatcher's) meets SQLITE_BUSY, outside any
    // notification's handling
    const flush = s.sql.flush.bind(s.sql);
    let calls = 0;
    s.sql.flush = async () => {
      calls += 1;
      if (calls === 2) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
      await flush();
    };
    const failures: unknown[] = [];
    s.queue.start(async (n, a) => { await s.dispatcher.dispatch(n, a); }, (err) => failures.push(err));
    for (let i = 0; i < 300 && (await s.queue.counts()).delivered === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(failures).toHaveLength(1);
    expect((await s.queue.counts()).delivered).toBe(1);
  });

  it('runs as a long-lived poller once started', async () => {
    const inbox = new ScriptedNotifier('inbox');
    const s = setup([inbox], DEFAULT_PROFILE.routing);
    s.dispatcher.start();
    await stored(s);
    await s.sql.flush();
    for (let i = 0; i < 200 && inbox.received.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(inbox.to()).toEqual(['ordering-provider:SYNTHHOSP|D1001', 'attending:SYNTHHOSP|D3003']);
  });
});

describe('status sync', () => {
  it('sends a status change to the stateful channels the episode reached, and nowhere else', async () => {
    const inbox = new ScriptedNotifier('inbox');
    const webhook = new ScriptedNotifier('webhook');
    const fhir = new ScriptedNotifier('fhir', [], true);
    const s = setup([inbox, webhook, fhir]);
    const synced = withStatusSync(s.alerts, s.queue, () => s.clock.now);
    const alert = await stored(s);
    await s.dispatcher.drain();

    const acked = acknowledge(alert, '2025-03-01T11:00:00.000Z', 'dr.test');
    expect(await synced.replace(acked, alert.version)).toBe(true);
    const dismissed = dismiss(acked, '2025-03-01T12:00:00.000Z', 'poems-excluded', 'synthetic', 'dr.test');
    expect(await synced.replace(dismissed, acked.version)).toBe(true);
    expect(await s.dispatcher.drain()).toBe(2);
    expect(fhir.received.map((d) => [d.notification.event, d.notification.status, d.alert.status])).toEqual([
      ['created', undefined, 'open'], ['status', 'acknowledged', 'dismissed'], ['status', 'dismissed', 'dismissed'],
    ]);
    expect([inbox.attempts, webhook.attempts]).toEqual([2, 1]);
    expect(fhir.to()).toEqual(['pool:haematology', 'pool:haematology', 'pool:haematology']);
    expect(fhir.received[1]?.notification.key).toBe(`${alert.id}|1|status|${acked.version}`);
  });

  it('sends no status notification for a write that tells a tier (created, escalated, reopened) or keeps the status', async () => {
    const s = setup([new ScriptedNotifier('fhir', [], true)]);
    const synced = withStatusSync(s.alerts, s.queue, () => s.clock.now);
    const alert = syntheticAlert({ tier: 'workup-recommended', notifiedTiers: ['workup-recommended'], status: 'acknowledged' });
    expect(await synced.replace(alert, null)).toBe(true);
    const escalated = { ...alert, version: alert.version + 1, tier: 'criteria-met' as const, notifiedTiers: ['workup-recommended' as const, 'criteria-met' as const], status: 'open' as const };
    expect(await synced.replace(escalated, alert.version)).toBe(true);
    const refreshed = { ...escalated, version: escalated.version + 1, reason: 'new evidence' };
    expect(await synced.replace(refreshed, escalated.version)).toBe(true);
    expect(await synced.replace({ ...refreshed, version: 99 }, 42)).toBe(false);
    expect(await s.queue.counts()).toEqual({ pending: 0, delivered: 0, dead: 0 });
    const withdrawn = { ...refreshed, version: refreshed.version + 1, status: 'withdrawn' as const };
    expect(await synced.replace(withdrawn, refreshed.version)).toBe(true);
    expect(await s.queue.counts()).toEqual({ pending: 1, delivered: 0, dead: 0 });
  });
});
