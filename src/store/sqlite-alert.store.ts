import type { Statement } from 'better-sqlite3';
import type { Alert } from '../domain/alert.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { SqliteDatabase } from './sqlite-database.js';
import type { DeadLetterSpace, LetterSize } from '../deadletters/dead-letter-space.js';
import type { AlertStore } from './ports/alert-store.port.js';
import type { DeadLetter, DeadLetterStore } from './ports/dead-letter-store.port.js';

/** `letterSize` in SQL: raw bytes, detail and origin in bytes (UTF-8) */
const LETTER_SIZE = 'length(bytes) + length(CAST(detail AS BLOB)) + length(CAST(origin AS BLOB))';

export class SqliteAlertStore implements AlertStore {
  private readonly byPatient: Statement;
  private readonly versionOf: Statement;
  private readonly upsert: Statement;

  constructor(private readonly sql: SqliteDatabase) {
    this.byPatient = sql.db.prepare('SELECT body FROM alerts WHERE patient_key = ? AND rule_id = ?');
    this.versionOf = sql.db.prepare('SELECT version, body FROM alerts WHERE patient_key = ? AND rule_id = ?');
    this.upsert = sql.db.prepare('INSERT OR REPLACE INTO alerts (id, patient_key, rule_id, status, tier, updated_at, body, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  }

  async get(patient: PatientKey, ruleId: string): Promise<Alert | null> {
    const row = this.byPatient.get(patient, ruleId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Alert) : null;
  }

  async getById(id: string): Promise<Alert | null> {
    const row = this.sql.db.prepare('SELECT body FROM alerts WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Alert) : null;
  }

  async put(alert: Alert): Promise<void> {
    this.sql.write();
    this.write(alert);
  }

  private write(alert: Alert): void {
    this.upsert.run(alert.id, alert.patientKey, alert.rule, alert.status, alert.tier, alert.updatedAt, JSON.stringify(alert), alert.version);
  }

  async replace(alert: Alert, expectedVersion: number | null): Promise<boolean> {
    this.sql.write();
    const db = this.sql.db;
    // one synchronous step: nothing can interleave between the check and the write
    return db.transaction(() => {
      // compare the version column, not the body (issue 7 item 3); NULL: written before the column
      const row = this.versionOf.get(alert.patientKey, alert.rule) as { version: number | null; body: string } | undefined;
      const stored = row === undefined ? null : (row.version ?? (JSON.parse(row.body) as Alert).version);
      if (stored !== expectedVersion) return false;
      this.write(alert);
      return true;
    })();
  }

  async list(filter: { status?: Alert['status']; tier?: Alert['tier'] } = {}): Promise<Alert[]> {
    const rows = this.sql.db
      .prepare(`SELECT body FROM alerts WHERE (@status IS NULL OR status = @status) AND (@tier IS NULL OR tier = @tier) ORDER BY updated_at DESC, id`)
      .all({ status: filter.status ?? null, tier: filter.tier ?? null }) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Alert);
  }

  async rekey(alert: Alert, survivor: PatientKey): Promise<void> {
    await this.put({ ...alert, patientKey: survivor });
  }
}

export class SqliteDeadLetterStore implements DeadLetterStore, DeadLetterSpace {
  constructor(private readonly sql: SqliteDatabase) {}

  async add(l: DeadLetter): Promise<void> {
    this.sql.write();
    this.sql.db.prepare('INSERT INTO dead_letters (received_at, origin, code, detail, bytes) VALUES (?, ?, ?, ?, ?)').run(l.receivedAt, l.origin, l.code, l.detail, l.bytes);
  }

  async count(): Promise<number> {
    return (this.sql.db.prepare('SELECT COUNT(*) AS n FROM dead_letters').get() as { n: number }).n;
  }

  async list(limit: number): Promise<(DeadLetter & { id: number })[]> {
    const rows = this.sql.db.prepare('SELECT id, received_at, origin, code, detail, bytes FROM dead_letters ORDER BY id LIMIT ?').all(limit) as {
      id: number; received_at: string; origin: string; code: DeadLetter['code']; detail: string; bytes: Buffer;
    }[];
    return rows.map((r) => ({ id: r.id, receivedAt: r.received_at, origin: r.origin, code: r.code, detail: r.detail, bytes: r.bytes }));
  }

  async usage(): Promise<{ origin: string; letters: number; bytes: number }[]> {
    return this.sql.db.prepare(`SELECT origin, COUNT(*) AS letters, SUM(${LETTER_SIZE}) AS bytes FROM dead_letters GROUP BY origin`).all() as {
      origin: string; letters: number; bytes: number;
    }[];
  }

  /** Oldest first, a page at a time; the deletions join the open group transaction like every write. */
  async dropOldest(bytes: number, originPrefix?: string): Promise<LetterSize[]> {
    this.sql.write();
    const page = this.sql.db.prepare(
      `SELECT id, origin, ${LETTER_SIZE} AS size FROM dead_letters WHERE id > ? AND (? IS NULL OR substr(origin, 1, length(?)) = ?) ORDER BY id LIMIT 256`,
    );
    const remove = this.sql.db.prepare('DELETE FROM dead_letters WHERE id = ?');
    const gone: LetterSize[] = [];
    let freed = 0;
    let after = 0;
    const prefix = originPrefix ?? null;
    while (freed < bytes) {
      const rows = page.all(after, prefix, prefix, prefix) as { id: number; origin: string; size: number }[];
      if (rows.length === 0) break;
      for (const r of rows) {
        if (freed >= bytes) break;
        remove.run(r.id);
        gone.push({ origin: r.origin, size: r.size });
        freed += r.size;
        after = r.id;
      }
    }
    return gone;
  }
}
