import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, registerDeliveryMetrics } from '../../src/observability/metrics.js';

describe('the delivery metrics', () => {
  it('count attempts by channel and outcome, and read queue, ledger and alerts at scrape time', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    let pending = 3;
    const observer = registerDeliveryMetrics(registry, {
      queueCounts: async () => ({ pending, delivered: 7, dead: 1 }),
      ledgerCounts: async () => [{ channel: 'webhook', status: 'dead', count: 1 }, { channel: 'inbox', status: 'delivered', count: 9 }],
      alerts: async () => [{ tier: 'criteria-met', status: 'open' }, { tier: 'criteria-met', status: 'open' }, { tier: 'screening-gap', status: 'withdrawn' }],
    });
    observer.attempted('webhook', 'retrying', 0.2);
    observer.attempted('webhook', 'delivered', 0.01);
    observer.attempted('webhook', 'delivered', 0.02);
    const text = await registry.metrics();
    expect(text).toContain('poems_sentinel_delivery_attempts_total{channel="webhook",outcome="delivered"} 2');
    expect(text).toContain('poems_sentinel_delivery_attempts_total{channel="webhook",outcome="retrying"} 1');
    expect(text).toContain('poems_sentinel_delivery_seconds_count{channel="webhook"} 3');
    expect(text).toContain('poems_sentinel_notification_queue{state="pending"} 3');
    expect(text).toContain('poems_sentinel_notification_queue{state="dead"} 1');
    expect(text).toContain('poems_sentinel_deliveries{channel="webhook",status="dead"} 1');
    expect(text).toContain('poems_sentinel_alerts{tier="criteria-met",status="open"} 2');
    expect(text).toContain('poems_sentinel_alerts{tier="screening-gap",status="withdrawn"} 1');
    pending = 0;
    expect(await registry.metrics()).toContain('poems_sentinel_notification_queue{state="pending"} 0');
  });

  it('keeps two registries apart (no global registry)', async () => {
    const a = createMetricsRegistry({ processMetrics: false });
    const b = createMetricsRegistry({ processMetrics: false });
    const sources = { queueCounts: async () => ({ pending: 0, delivered: 0, dead: 0 }), alerts: async () => [] };
    registerDeliveryMetrics(a, sources).attempted('fhir', 'dead', 1);
    registerDeliveryMetrics(b, sources);
    expect(await a.metrics()).toContain('poems_sentinel_delivery_attempts_total{channel="fhir",outcome="dead"} 1');
    expect(await b.metrics()).not.toContain('channel="fhir"');
  });
});
