import type { IngressProducer, OutboundRecord } from './transport.js';

interface Waiting { topic: string; records: readonly OutboundRecord[]; resolve: () => void; reject: (err: unknown) => void }

/**
 * Group commit for the MLLP → Kafka edge: while one produce request is in flight, the records
 * of every other caller wait and then go together in the next request, in call order (so one
 * patient's messages keep their order). Each caller still resolves only once the broker has
 * acknowledged its records (acks=all); if a request fails, every caller in it is rejected and
 * its MLLP sender gets AE and re-sends.
 */
export class CoalescingProducer implements IngressProducer {
  private waiting: Waiting[] = [];
  private pumping = false;

  constructor(private readonly inner: IngressProducer, private readonly maxRecordsPerRequest = 1000) {}

  send(topic: string, records: readonly OutboundRecord[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ topic, records, resolve, reject });
      if (!this.pumping) void this.pump();
    });
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    while (this.waiting.length > 0) {
      const topic = (this.waiting[0] as Waiting).topic;
      const batch: Waiting[] = [];
      let count = 0;
      // one topic per request, at most maxRecordsPerRequest, always at least one caller
      while (this.waiting.length > 0 && (this.waiting[0] as Waiting).topic === topic && (batch.length === 0 || count + (this.waiting[0] as Waiting).records.length <= this.maxRecordsPerRequest)) {
        const next = this.waiting.shift() as Waiting;
        batch.push(next);
        count += next.records.length;
      }
      try {
        await this.inner.send(topic, batch.flatMap((w) => w.records));
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.pumping = false;
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}
