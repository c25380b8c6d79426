import type { Recipient } from '../../domain/recipient.js';
import type { Tier } from '../../domain/tier.js';

/**
 * An alert in a recipient's inbox, recorded by the inbox channel (notifiers/inbox.notifier.ts)
 * once per (alert, recipient); a later notification of the alert (an escalation, a reopened
 * episode) updates it.
 */
export interface InboxItem {
  alertId: string;
  recipient: Recipient;
  notificationKey: string;
  tier: Tier;
  firstDeliveredAt: string;
  lastDeliveredAt: string;
}

export interface InboxItemStore {
  /**
   * Idempotent: `created` the first time for (alert, recipient), `updated` when the notification
   * key changed, `unchanged` for a repeat of the same notification (at-least-once delivery).
   */
  record(item: Omit<InboxItem, 'firstDeliveredAt' | 'lastDeliveredAt'>, at: string): Promise<'created' | 'updated' | 'unchanged'>;
  /** the alerts routed to any of these recipient keys */
  alertIdsFor(recipientKeys: readonly string[]): Promise<Set<string>>;
  recipientsOf(alertId: string): Promise<InboxItem[]>;
}
