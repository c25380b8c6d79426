import type { Statement } from 'better-sqlite3';
import type { Finding } from '../domain/finding.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { MessageEffects, ResultVersion } from '../domain/result.js';
import type { SqliteDatabase } from './sqlite-database.js';
import type { ApplyResult, MessageId, TimelineStore } from './timeline-store.js';
import { isNewer } from './version-order.js';
import type { Timeline } from '../domain/timeline.js';
import { timelineOf } from './timeline-of.js';

interface ResultRow { result_key: string; status: string; message_time: string; seq: number; findings: string }

/** The embedded TimelineStore. Synchronous SQLite underneath; async to honour the port. */
export class SqliteTimelineStore implements TimelineStore {
  private seq: number;
  private readonly q: Record<string, Statement>;

  constructor(private readonly sql: SqliteDatabase) {
    const db = sql.db;
    this.q = {
      insertMessage: db.prepare('INSERT OR IGNORE INTO messages (facility, control_id, patient_key, applied_seq) VALUES (?, ?, ?, ?)'),
      getResult: db.prepare('SELECT result_key, status, message_time, seq, findings FROM results WHERE patient_key = ? AND result_key = ?'),
      putResult: db.prepare('INSERT OR REPLACE INTO results (patient_key, result_key, status, message_time, seq, findings) VALUES (?, ?, ?, ?, ?, ?)'),
      patientResults: db.prepare('SELECT result_key, status, message_time, seq, findings FROM results WHERE patient_key = ?'),
      deleteResults: db.prepare('DELETE FROM results WHERE patient_key = ?'),
      getMerge: db.prepare('SELECT survivor FROM merges WHERE prior = ?'),
      putMerge: db.prepare('INSERT OR REPLACE INTO merges (prior, survivor) VALUES (?, ?)'),
      repointMerges: db.prepare('UPDATE merges SET survivor = ? WHERE survivor = ?'),
      patientCount: db.prepare('SELECT COUNT(DISTINCT patient_key) AS n FROM results'),
      maxSeq: db.prepare('SELECT MAX(seq) AS n FROM results'),
    };
    this.seq = ((this.q.maxSeq as Statement).get() as { n: number | null }).n ?? 0;
  }

  async apply(id: MessageId, effects: MessageEffects): Promise<ApplyResult> {
    this.sql.write();
    // A savepoint inside the group transaction: a message is applied whole or not at all, so a
    // retry after a failure part-way never finds half of it recorded as a duplicate.
    return this.sql.db.transaction(() => this.applySync(id, effects))();
  }

  private applySync(id: MessageId, effects: MessageEffects): ApplyResult {
    const patient = effects.patientKey === null ? null : this.resolveSync(effects.patientKey);
    const inserted = this.q.insertMessage!.run(id.sendingFacility, id.controlId, patient, ++this.seq).changes === 1;
    if (!inserted) return { duplicate: true, patients: patient ? [patient] : [], merges: [], controlIdReused: false };

    const touched = new Set<PatientKey>();
    for (const version of effects.results) {
      const owner = this.resolveSync(version.patientKey);
      if (this.applyVersion(owner, version)) touched.add(owner);
    }
    const merges: ApplyResult['merges'] = [];
    for (const m of effects.merges) {
      const survivor = this.resolveSync(m.survivor);
      const prior = this.resolveSync(m.prior);
      if (prior === survivor) continue;
      this.merge(prior, survivor);
      merges.push({ prior, survivor });
      // the prior key now resolves to the survivor: only the survivor is re-evaluated
      touched.add(survivor);
    }
    // a key touched earlier in this message may have been merged away by its end
    return { duplicate: false, patients: [...new Set([...touched].map((p) => this.resolveSync(p)))], merges, controlIdReused: false };
  }

  /** Latest version wins (spec §2); returns whether the patient's findings changed. */
  private applyVersion(patient: PatientKey, v: ResultVersion): boolean {
    const old = this.q.getResult!.get(patient, v.resultKey) as ResultRow | undefined;
    if (!old && v.storeIfNew === false) return false;
    const seq = ++this.seq;
    if (old && !isNewer({ messageTime: v.messageTime, seq }, { messageTime: old.message_time, seq: old.seq })) return false;
    const findings = JSON.stringify(v.findings);
    this.q.putResult!.run(patient, v.resultKey, v.status, v.messageTime, seq, findings);
    return old ? old.findings !== findings : v.findings.length > 0;
  }

  /** Moves every result of `prior` to `survivor`, the newer version winning per result key. */
  private merge(prior: PatientKey, survivor: PatientKey): void {
    for (const row of this.q.patientResults!.all(prior) as ResultRow[]) {
      const old = this.q.getResult!.get(survivor, row.result_key) as ResultRow | undefined;
      if (old && !isNewer({ messageTime: row.message_time, seq: row.seq }, { messageTime: old.message_time, seq: old.seq })) continue;
      this.q.putResult!.run(survivor, row.result_key, row.status, row.message_time, row.seq, row.findings);
    }
    this.q.deleteResults!.run(prior);
    this.q.putMerge!.run(prior, survivor);
    // keep merge chains one hop long: whatever pointed at prior now points at survivor
    this.q.repointMerges!.run(survivor, prior);
  }

  private resolveSync(patient: PatientKey): PatientKey {
    const row = this.q.getMerge!.get(patient) as { survivor: string } | undefined;
    return row ? row.survivor : patient;
  }

  async resolve(patient: PatientKey): Promise<PatientKey> {
    return this.resolveSync(patient);
  }

  async timeline(patient: PatientKey): Promise<Timeline> {
    const key = this.resolveSync(patient);
    const rows = this.q.patientResults!.all(key) as ResultRow[];
    return timelineOf(key, rows.flatMap((r) => (r.findings === '[]' ? [] : (JSON.parse(r.findings) as Finding[]))));
  }

  async patientCount(): Promise<number> {
    return (this.q.patientCount!.get() as { n: number }).n;
  }
}
