import type { Logger } from 'pino';
import pg from 'pg';
import type { Registry } from 'prom-client';
import type { SiteProfile } from '../config/profile.schema.js';
import { sqliteInboxStores } from '../inbox/store/sqlite/sqlite-inbox.stores.js';
import type { InboxItemStore } from '../inbox/store/inbox-item.store.js';
import { checkRoutedChannels, type ChannelsConfig } from '../notifiers/channels.config.js';
import { createDispatcher, type NotificationDispatcher } from '../notifiers/dispatcher.js';
import { FhirNotifier } from '../notifiers/fhir.notifier.js';
import { Hl7v2Notifier } from '../notifiers/hl7-v2.notifier.js';
import { InboxNotifier } from '../notifiers/inbox.notifier.js';
import type { DeliveryLedger } from '../notifiers/ledger/delivery-ledger.js';
import { PostgresDeliveryLedger } from '../notifiers/ledger/postgres.ledger.js';
import { SqliteDeliveryLedger } from '../notifiers/ledger/sqlite.ledger.js';
import type { Notifier } from '../notifiers/notifier.port.js';
import { channelsNamed } from '../notifiers/routing.js';
import { WebhookNotifier } from '../notifiers/webhook.notifier.js';
import { registerDeliveryMetrics } from '../observability/metrics.js';
import type { ServiceState, SqliteState } from './state.js';

export interface DeliveryOptions {
  state: ServiceState;
  profile: SiteProfile;
  channels: ChannelsConfig;
  /** PostgreSQL for the ledger in the distributed mode; without it a Redis-state service delivers nothing */
  databaseUrl?: string | undefined;
  /** the ledger's schema in PostgreSQL (tests use one of their own) */
  databaseSchema?: string;
  /** the inbox's item store when the inbox is wired; else the embedded one in the SQLite file */
  inboxItems?: InboxItemStore;
  registry?: Registry;
  log: Logger;
  clock?: () => Date;
}

/** Delivery as the composition root runs it. */
export interface Delivery {
  /** undefined when this instance does not deliver (Redis state without a database URL) */
  dispatcher: NotificationDispatcher | undefined;
  ledger: DeliveryLedger | undefined;
  stop(): Promise<void>;
}

/**
 * Builds the notification dispatcher over a state (issue 8): the ledger (SQLite in the service's
 * file, or PostgreSQL), the channels the channels file configures plus the inbox, the routing of
 * the site profile and metrics. (The state's alert store syncs statuses: state.ts.) `dispatcher.start()` is the
 * caller's, after everything that enqueues is up.
 *
 * A Redis-state instance without a database URL has no ledger: it does not consume the queue,
 * and its notifications wait (nothing is lost) for an instance that has one. That is logged.
 */
export async function buildDelivery(o: DeliveryOptions): Promise<Delivery> {
  const log = o.log.child({ component: 'delivery' });
  const clock = o.clock ?? (() => new Date());
  const { state } = o;
  checkRoutedChannels(channelsNamed(o.profile.routing), o.channels);

  let ledger: DeliveryLedger | undefined;
  let pool: pg.Pool | undefined;
  let inboxItems = o.inboxItems;
  if (isSqliteState(state)) {
    ledger = new SqliteDeliveryLedger(state.db);
    inboxItems ??= sqliteInboxStores(state.db).items;
  } else if (o.databaseUrl) {
    pool = new pg.Pool({ connectionString: o.databaseUrl, max: 4, connectionTimeoutMillis: 5_000 });
    // an idle client's error (the server restarted) must not end the process; the next query reconnects
    pool.on('error', (err) => log.warn({ err: err.message }, 'PostgreSQL connection lost'));
    ledger = await PostgresDeliveryLedger.open({ pool, ...(o.databaseSchema ? { schema: o.databaseSchema } : {}) });
  }
  if (ledger === undefined) {
    log.warn('no --database-url: this instance delivers no notifications (they stay queued for an instance with a delivery ledger)');
    return { dispatcher: undefined, ledger: undefined, stop: async () => {} };
  }

  const notifiers: Notifier[] = [];
  if (inboxItems) notifiers.push(new InboxNotifier(inboxItems, clock));
  if (o.channels.fhir) notifiers.push(new FhirNotifier(o.channels.fhir, { log }));
  if (o.channels.webhook) notifiers.push(new WebhookNotifier(o.channels.webhook, { clock, log }));
  if (o.channels['hl7-v2']) notifiers.push(new Hl7v2Notifier(o.channels['hl7-v2'], { clock, log }));

  const observer = o.registry
    ? registerDeliveryMetrics(o.registry, { queueCounts: () => state.queue.counts(), ledgerCounts: () => (ledger as DeliveryLedger).counts(), alerts: () => state.alerts.list() })
    : undefined;
  const flush = state.mode === 'sqlite' ? () => state.durable.flush() : undefined;
  const dispatcher = createDispatcher({
    queue: state.queue, ledger, notifiers, routing: o.profile.routing, alerts: state.alerts, log, clock,
    ...(observer ? { observer } : {}), ...(flush ? { flush } : {}),
  });
  log.info({ channels: notifiers.map((n) => n.channel), ledger: pool ? 'postgres' : 'sqlite' }, 'delivery ready');
  return {
    dispatcher,
    ledger,
    stop: async () => {
      await dispatcher.stop();
      await pool?.end();
    },
  };
}

/** The embedded state (its SQLite file holds the ledger too). */
export function isSqliteState(state: ServiceState): state is SqliteState {
  return state.mode === 'sqlite' && 'db' in state;
}
