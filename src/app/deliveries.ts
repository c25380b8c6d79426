import pg from 'pg';
import type { AlertQueue } from '../notifiers/alert-queue.js';
import type { DeliveryLedger, DeliveryRecord } from '../notifiers/ledger/delivery-ledger.js';
import { PostgresDeliveryLedger } from '../notifiers/ledger/postgres.ledger.js';
import { SqliteDeliveryLedger } from '../notifiers/ledger/sqlite.ledger.js';
import { SentinelError } from '../errors.js';
import { isSqliteState } from './delivery.js';
import { openState, type StateOptions } from './state.js';

/** what the `deliveries` command shows (cli/ reads the ledger's types through app/) */
export { DELIVERY_STATUSES, type DeliveryRecord, type DeliveryStatus } from '../notifiers/ledger/delivery-ledger.js';

export interface LedgerOptions extends Pick<StateOptions, 'dbPath' | 'redisUrl' | 'redisPrefix'> {
  /** PostgreSQL of the distributed mode (with redisUrl) */
  databaseUrl?: string | undefined;
  databaseSchema?: string;
}

/** The ledger and the queue of one deployment, for the `deliveries` command. */
export interface DeliveriesAccess {
  ledger: DeliveryLedger;
  queue: AlertQueue;
  close(): Promise<void>;
}

/**
 * Opens the delivery ledger and the notification queue the service uses: the SQLite file
 * (embedded), or Redis (BullMQ) with PostgreSQL (distributed). A missing file is an error, not
 * an empty ledger.
 */
export async function openDeliveries(o: LedgerOptions): Promise<DeliveriesAccess> {
  if (o.redisUrl && !o.databaseUrl) throw new SentinelError('USAGE', 'with --redis-url the delivery ledger is in PostgreSQL: give --database-url');
  const state = await openState({ ...o, mustExist: true });
  if (isSqliteState(state)) {
    const ledger = new SqliteDeliveryLedger(state.db);
    return { ledger, queue: state.queue, close: () => state.close() };
  }
  const pool = new pg.Pool({ connectionString: o.databaseUrl, max: 2, connectionTimeoutMillis: 5_000 });
  try {
    const ledger = await PostgresDeliveryLedger.open({ pool, ...(o.databaseSchema ? { schema: o.databaseSchema } : {}) });
    return { ledger, queue: state.queue, close: async () => { await pool.end(); await state.close(); } };
  } catch (err) {
    await pool.end();
    await state.close();
    throw err;
  }
}

export interface RetryResult {
  /** the deliveries back to pending */
  reopened: DeliveryRecord[];
  /** notifications put back in the queue (one per notification, however many of its deliveries) */
  requeued: string[];
}

/**
 * `deliveries retry`: dead deliveries back to pending, and their notifications back in the queue
 * with fresh attempts. The dispatcher then sends only what is not delivered: the others of the
 * same notification are not sent again.
 */
export async function retryDeliveries(access: DeliveriesAccess, which: { ids: readonly string[] } | 'all-dead', now: string): Promise<RetryResult> {
  const reopened = await access.ledger.reopen(which, now);
  const requeued: string[] = [];
  for (const key of new Set(reopened.map((r) => r.notificationKey))) {
    if (await access.queue.requeue(key)) requeued.push(key);
  }
  return { reopened, requeued };
}
