import type { MllpHealth } from '../consumers/mllp.consumer.js';
import type { MetricFamily } from './health.server.js';

const PREFIX = 'poems_sentinel_mllp';

/** The MLLP listener's counters as Prometheus metrics: one counter per limit that acted, never a log line per event. */
export function mllpMetrics(h: MllpHealth): MetricFamily[] {
  const byLabel = (label: string, values: Record<string, number>) => Object.entries(values).map(([k, value]) => ({ labels: { [label]: k }, value }));
  const rejected = Object.entries(h.rejected);
  return [
    { name: `${PREFIX}_connections`, help: 'open MLLP connections', type: 'gauge', samples: [{ value: h.connections }] },
    { name: `${PREFIX}_connection_slots`, help: 'MLLP connection slots (maxConnections)', type: 'gauge', samples: [{ value: h.maxConnections }] },
    { name: `${PREFIX}_free_slots`, help: 'slots a new connection could have now (free or held by a connection making no progress)', type: 'gauge', samples: [{ value: h.freeSlots }] },
    { name: `${PREFIX}_messages_total`, help: 'frames received', type: 'counter', samples: [{ value: h.messages }] },
    { name: `${PREFIX}_acks_total`, help: 'messages answered, by acknowledgement code', type: 'counter', samples: byLabel('code', h.acked) },
    { name: `${PREFIX}_connections_refused_total`, help: 'connections refused, by reason', type: 'counter', samples: byLabel('reason', h.refused) },
    { name: `${PREFIX}_connections_closed_total`, help: 'connections closed by the listener, by reason', type: 'counter', samples: byLabel('reason', h.closed) },
    { name: `${PREFIX}_rejected_total`, help: 'byte spans rejected by the listener, by error code', type: 'counter', samples: rejected.map(([code, v]) => ({ labels: { code }, value: v.count })) },
    { name: `${PREFIX}_rejected_bytes_total`, help: 'bytes rejected by the listener, by error code', type: 'counter', samples: rejected.map(([code, v]) => ({ labels: { code }, value: v.bytes })) },
    { name: `${PREFIX}_ignored_bytes_total`, help: 'whitespace received between frames', type: 'counter', samples: [{ value: h.ignoredBytes }] },
    { name: `${PREFIX}_tls_handshake_failures_total`, help: 'TLS handshakes that failed', type: 'counter', samples: [{ value: h.tlsHandshakeFailures }] },
  ];
}
