import { recipientKey } from '../../../domain/recipient.js';
import type { InboxItem, InboxItemStore } from '../inbox-item.store.js';
import { itemOfRow, type ItemRow } from '../rows.js';
import { committed, type SqliteHandle } from './sqlite-handle.js';


export class SqliteInboxItemStore implements InboxItemStore {
  constructor(private readonly sql: SqliteHandle) {}

  async record(item: Omit<InboxItem, 'firstDeliveredAt' | 'lastDeliveredAt'>, at: string): Promise<'created' | 'updated' | 'unchanged'> {
    const key = recipientKey(item.recipient);
    return committed(this.sql, () => {
      const db = this.sql.db;
      const row = db.prepare('SELECT notification_key FROM inbox_items WHERE alert_id = ? AND recipient_key = ?').get(item.alertId, key) as { notification_key: string } | undefined;
      if (row?.notification_key === item.notificationKey) return 'unchanged';
      if (row) {
        db.prepare('UPDATE inbox_items SET notification_key = ?, tier = ?, recipient = ?, last_delivered_at = ? WHERE alert_id = ? AND recipient_key = ?')
          .run(item.notificationKey, item.tier, JSON.stringify(item.recipient), at, item.alertId, key);
        return 'updated';
      }
      db.prepare('INSERT INTO inbox_items VALUES (?, ?, ?, ?, ?, ?, ?)').run(item.alertId, key, JSON.stringify(item.recipient), item.notificationKey, item.tier, at, at);
      return 'created';
    });
  }

  async alertIdsFor(recipientKeys: readonly string[]): Promise<Set<string>> {
    if (recipientKeys.length === 0) return new Set();
    const rows = this.sql.db
      .prepare('SELECT DISTINCT alert_id FROM inbox_items WHERE recipient_key IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(recipientKeys)) as { alert_id: string }[];
    return new Set(rows.map((r) => r.alert_id));
  }

  async recipientsOf(alertId: string): Promise<InboxItem[]> {
    const rows = this.sql.db.prepare('SELECT * FROM inbox_items WHERE alert_id = ? ORDER BY first_delivered_at, recipient_key').all(alertId) as ItemRow[];
    return rows.map(itemOfRow);
  }
}
