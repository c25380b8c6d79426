import type { DeadLetterQuotaStats } from '../deadletters/dead-letter-quota.js';
import type { MetricFamily } from './health.server.js';

const PREFIX = 'poems_sentinel_dead_letters';

/** The dead-letter quota as Prometheus metrics: what is held, the quotas, and what they deleted. */
export function deadLetterMetrics(s: DeadLetterQuotaStats): MetricFamily[] {
  const dropped = Object.entries(s.dropped);
  return [
    { name: `${PREFIX}`, help: 'dead letters held', type: 'gauge', samples: [{ value: s.letters }] },
    { name: `${PREFIX}_bytes`, help: 'dead-letter bytes held (bytes kept, detail, origin)', type: 'gauge', samples: [{ value: s.bytes }] },
    { name: `${PREFIX}_quota_bytes`, help: 'dead-letter quotas, total and per peer', type: 'gauge', samples: [{ labels: { scope: 'total' }, value: s.maxBytes }, { labels: { scope: 'peer' }, value: s.maxBytesPerPeer }] },
    { name: `${PREFIX}_peers`, help: 'peers holding dead letters', type: 'gauge', samples: [{ value: s.peers }] },
    { name: `${PREFIX}_truncated_total`, help: 'dead letters kept as a prefix with their length and SHA-256', type: 'counter', samples: [{ value: s.truncated }] },
    { name: `${PREFIX}_dropped_total`, help: 'dead letters deleted (oldest first) to keep a quota, by quota', type: 'counter', samples: dropped.map(([scope, v]) => ({ labels: { scope }, value: v.letters })) },
    { name: `${PREFIX}_dropped_bytes_total`, help: 'dead-letter bytes deleted to keep a quota, by quota', type: 'counter', samples: dropped.map(([scope, v]) => ({ labels: { scope }, value: v.bytes })) },
  ];
}
