import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Alert } from '../domain/alert.js';
import type { DeliveryObserver } from '../notifiers/dispatcher.js';
import type { DeliveryCount } from '../notifiers/ledger/delivery-ledger.js';

/**
 * The service's Prometheus registry: one per service (the composition root makes it and passes
 * it down; no global registry, so two services in one test process never share counters). Parts
 * register their own metrics into it (registerDeliveryMetrics here, registerInboxMetrics in the
 * inbox); /metrics serves `registry.metrics()` after the MLLP listener's hand-written families.
 */
export function createMetricsRegistry(options: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  // CPU, memory, event-loop lag, GC of this process: what an operator looks at first
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'poems_sentinel_' });
  return registry;
}

/** Where the gauges read their values at scrape time. */
export interface DeliverySources {
  queueCounts(): Promise<{ pending: number; delivered: number; dead: number }>;
  ledgerCounts?(): Promise<DeliveryCount[]>;
  alerts(): Promise<Pick<Alert, 'tier' | 'status'>[]>;
}

/** Delivery attempts take milliseconds to a channel's timeout (15 s FHIR, 30 s MLLP ACK). */
const DELIVERY_BUCKETS_SECONDS = [0.005, 0.025, 0.1, 0.25, 1, 2.5, 5, 15, 30];

/**
 * Deliveries by channel and outcome (a counter per attempt and a histogram of its time), queue
 * depth, deliveries in the ledger by channel and status (dead ones are what an operator pages
 * on), alerts by tier and status. Returns the observer the dispatcher reports attempts to.
 */
export function registerDeliveryMetrics(registry: Registry, sources: DeliverySources): DeliveryObserver {
  const attempts = new Counter({
    name: 'poems_sentinel_delivery_attempts_total',
    help: 'Delivery attempts by channel and outcome (delivered, retrying: failed and will be retried, dead: refused or out of attempts)',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'poems_sentinel_delivery_seconds',
    help: 'Time of one delivery attempt by channel',
    labelNames: ['channel'],
    buckets: DELIVERY_BUCKETS_SECONDS,
    registers: [registry],
  });
  new Gauge({
    name: 'poems_sentinel_notification_queue',
    help: 'Notifications in the queue by state (pending: waiting or in back-off; delivered; dead: in the dead-letter view)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const c = await sources.queueCounts();
      for (const state of ['pending', 'delivered', 'dead'] as const) this.set({ state }, c[state]);
    },
  });
  if (sources.ledgerCounts) {
    const ledgerCounts = sources.ledgerCounts;
    new Gauge({
      name: 'poems_sentinel_deliveries',
      help: 'Deliveries in the ledger by channel and status (pending, retrying, delivered, dead)',
      labelNames: ['channel', 'status'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const c of await ledgerCounts()) this.set({ channel: c.channel, status: c.status }, c.count);
      },
    });
  }
  new Gauge({
    name: 'poems_sentinel_alerts',
    help: 'Alerts by tier and status',
    labelNames: ['tier', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = new Map<string, { tier: string; status: string; n: number }>();
      for (const a of await sources.alerts()) {
        const key = `${a.tier} ${a.status}`;
        const c = counts.get(key) ?? { tier: a.tier, status: a.status, n: 0 };
        c.n += 1;
        counts.set(key, c);
      }
      for (const c of counts.values()) this.set({ tier: c.tier, status: c.status }, c.n);
    },
  });
  return {
    attempted(channel, outcome, s) {
      attempts.inc({ channel, outcome });
      seconds.observe({ channel }, s);
    },
  };
}
