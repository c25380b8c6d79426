import type { Pool } from 'pg';
import { recipientKey } from '../../../domain/recipient.js';
import type { InboxItem, InboxItemStore } from '../inbox-item.store.js';
import { itemOfRow, type ItemRow } from '../rows.js';


export class PgInboxItemStore implements InboxItemStore {
  constructor(private readonly pool: Pool, private readonly s: string) {}

  /**
   * One statement, so two instances delivering the same notification agree: the insert wins
   * once (`created`), a changed key updates (`updated`), the same key changes nothing.
   */
  async record(item: Omit<InboxItem, 'firstDeliveredAt' | 'lastDeliveredAt'>, at: string): Promise<'created' | 'updated' | 'unchanged'> {
    const r = await this.pool.query<{ inserted: boolean }>(
      `INSERT INTO ${this.s}.inbox_items AS i VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (alert_id, recipient_key) DO UPDATE
         SET notification_key = EXCLUDED.notification_key, tier = EXCLUDED.tier, recipient = EXCLUDED.recipient, last_delivered_at = EXCLUDED.last_delivered_at
         WHERE i.notification_key <> EXCLUDED.notification_key
       RETURNING (xmax = 0) AS inserted`,
      [item.alertId, recipientKey(item.recipient), JSON.stringify(item.recipient), item.notificationKey, item.tier, at],
    );
    const row = r.rows[0];
    if (!row) return 'unchanged';
    return row.inserted ? 'created' : 'updated';
  }

  async alertIdsFor(recipientKeys: readonly string[]): Promise<Set<string>> {
    if (recipientKeys.length === 0) return new Set();
    const r = await this.pool.query<{ alert_id: string }>(`SELECT DISTINCT alert_id FROM ${this.s}.inbox_items WHERE recipient_key = ANY($1::text[])`, [recipientKeys]);
    return new Set(r.rows.map((row) => row.alert_id));
  }

  async recipientsOf(alertId: string): Promise<InboxItem[]> {
    const r = await this.pool.query<ItemRow>(`SELECT * FROM ${this.s}.inbox_items WHERE alert_id = $1 ORDER BY first_delivered_at, recipient_key`, [alertId]);
    return r.rows.map(itemOfRow);
  }
}
