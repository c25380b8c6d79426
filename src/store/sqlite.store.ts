import type { Statement } from 'better-sqlite3';
import type { StatusClass } from '../domain/finding.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { MessageEffects, ResultVersion } from '../domain/result.js';
import type { Timeline } from '../domain/timeline.js';
import { planVersion } from './policy/apply-plan.js';
import { planMerge, reevaluated } from './policy/merge-plan.js';
import type { FirstSeen, StoredVersion } from './policy/stored-version.js';
import { timelineFromRows } from './policy/timeline-view.js';
import type { SqliteDatabase } from './sqlite-database.js';
import type { ApplyResult, MessageId, TimelineStore } from './ports/timeline-store.port.js';

interface ResultRow {
  result_key: string;
  status: string;
  status_class: StatusClass;
  message_time: string;
  seq: number;
  observed_at: string;
  findings: string;
  notes: string;
  measurement: string | null;
  first_seen: string;
}

const COLUMNS = 'result_key, status, status_class, message_time, seq, observed_at, findings, notes, measurement, first_seen';

function stored(r: ResultRow): StoredVersion {
  return {
    status: r.status,
    statusClass: r.status_class,
    messageTime: r.message_time,
    seq: r.seq,
    observedAt: r.observed_at,
    firstSeen: r.first_seen === '{}' ? {} : (JSON.parse(r.first_seen) as FirstSeen),
    findings: r.findings,
    notes: r.notes,
    measurement: r.measurement,
  };
}

/** The embedded TimelineStore. Synchronous SQLite underneath; async to honour the port. */
export class SqliteTimelineStore implements TimelineStore {
  private seq: number;
  private readonly q: Record<string, Statement>;

  constructor(private readonly sql: SqliteDatabase) {
    const db = sql.db;
    this.q = {
      insertMessage: db.prepare('INSERT OR IGNORE INTO messages (facility, control_id, patient_key, applied_seq, content_hash) VALUES (?, ?, ?, ?, ?)'),
      messageHash: db.prepare('SELECT content_hash FROM messages WHERE facility = ? AND control_id = ?'),
      insertReuse: db.prepare('INSERT OR IGNORE INTO message_reuses (facility, control_id, content_hash) VALUES (?, ?, ?)'),
      getResult: db.prepare(`SELECT ${COLUMNS} FROM results WHERE patient_key = ? AND result_key = ?`),
      putResult: db.prepare(
        'INSERT OR REPLACE INTO results (patient_key, result_key, status, status_class, message_time, seq, observed_at, findings, notes, measurement, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      patientResults: db.prepare(`SELECT ${COLUMNS} FROM results WHERE patient_key = ?`),
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
    const seen = this.admit(id, patient);
    if (seen === 'duplicate') return { duplicate: true, patients: patient ? [patient] : [], merges: [], controlIdReused: false };

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
    return { duplicate: false, patients: reevaluated(touched, (p) => this.resolveSync(p)), merges, controlIdReused: seen === 'reused' };
  }

  /**
   * Spec §2 idempotency: the same (facility, MSH-10) is a duplicate unless its content differs
   * from every content seen under it (a restarted counter: applied, flagged as reused). A
   * message without a content hash is judged by its id alone.
   */
  private admit(id: MessageId, patient: PatientKey | null): 'new' | 'duplicate' | 'reused' {
    const hash = id.contentHash ?? '';
    if (this.q.insertMessage!.run(id.sendingFacility, id.controlId, patient, this.seq + 1, hash).changes === 1) return 'new';
    const first = (this.q.messageHash!.get(id.sendingFacility, id.controlId) as { content_hash: string }).content_hash;
    if (hash === '' || first === '' || first === hash) return 'duplicate';
    return this.q.insertReuse!.run(id.sendingFacility, id.controlId, hash).changes === 1 ? 'reused' : 'duplicate';
  }

  /** Latest version wins (spec §2); returns whether the patient's timeline changed. */
  private applyVersion(patient: PatientKey, v: ResultVersion): boolean {
    const plan = planVersion(this.storedOf(patient, v.resultKey), v, this.seq + 1);
    if (plan === null) return false;
    this.seq += 1;
    this.put(patient, v.resultKey, plan.row);
    return plan.changed;
  }

  private put(patient: PatientKey, resultKey: string, r: StoredVersion): void {
    this.q.putResult!.run(patient, resultKey, r.status, r.statusClass, r.messageTime, r.seq, r.observedAt, r.findings, r.notes, r.measurement, JSON.stringify(r.firstSeen));
  }

  /** Spec §2 merge (policy/merge-plan.ts): the survivor takes the newer version per result key. */
  private merge(prior: PatientKey, survivor: PatientKey): void {
    const rows = (this.q.patientResults!.all(prior) as ResultRow[]).map((r) => [r.result_key, stored(r)] as const);
    for (const [resultKey, row] of planMerge(rows, (rk) => this.storedOf(survivor, rk))) this.put(survivor, resultKey, row);
    this.q.deleteResults!.run(prior);
    this.q.putMerge!.run(prior, survivor);
    // keep merge chains one hop long: whatever pointed at prior now points at survivor
    this.q.repointMerges!.run(survivor, prior);
  }

  private storedOf(patient: PatientKey, resultKey: string): StoredVersion | undefined {
    const row = this.q.getResult!.get(patient, resultKey) as ResultRow | undefined;
    return row && stored(row);
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
    return timelineFromRows(key, (this.q.patientResults!.all(key) as ResultRow[]).map(stored));
  }

  async patientCount(): Promise<number> {
    return (this.q.patientCount!.get() as { n: number }).n;
  }
}
