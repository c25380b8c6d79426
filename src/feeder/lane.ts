import type { Logger } from 'pino';
import { SentinelError } from '../errors.js';
import type { FeedMessage } from './feed-reader.js';
import type { FeedStats } from './feed-stats.js';
import type { ReplayJournal } from './journal.js';
import { sleep } from './sleep.js';
import { ChannelBroken, type Answer, type Channel, type FeedTarget } from './target.js';

/** A message handed to a lane, with the time the pacing gave it (performance.now() ms) */
export interface Dispatched {
  message: FeedMessage;
  dueAt: number | null;
}

export interface RetryPolicy {
  /** AE answers retried per message; as many broken connections are tolerated per message */
  retries: number;
  /** first back-off after an AE; doubles each time, at most MAX_RETRY_DELAY_MS */
  retryDelayMs: number;
}

export interface LaneContext {
  target: FeedTarget;
  journal: ReplayJournal;
  stats: FeedStats;
  policy: RetryPolicy;
  /** aborted on stop: no new message is started, back-off waits end */
  stopping: AbortSignal;
  log: Logger;
  onAnswer?: (message: FeedMessage, lane: number, answer: Answer | null) => void;
}

/** messages queued per lane ahead of the one being sent: bounds memory when ACKs are slower than the pacing */
const QUEUE_LIMIT = 256;
const MAX_RETRY_DELAY_MS = 30_000;
/** Reconnecting: 0.25, 0.5, 1, 2, 4, 8, 10, 10 s (about 36 s, a service restart fits), then the run stops. */
const RECONNECT_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000];

/**
 * One connection's worth of the replay: its messages in order, one at a time, each until it has
 * a final answer. AE is retried after a back-off (the patient's next message waits behind it, so
 * order holds); AR is final; a broken connection is reopened and the unacknowledged message sent
 * again. Final answers (AA, AR) go to the journal.
 */
export class Lane {
  private readonly queue: Dispatched[] = [];
  private ended = false;
  private failed = false;
  private wakeRunner: (() => void) | undefined;
  private spaceWaiters: (() => void)[] = [];
  private channel: Channel | undefined;

  constructor(readonly id: number, private readonly ctx: LaneContext) {}

  /** Opens the first connection; a target that cannot be reached fails the run at once. */
  async open(): Promise<void> {
    try {
      this.channel = await this.ctx.target.connect();
    } catch (err) {
      if (err instanceof ChannelBroken) throw new SentinelError('REPLAY_TARGET_UNAVAILABLE', `cannot reach ${this.ctx.target.name} (is the service running?): ${err.message}`, { cause: err });
      throw err;
    }
  }

  /** Queues a message; waits while the lane is full. Returns false once the lane has stopped. */
  async push(item: Dispatched): Promise<boolean> {
    while (this.queue.length >= QUEUE_LIMIT && !this.failed && !this.ctx.stopping.aborted) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    if (this.failed || this.ctx.stopping.aborted) return false;
    this.queue.push(item);
    this.wake();
    return true;
  }

  /** No more messages: `run` ends once the queue is empty. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /** Wakes whatever waits on the lane (stop was signalled). */
  wake(): void {
    this.wakeRunner?.();
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of waiters) w();
  }

  /** Closes the connection at once: the message in flight fails and is not journaled. */
  async abort(): Promise<void> {
    const channel = this.channel;
    this.channel = undefined;
    await channel?.close();
  }

  /** Sends the queue until it ends, the run stops, or the target cannot be reached again (throws). */
  async run(): Promise<void> {
    try {
      for (;;) {
        if (this.ctx.stopping.aborted) return;
        const next = this.queue.shift();
        if (next === undefined) {
          if (this.ended) return;
          await new Promise<void>((resolve) => (this.wakeRunner = resolve));
          this.wakeRunner = undefined;
          continue;
        }
        this.spaceWaiters.shift()?.();
        await this.deliver(next);
      }
    } catch (err) {
      this.failed = true;
      throw err;
    } finally {
      this.wake();
      await this.abort();
    }
  }

  private async deliver({ message, dueAt }: Dispatched): Promise<void> {
    const { stats, policy, stopping } = this.ctx;
    let errors = 0;
    let breaks = 0;
    let first = true;
    for (;;) {
      if (this.channel && !this.channel.isOpen()) {
        // the service closed it between messages (its idle or first-frame deadline): not a failure
        void this.channel.close().catch(() => undefined);
        this.channel = undefined;
        this.ctx.log.debug({ lane: this.id }, 'connection closed by the service while idle; reopening');
        if (await this.reconnect(false) === undefined) return;
      }
      const channel = this.channel ?? (await this.reconnect(true));
      if (channel === undefined) return; // stopped while reconnecting
      if (first && dueAt !== null) stats.lateness.push(Math.max(0, performance.now() - dueAt));
      first = false;
      const sentAt = performance.now();
      let answer: Answer | null;
      try {
        answer = await channel.send(message);
      } catch (err) {
        if (!(err instanceof ChannelBroken)) throw err;
        if (this.channel === channel) this.channel = undefined;
        void channel.close().catch(() => undefined);
        if (stopping.aborted) return;
        breaks += 1;
        this.ctx.log.warn({ lane: this.id, messageControlId: message.controlId, err: err.message }, 'connection lost before the ACK; sending again');
        if (breaks > policy.retries) {
          stats.summary.undelivered += 1;
          stats.count(stats.summary.errors, 'no answer');
          return;
        }
        continue;
      }
      if (answer === null) {
        // sent as asked (MSH-15 NE/ER), never acknowledged: not journaled, a resume sends it again
        stats.summary.noAckRequested += 1;
        stats.summary.delivered += 1;
        this.ctx.onAnswer?.(message, this.id, null);
        return;
      }
      stats.latency.push(performance.now() - sentAt);
      const outcome = answer.outcome ?? 'AE';
      const label = `${outcome} ${answer.outcome === null ? `MSA-1 ${answer.code || '(empty)'}` : answer.errorCode || '(no error code)'}`;
      if (outcome === 'AE' && errors < policy.retries && !stopping.aborted) {
        errors += 1;
        stats.summary.retries += 1;
        stats.count(stats.summary.retriedErrors, label);
        await sleep(Math.min(policy.retryDelayMs * 2 ** (errors - 1), MAX_RETRY_DELAY_MS), stopping);
        if (stopping.aborted) return;
        continue;
      }
      stats.summary.acks[outcome] += 1;
      if (outcome !== 'AA') stats.count(stats.summary.errors, label);
      if (outcome === 'AE') stats.summary.undelivered += 1;
      else {
        stats.summary.delivered += 1;
        this.ctx.journal.record({ file: message.file, index: message.index, controlId: message.controlId, code: answer.code });
      }
      this.ctx.onAnswer?.(message, this.id, answer);
      return;
    }
  }

  /** Reopens the connection with back-off (`counted`: after a failure); undefined when the run stopped meanwhile. */
  private async reconnect(counted: boolean): Promise<Channel | undefined> {
    let last: unknown;
    for (const delay of [0, ...RECONNECT_DELAYS_MS]) {
      if (delay > 0) await sleep(delay, this.ctx.stopping);
      if (this.ctx.stopping.aborted) return undefined;
      try {
        this.channel = await this.ctx.target.connect();
        if (counted) this.ctx.stats.summary.reconnects += 1;
        return this.channel;
      } catch (err) {
        if (!(err instanceof ChannelBroken)) throw err;
        last = err;
      }
    }
    throw new SentinelError('REPLAY_TARGET_UNAVAILABLE', `lost ${this.ctx.target.name} and could not reconnect: ${(last as Error).message}`, { cause: last });
  }
}
