import { percentiles, type FeedSummary } from './feed-summary.js';

/** The running counts of a replay, and the samples its percentiles come from. */
export class FeedStats {
  readonly summary: FeedSummary;
  /** ms from a message's write to its ACK */
  readonly latency: number[] = [];
  /** ms a paced message was written after its time */
  readonly lateness: number[] = [];

  constructor(head: Pick<FeedSummary, 'target' | 'pacing' | 'connections'>) {
    this.summary = {
      ...head,
      read: 0,
      skipped: 0,
      notMessages: {},
      delivered: 0,
      acks: { AA: 0, AE: 0, AR: 0 },
      errors: {},
      noAckRequested: 0,
      unsolicited: {},
      retries: 0,
      retriedErrors: {},
      reconnects: 0,
      undelivered: 0,
      paced: { paced: 0, outOfOrder: 0, noTime: 0, unpaced: 0 },
      waits: 0,
      latencyMs: null,
      latenessMs: null,
      seconds: 0,
      messagesPerSecond: 0,
      stopped: null,
    };
  }

  count(record: Record<string, number>, key: string): void {
    record[key] = (record[key] ?? 0) + 1;
  }

  /** The summary as of now (percentiles computed from the samples so far). */
  finish(seconds: number): FeedSummary {
    const s = this.summary;
    s.seconds = seconds;
    const rate = s.delivered / Math.max(seconds, 1e-9);
    // a timed replay of a month runs below one message per second: keep a decimal there
    s.messagesPerSecond = rate >= 100 ? Math.round(rate) : Math.round(rate * 10) / 10;
    s.latencyMs = percentiles([...this.latency]);
    s.latenessMs = percentiles([...this.lateness]);
    return { ...s };
  }
}
