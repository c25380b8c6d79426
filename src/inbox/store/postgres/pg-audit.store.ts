import type { Pool } from 'pg';
import type { AuditEntry, AuditLog, AuditQuery, NewAuditEntry } from '../audit.store.js';
import { auditEntryOfRow, type AuditRow } from '../rows.js';


/**
 * The audit trail in PostgreSQL. Sequence numbers are handed out at insert, so under concurrent
 * writers an entry with a lower number can commit a moment after a higher one: an export that
 * pages by `afterSeq` while actions happen should re-read from its last page's first number.
 */
export class PgAuditLog implements AuditLog {
  constructor(private readonly pool: Pool, private readonly s: string) {}

  async append(e: NewAuditEntry): Promise<AuditEntry> {
    const r = await this.pool.query<{ seq: string }>(
      `INSERT INTO ${this.s}.inbox_audit (at, actor, role, action, outcome, alert_id, alert_version, ip, via, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING seq`,
      [e.at, e.actor, e.role, e.action, e.outcome, e.alertId, e.alertVersion, e.ip, e.via, e.detail],
    );
    return { seq: Number(r.rows[0]?.seq), ...e };
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    const r = await this.pool.query<AuditRow>(
      `SELECT * FROM ${this.s}.inbox_audit
       WHERE seq > $1 AND ($2::text IS NULL OR alert_id = $2) AND ($3::text IS NULL OR actor = $3)
         AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
       ORDER BY seq ${q.newestFirst ? 'DESC' : 'ASC'} LIMIT $6`,
      [q.afterSeq ?? 0, q.alertId ?? null, q.actor ?? null, q.from ?? null, q.to ?? null, q.limit],
    );
    return r.rows.map(auditEntryOfRow);
  }
}
