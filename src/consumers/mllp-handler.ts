import type { Embedded } from '../main.js';
import type { MllpHandler } from './mllp.consumer.js';

/**
 * The MLLP handler of the embedded mode: the pipeline, then a durable SQLite commit, then the
 * answer. AA only once the commit that holds the message has completed; a permanent rejection
 * (dead-lettered by the pipeline, and committed too) is AR with its code; a transient one AE.
 * A failing commit throws, and the listener answers AE STORE_UNAVAILABLE.
 */
export function embeddedMllpHandler(app: Pick<Embedded, 'pipeline' | 'db'>): MllpHandler {
  const commit = groupCommit(() => app.db.flush());
  return async (raw) => {
    const outcome = await app.pipeline.handle(raw);
    await commit();
    if (outcome.status === 'accepted') return { code: 'AA', message: outcome.message };
    return {
      code: outcome.permanent ? 'AR' : 'AE',
      message: outcome.message ?? null,
      error: { code: outcome.code, text: outcome.detail },
    };
  };
}

/**
 * Group commit: every caller waiting at the same time (messages of several connections handled
 * in one turn of the event loop) shares one flush. A caller's promise resolves only after a
 * flush that *started* after the call, so everything it wrote before calling is in that commit;
 * flushes never overlap. If the flush fails, every caller of that batch sees the failure.
 */
export function groupCommit(flush: () => Promise<void>): () => Promise<void> {
  let pending: Promise<void> | undefined;
  let previous: Promise<unknown> = Promise.resolve();
  return () => {
    if (pending) return pending;
    const before = previous;
    const batch: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => before)
      .then(() => {
        // callers from here on need the next flush: their writes may not be in this one
        if (pending === batch) pending = undefined;
        return flush();
      });
    pending = batch;
    previous = batch.catch(() => undefined);
    return batch;
  };
}
