import type { AuditEntry, AuditLog, AuditQuery, NewAuditEntry } from '../audit.store.js';
import { auditEntryOfRow, type AuditRow } from '../rows.js';
import { committed, type SqliteHandle } from './sqlite-handle.js';


export class SqliteAuditLog implements AuditLog {
  constructor(private readonly sql: SqliteHandle) {}

  async append(e: NewAuditEntry): Promise<AuditEntry> {
    const seq = await committed(this.sql, () => Number(this.sql.db
      .prepare('INSERT INTO inbox_audit (at, actor, role, action, outcome, alert_id, alert_version, ip, via, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.at, e.actor, e.role, e.action, e.outcome, e.alertId, e.alertVersion, e.ip, e.via, e.detail).lastInsertRowid));
    return { seq, ...e };
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    const rows = this.sql.db.prepare(`SELECT * FROM inbox_audit
      WHERE seq > @after AND (@alert IS NULL OR alert_id = @alert) AND (@actor IS NULL OR actor = @actor)
        AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)
      ORDER BY seq ${q.newestFirst ? 'DESC' : 'ASC'} LIMIT @limit`).all({ after: q.afterSeq ?? 0, alert: q.alertId ?? null, actor: q.actor ?? null, from: q.from ?? null, to: q.to ?? null, limit: q.limit }) as AuditRow[];
    return rows.map(auditEntryOfRow);
  }
}
