import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * The inbox's metrics, registered into the registry the composition root serves at /metrics
 * (no global registry: two services in one test process must not share counters).
 */
export interface InboxMetrics {
  /** clinician actions by kind, rule version of the alert acted on, and where they came from */
  actions: Counter<'action' | 'rule_version' | 'via'>;
  /** seconds from the moment an alert asked for attention to the first action on it */
  dwell: Histogram<'action' | 'tier'>;
  /** login attempts by outcome (ok, bad-credentials, throttled, disabled) */
  logins: Counter<'outcome'>;
}

/** A minute to a month: the range between "seen during rounds" and "never looked at". */
export const DWELL_BUCKETS_SECONDS = [60, 300, 900, 3_600, 4 * 3_600, 12 * 3_600, 86_400, 3 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400];

export function registerInboxMetrics(registry: Registry): InboxMetrics {
  return {
    actions: new Counter({
      name: 'poems_sentinel_inbox_actions_total',
      help: 'Clinician actions on alerts by kind, rule version and channel (web, api, cds-hooks)',
      labelNames: ['action', 'rule_version', 'via'],
      registers: [registry],
    }),
    dwell: new Histogram({
      name: 'poems_sentinel_inbox_dwell_seconds',
      help: 'Time from an alert asking for attention (created, escalated, reopened, snooze ended) to the first clinician action',
      labelNames: ['action', 'tier'],
      buckets: DWELL_BUCKETS_SECONDS,
      registers: [registry],
    }),
    logins: new Counter({
      name: 'poems_sentinel_inbox_logins_total',
      help: 'Inbox login attempts by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}
