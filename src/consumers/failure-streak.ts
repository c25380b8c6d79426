/**
 * Whether writes have been failing for a while, for readiness: a streak of failures (AE answers)
 * with no success between them, at least `thresholdMs` long from its first failure to its last.
 * The evidence goes stale: once no failure has been seen for `thresholdMs` (readiness failing
 * sends no more traffic here), readiness returns, so that traffic can find out whether the store
 * recovered instead of being kept away for ever; a still failing store fails it again.
 */
export class FailureStreak {
  private first: number | undefined;
  private last: number | undefined;
  private lastCode = '';

  constructor(private readonly thresholdMs: number) {}

  /** true when this failure starts a streak (worth a log line; the rest are counted) */
  failure(now: number, code: string): boolean {
    const starts = this.first === undefined;
    this.first ??= now;
    this.last = now;
    this.lastCode = code;
    return starts;
  }

  success(): void {
    this.first = undefined;
    this.last = undefined;
  }

  /** how long writes have been failing, when that says the service cannot take traffic now */
  failing(now: number): { forMs: number; code: string } | undefined {
    if (this.first === undefined || this.last === undefined) return undefined;
    if (this.last - this.first < this.thresholdMs || now - this.last >= this.thresholdMs) return undefined;
    return { forMs: now - this.first, code: this.lastCode };
  }
}
