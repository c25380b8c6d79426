/**
 * Fixed-window counters (login throttling): at most `limit` events per key per window. Memory is
 * bounded: past `maxKeys` keys the oldest windows are dropped first. Per process: with N
 * instances behind a balancer an attacker gets at most N times the limit (docs/inbox.md).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly opts: { limit: number; windowMs: number; maxKeys?: number }) {}

  /** Milliseconds until the key may try again, or 0 when it may now. */
  blockedFor(key: string, now: number): number {
    const w = this.current(key, now);
    return w && w.count >= this.opts.limit ? w.start + this.opts.windowMs - now : 0;
  }

  hit(key: string, now: number): void {
    const w = this.current(key, now);
    if (w) w.count += 1;
    else {
      this.windows.set(key, { start: now, count: 1 });
      this.evict();
    }
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string, now: number): { start: number; count: number } | undefined {
    const w = this.windows.get(key);
    if (w && now - w.start >= this.opts.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private evict(): void {
    const max = this.opts.maxKeys ?? 100_000;
    // Map keeps insertion order: the first keys have the oldest windows
    for (const key of this.windows.keys()) {
      if (this.windows.size <= max) break;
      this.windows.delete(key);
    }
  }
}
