import type { CompiledProfile } from '../extract/compiled-profile.js';
import type { Pipeline } from '../pipeline/ingest.js';
import type { Durable } from '../store/timeline-store.js';
import type { MllpHandler } from './mllp.consumer.js';
import { publishToIngress } from './kafka/ingress.js';
import type { IngressProducer } from './kafka/transport.js';

/**
 * The MLLP handler without Kafka: the pipeline, then a durable commit of the state store, then
 * the answer. AA only once the commit that holds the message has completed; a permanent
 * rejection (dead-lettered by the pipeline, and committed too) is AR with its code; a transient
 * one AE. A failing commit throws, and the listener answers AE STORE_UNAVAILABLE.
 */
export function pipelineMllpHandler(pipeline: Pick<Pipeline, 'handle'>, durable: Durable): MllpHandler {
  const commit = groupCommit(() => durable.flush());
  return async (raw) => {
    const outcome = await pipeline.handle(raw);
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
