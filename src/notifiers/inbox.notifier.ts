import type { InboxItemStore } from '../inbox/store/inbox-item.store.js';
import type { Delivery, DeliveryReceipt, Notifier } from './notifier.port.js';

/**
 * Inbox channel: the alert becomes an item in its recipient's inbox (one per alert and
 * recipient; an escalation or a reopened episode updates it). Idempotent, so an at-least-once
 * re-delivery adds nothing. The receipt names what happened (`created`, `updated`, `unchanged`).
 * A failure to write is transient: the store was unreachable, the queue retries.
 */
export class InboxNotifier implements Notifier {
  readonly channel = 'inbox';

  constructor(private readonly items: InboxItemStore, private readonly clock: () => Date = () => new Date()) {}

  async deliver({ notification, recipient }: Delivery): Promise<DeliveryReceipt> {
    const outcome = await this.items.record(
      { alertId: notification.alertId, recipient, notificationKey: notification.key, tier: notification.tier },
      this.clock().toISOString(),
    );
    return { reference: `inbox:${outcome}` };
  }
}
