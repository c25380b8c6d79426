import { FailureStreak } from '../consumers/failure-streak.js';
import type { Durable } from '../store/timeline-store.js';

/**
 * A Durable whose commits are watched for readiness: when every commit has failed for
 * `thresholdMs`, `failing()` says so (the Kafka consumer's writes included, which no MLLP answer
 * reports). The commit's own error is thrown on as before.
 */
export function watchedDurable(durable: Durable, thresholdMs: number, now: () => number = Date.now): Durable & { failing(): string | undefined } {
  const streak = new FailureStreak(thresholdMs);
  return {
    ...(durable.concurrentFlushes === undefined ? {} : { concurrentFlushes: durable.concurrentFlushes }),
    flush: async () => {
      try {
        await durable.flush();
        streak.success();
      } catch (err) {
        const code = (err as { code?: unknown } | null)?.code;
        streak.failure(now(), typeof code === 'string' ? code : 'STORE_UNAVAILABLE');
        throw err;
      }
    },
    close: () => durable.close(),
    failing: () => {
      const f = streak.failing(now());
      return f ? `every commit of the state store failed for ${Math.round(f.forMs / 1000)} s (${f.code})` : undefined;
    },
  };
}
