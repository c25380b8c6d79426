import type { CompiledProfile } from '../extract/compiled-profile.js';
import type { Pipeline, RawMessage } from '../pipeline/ingest.js';
import type { Durable } from '../store/timeline-store.js';
import type { MllpHandler, MllpHandlerResult } from './mllp.consumer.js';
import { retryWhileBusy } from '../store/sqlite-busy.js';
import { publishToIngress } from './kafka/ingress.js';
import type { IngressProducer } from './kafka/transport.js';

/** How long a message that meets a busy database (another process holds the write lock) is retried before AE. */
export const BUSY_RETRY_MS = 5_000;

/**
 * The MLLP handler without Kafka: the pipeline, then a durable commit of the state store, then
 * the answer. AA only once the commit that holds the message has completed; a permanent
 * rejection (dead-lettered by the pipeline, and committed too) is AR with its code; a transient
 * one AE. A failing commit throws, and the listener answers AE STORE_UNAVAILABLE.
 *
 * `commit` is a Durable (flushed through its own group commit) or a group commit shared with
 * other writers (the dead letters of the listener's own rejects). A database busy with another
 * process's write (the CLI, an operator's sqlite3 shell: SQLITE_BUSY once its short busy_timeout
 * ran out) is retried with back-off for `busyRetryMs`, well within a sender's ACK timeout, before
 * the message is answered AE; the event loop stays free meanwhile. A retry is safe: the message
 * is applied whole or not at all, and applying it again is a duplicate.
 */
export function pipelineMllpHandler(pipeline: Pick<Pipeline, 'handle'>, commit: Durable | (() => Promise<void>), busyRetryMs = BUSY_RETRY_MS): MllpHandler {
  const flush = typeof commit === 'function' ? commit : groupCommit(() => commit.flush(), commit.concurrentFlushes ?? 1);
  // the pipeline sees one connection's messages one after another, in order; the commits of
  // messages a sender pipelined are then shared (see the listener's drain)
  const inOrder = new Map<string, Promise<unknown>>();
  const handler = async (raw: RawMessage): Promise<MllpHandlerResult> => {
    const before = inOrder.get(raw.origin);
    const handled = (before ?? Promise.resolve()).then(() => retryWhileBusy(() => pipeline.handle(raw), busyRetryMs));
    const settled = handled.then(() => undefined, () => undefined);
    inOrder.set(raw.origin, settled);
    void settled.then(() => {
      if (inOrder.get(raw.origin) === settled) inOrder.delete(raw.origin);
    });
    const outcome = await handled;
    await retryWhileBusy(flush, busyRetryMs);
    if (outcome.status === 'accepted') return { code: 'AA', message: outcome.message };
    return {
      code: outcome.permanent ? 'AR' : 'AE',
      message: outcome.message ?? null,
      error: { code: outcome.code, text: outcome.detail },
    };
  };
  return Object.assign(handler, { inOrder: true as const });
}

/**
 * The MLLP handler in front of Kafka: AA once the broker has acknowledged the record with
 * acks=all. A message that cannot parse is still published (Kafka keeps the whole raw feed; the
 * consumer dead-letters it) and answered AR with its code, so the sender stops resending it.
 * The record key is the patient key under the site's profile, the one the pipeline computes
 * (its authorities by facility): otherwise one patient's messages could land in two partitions.
 */
export function kafkaMllpHandler(producer: IngressProducer, topic: string, profile: CompiledProfile): MllpHandler {
  return async (raw) => {
    const result = await publishToIngress(producer, raw, topic, profile);
    if (!result.unparseable) return { code: 'AA', message: result.message ?? null };
    return { code: 'AR', message: null, error: { code: result.unparseable.code, text: result.unparseable.detail } };
  };
}

/**
 * Group commit: every caller waiting at the same time (messages of several connections handled
 * in one turn of the event loop) shares one flush. A caller's promise resolves only after a
 * flush that *started* after the call, so everything it wrote before calling is in that commit.
 * At most `concurrency` flushes run at once (1: flushes never overlap); a batch waits for a free
 * one and gathers every caller meanwhile. If the flush fails, every caller of that batch sees
 * the failure.
 */
export function groupCommit(flush: () => Promise<void>, concurrency = 1): () => Promise<void> {
  let pending: { promise: Promise<void>; resolve: () => void; reject: (err: unknown) => void; due: boolean } | undefined;
  let running = 0;
  const start = (): void => {
    const batch = pending;
    if (!batch?.due || running >= concurrency) return;
    // callers from here on need the next flush: their writes may not be in this one
    pending = undefined;
    running += 1;
    flush()
      .then(batch.resolve, batch.reject)
      .finally(() => {
        running -= 1;
        start();
      });
  };
  return () => {
    if (pending) return pending.promise;
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const batch = { promise, resolve, reject, due: false };
    pending = batch;
    // the rest of this turn's callers join the batch
    setImmediate(() => {
      batch.due = true;
      start();
    });
    return promise;
  };
}
