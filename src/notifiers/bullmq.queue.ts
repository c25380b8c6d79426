import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { Notification } from '../domain/alert.js';
import { PermanentDeliveryError, type AlertQueue, type NotificationHandler } from './alert-queue.js';
import { DEFAULT_RETRY_POLICY } from './retry-policy.js';

export interface BullmqAlertQueueOptions {
  /** the queue's connection (the caller's, never closed here); the worker gets a duplicate */
  connection: Redis;
  /** BullMQ queue name (no ':'); default `notifications` */
  queueName?: string;
  /** BullMQ key prefix; default `sentinel:bull` (keys are `<prefix>:<queueName>:…`) */
  prefix?: string;
  /** attempts before a notification is dead; default retry-policy.ts (16) */
  attempts?: number;
  /** first back-off in ms, doubled on every retry; default retry-policy.ts (1000) */
  backoffMs?: number;
  /** how long `drain` also waits for retries that are in back-off; default 0 (what is due only) */
  retryWithinDrainMs?: number;
  /** parallel deliveries of the worker; default 1 */
  concurrency?: number;
  /** how often `drain` checks whether work is left, in ms; default 20 */
  pollMs?: number;
  /**
   * how long a job's lock lasts without renewal (BullMQ lockDuration); default 30 s. A worker
   * that dies mid-delivery holds its job this long before the stalled check gives it to another.
   */
  lockMs?: number;
  /** how often the worker looks for stalled jobs (BullMQ stalledInterval); default 30 s */
  stalledCheckMs?: number;
}

/**
 * The distributed AlertQueue on BullMQ, with ONE long-lived Worker per queue (started by `start`
 * or the first `drain`, closed by `stop`/`close`): BullMQ's model, where the worker blocks on
 * Redis for the next job instead of being built per poll.
 *
 * The job id is the notification key (made safe for BullMQ, see `jobIdOf`): BullMQ ignores an
 * `add` whose id exists, and completed and failed jobs are kept (removeOnComplete/removeOnFail
 * false), so a key already queued, delivered or dead is never queued again. The kept failed jobs
 * are the queue's dead-letter view (`counts().dead`, `requeue`); the delivery ledger holds the
 * per-recipient detail.
 *
 * Retries follow retry-policy.ts: exponential back-off from `backoffMs`, `attempts` in all. A
 * `PermanentDeliveryError` becomes BullMQ's UnrecoverableError: dead at once, no retry.
 */
export class BullmqAlertQueue implements AlertQueue {
  private readonly queue: Queue<Notification>;
  private readonly opts: Required<Omit<BullmqAlertQueueOptions, 'connection'>> & { connection: Redis };
  private workerConnection: Redis | null = null;
  private worker: Worker<Notification> | undefined;
  private handle: NotificationHandler | undefined;
  private inFlight = 0;
  /** the worker has fetched at least once: "nothing waiting" before that may mean "not promoted yet" */
  private fetched = false;
  private completed = 0;
  /** worker errors so far (Redis gone), and the last: a drain under way ends on a new one */
  private errorCount = 0;
  private lastError: Error | undefined;
  private onError: (err: unknown) => void = () => {};

  constructor(options: BullmqAlertQueueOptions) {
    this.opts = {
      queueName: 'notifications',
      prefix: 'sentinel:bull',
      attempts: DEFAULT_RETRY_POLICY.attempts,
      backoffMs: DEFAULT_RETRY_POLICY.backoffMs,
      retryWithinDrainMs: 0,
      concurrency: 1,
      pollMs: 20,
      lockMs: 30_000,
      stalledCheckMs: 30_000,
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

  /**
   * Starts the worker (once; later calls only replace the handler, which the worker reads per
   * job). Deliveries run until `stop`.
   */
  start(handle: NotificationHandler, onError?: (err: unknown) => void): void {
    this.handle = handle;
    if (onError) this.onError = onError;
    if (this.worker) return;
    const worker = new Worker<Notification>(this.opts.queueName, (job) => this.process(job), {
      connection: this.connectionForWorker(),
      prefix: this.opts.prefix,
      concurrency: this.opts.concurrency,
      lockDuration: this.opts.lockMs,
      stalledInterval: this.opts.stalledCheckMs,
    });
    worker.on('active', () => { this.fetched = true; });
    worker.on('drained', () => { this.fetched = true; });
    worker.on('completed', () => { this.completed += 1; });
    worker.on('error', (err) => {
      this.errorCount += 1;
      this.lastError = err;
      this.onError(err);
    });
    this.worker = worker;
  }

  private async process(job: Job<Notification>): Promise<void> {
    this.inFlight += 1;
    try {
      const n = Notification.parse(job.data);
      const attempt = job.attemptsMade + 1;
      const handle = this.handle;
      if (!handle) throw new Error('no handler: start() was not called');
      await handle(n, { attempt, final: attempt >= (job.opts.attempts ?? 1) });
    } catch (err) {
      if (err instanceof PermanentDeliveryError) throw new UnrecoverableError(`${err.name}: ${err.message}`);
      throw err;
    } finally {
      this.inFlight -= 1;
    }
  }

  /**
   * Starts the worker with `handle` if it is not running, then resolves once nothing is waiting
   * and nothing is being delivered by this worker (jobs of other instances, or stale locks of a
   * crashed one, do not hold it up); retries in back-off are waited for `retryWithinDrainMs`.
   * The worker keeps running afterwards. Returns the jobs completed meanwhile.
   */
  async drain(handle: NotificationHandler): Promise<number> {
    const before = this.completed;
    this.start(handle);
    const errorsBefore = this.errorCount;
    const retryUntil = Date.now() + this.opts.retryWithinDrainMs;
    // idle twice in a row, a poll apart: a job Redis has just made active reaches the processor
    // (and `inFlight`) a moment later, and must not pass for "nothing to do"
    let idleChecks = 0;
    for (;;) {
      if (this.errorCount > errorsBefore) throw this.lastError;
      if (this.fetched) {
        const c = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
        const due = (c.waiting ?? 0) + (c.prioritized ?? 0);
        const busy = (c.active ?? 0) > 0 && this.inFlight > 0;
        const retrying = (c.delayed ?? 0) > 0 && Date.now() < retryUntil;
        idleChecks = due === 0 && !busy && !retrying ? idleChecks + 1 : 0;
        if (idleChecks >= 2) return this.completed - before;
      }
      await new Promise((resolve) => setTimeout(resolve, this.opts.pollMs));
    }
  }

  /** Closes the worker: a job in flight finishes first (BullMQ's graceful close). */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.fetched = false;
    if (worker) await worker.close();
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

  /** The dead job of `key` back to waiting, with its attempts renewed. */
  async requeue(key: string): Promise<boolean> {
    const job = await this.queue.getJob(jobIdOf(key));
    if (!job || !(await job.isFailed())) return false;
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return true;
  }

  /** Stops the worker, closes the queue and the worker's connection; the caller's connection stays open. */
  async close(): Promise<void> {
    await this.stop();
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
