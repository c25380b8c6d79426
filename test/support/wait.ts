import type { IngressAdmin } from '../../src/consumers/kafka/transport.js';

/** Polls `probe` (every `everyMs`) until it returns a value other than undefined / false; fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The group's committed offsets, when they equal the topic's end offsets on every partition. */
export async function caughtUp(admin: IngressAdmin, groupId: string, topic: string): Promise<boolean> {
  const [ends, committed] = await Promise.all([admin.topicOffsets(topic), admin.committedOffsets(groupId, topic)]);
  return ends.every((e) => committed.find((c) => c.partition === e.partition)?.offset === e.high);
}
