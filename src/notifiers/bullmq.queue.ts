import { Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Notification } from '../domain/alert.js';
import { PermanentDeliveryError, type AlertQueue } from './alert-queue.js';

export interface BullmqAlertQueueOptions {
  /** the queue's connection (the caller's, never closed here); the worker gets a duplicate */
  connection: Redis;
  /** BullMQ queue name (no ':'); default `notifications` */
  queueName?: string;
  /** BullMQ key prefix; default `sentinel:bull` (keys are `<prefix>:<queueName>:…`) */
  prefix?: string;
  /** deliveries before a notification is dead; default 11 */
  attempts?: number;
  /** first back-off in ms, doubled on every retry; default 1000 */
  backoffMs?: number;
  /**
   * how long one `drain` keeps its worker for retries that are in back-off; default 0: a drain
   * delivers what is due and returns, a later drain picks the retries up
   */
  retryWithinDrainMs?: number;
  /** parallel deliveries within one drain; default 1 */
  concurrency?: number;
  /** how often `drain` checks whether work is left, in ms; default 20 */
  pollMs?: number;
}

/**
 * The distributed AlertQueue on BullMQ. The job id is the notification key (made safe for BullMQ,
 * see `jobIdOf`): BullMQ ignores an `add` whose id exists, and completed and failed jobs are kept
 * (removeOnComplete/removeOnFail false), so a key already queued, delivered or dead is never
 * queued again. The kept jobs are the ledger `counts()` reads, like the SQLite outbox.
 *
 * Retries: with the defaults (11 attempts, exponential back-off from 1 s) the waits are
 * 1, 2, 4 … 512 s, so a notification is retried for about 17 minutes (1023 s) before it is dead.
 * A `PermanentDeliveryError` becomes BullMQ's UnrecoverableError: dead at once, no retry.
 */
export class BullmqAlertQueue implements AlertQueue {
  private readonly queue: Queue<Notification>;
  private readonly opts: Required<Omit<BullmqAlertQueueOptions, 'connection'>> & { connection: Redis };
  private workerConnection: Redis | null = null;

  constructor(options: BullmqAlertQueueOptions) {
    this.opts = {
      queueName: 'notifications',
      prefix: 'sentinel:bull',
      attempts: 11,
      backoffMs: 1000,
      retryWithinDrainMs: 0,
      concurrency: 1,
      pollMs: 20,
      ...options,
    };
    this.queue = new Queue<Notification>(this.opts.queueName, {
      connection: this.opts.connection,
      prefix: this.opts.prefix,
      defaultJobOptions: {
        attempts: this.opts.attempts,
        backoff: { type: 'exponential', delay: this.opts.backoffMs },
        removeOnComplete: false,
        removeOnFail: false,
      },
    });
  }

  async enqueue(n: Notification): Promise<void> {
    await this.queue.add('notification', n, { jobId: jobIdOf(n.key) });
  }

  async drain(deliver: (n: Notification) => Promise<void>): Promise<number> {
    let delivered = 0;
    let inFlight = 0;
    // the worker's first fetch promotes delayed jobs that are due: until it has fetched, "nothing
    // waiting" may only mean "nothing promoted yet"
    let fetched = false;
    const errors: Error[] = [];
    const worker = new Worker<Notification>(
      this.opts.queueName,
      async (job) => {
        const n = Notification.parse(job.data);
        try {
          await deliver(n);
        } catch (err) {
          if (err instanceof PermanentDeliveryError) throw new UnrecoverableError(`${err.name}: ${err.message}`);
          throw err;
        }
        delivered += 1;
      },
      {
        connection: this.connectionForWorker(),
        prefix: this.opts.prefix,
        concurrency: this.opts.concurrency,
        autorun: false,
      },
    );
    worker.on('active', () => { fetched = true; inFlight += 1; });
    worker.on('drained', () => { fetched = true; });
    worker.on('completed', () => { inFlight -= 1; });
    worker.on('failed', () => { inFlight -= 1; });
    worker.on('error', (err) => { errors.push(err); });
    const running = worker.run();
    try {
      await this.untilIdle(() => ({ fetched, inFlight, failed: errors.length > 0 }), Date.now() + this.opts.retryWithinDrainMs);
    } finally {
      await worker.close();
      await running;
    }
    if (errors.length > 0) throw errors[0];
    return delivered;
  }

  /**
   * Resolves once the worker has fetched at least once, nothing is waiting and nothing is being
   * delivered: no job active in Redis, or none held by this drain's worker (jobs of other
   * instances, or stale locks of a crashed one, do not hold the drain up). Jobs in back-off are
   * waited for until `retryUntil`. A worker error (Redis gone) ends the wait.
   */
  private async untilIdle(worker: () => { fetched: boolean; inFlight: number; failed: boolean }, retryUntil: number): Promise<void> {
    for (;;) {
      const w = worker();
      if (w.failed) return;
      if (w.fetched) {
        const c = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
        const due = (c.waiting ?? 0) + (c.prioritized ?? 0);
        const busy = (c.active ?? 0) > 0 && worker().inFlight > 0;
        const retrying = (c.delayed ?? 0) > 0 && Date.now() < retryUntil;
        if (due === 0 && !busy && !retrying) return;
      }
      await new Promise((resolve) => setTimeout(resolve, this.opts.pollMs));
    }
  }

  async counts(): Promise<{ pending: number; delivered: number; dead: number }> {
    const c = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children', 'completed', 'failed');
    const n = (k: string): number => c[k] ?? 0;
    return {
      pending: n('waiting') + n('active') + n('delayed') + n('prioritized') + n('paused') + n('waiting-children'),
      delivered: n('completed'),
      dead: n('failed'),
    };
  }

  /** Closes the queue and the worker's connection; the caller's connection stays open. */
  async close(): Promise<void> {
    await this.queue.close();
    if (this.workerConnection) await this.workerConnection.quit();
    this.workerConnection = null;
  }

  /** BullMQ requires `maxRetriesPerRequest: null` on a worker's connection (it blocks on it). */
  private connectionForWorker(): Redis {
    this.workerConnection ??= this.opts.connection.duplicate({ maxRetriesPerRequest: null });
    return this.workerConnection;
  }
}

/**
 * A notification key as a BullMQ job id. BullMQ rejects custom ids that contain ':' (except its
 * own legacy three-part form) or that read as an integer. '%' and ':' are percent-encoded, and an
 * all-digit key gets the prefix '%N', which no encoded key can start with: distinct keys stay
 * distinct ids.
 */
export function jobIdOf(key: string): string {
  const id = key.replaceAll('%', '%25').replaceAll(':', '%3A');
  return `${Number.parseInt(id, 10)}` === id ? `%N${id}` : id;
}
