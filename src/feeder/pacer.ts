/**
 * When each message of a replay is due. Pure: times in, times out, no clock.
 *
 * - `speed N`: message i is due at start + (MSH-7(i) − MSH-7(first)) / N, so the feed keeps its
 *   original spacing, N times faster. A message without a readable MSH-7, or whose MSH-7 is
 *   earlier than one already scheduled (late arrivals are common in real feeds), is sent at once:
 *   it is not paced, and it is counted.
 * - `rate M`: message i is due at start + i / M seconds, whatever its MSH-7. A sender that fell
 *   behind catches up (the schedule is fixed), so M is the average rate.
 * - `asap`: nothing is due; messages go as fast as the acknowledgements allow.
 */
export type Pacing = { kind: 'speed'; factor: number } | { kind: 'rate'; perSecond: number } | { kind: 'asap' };

/** Why a message was or was not given a time. */
export type PaceKind = 'paced' | 'outOfOrder' | 'noTime' | 'unpaced';

export interface Due {
  /** when to send, on the caller's clock (ms); null = now */
  atMs: number | null;
  kind: PaceKind;
}

export class Pacer {
  private firstFeedTime: number | undefined;
  private latestFeedTime = -Infinity;
  private count = 0;

  /** `startMs`: the caller's clock when the first message is due */
  constructor(private readonly pacing: Pacing, private readonly startMs: number) {}

  /** The next message in feed order, with its MSH-7 (epoch ms) or null. */
  next(feedTime: number | null): Due {
    const p = this.pacing;
    switch (p.kind) {
      case 'asap':
        return { atMs: null, kind: 'unpaced' };
      case 'rate':
        return { atMs: this.startMs + (this.count++ * 1000) / p.perSecond, kind: 'paced' };
      case 'speed': {
        if (feedTime === null) return { atMs: null, kind: 'noTime' };
        if (feedTime < this.latestFeedTime) return { atMs: null, kind: 'outOfOrder' };
        this.latestFeedTime = feedTime;
        this.firstFeedTime ??= feedTime;
        return { atMs: this.startMs + (feedTime - this.firstFeedTime) / p.factor, kind: 'paced' };
      }
    }
  }
}
