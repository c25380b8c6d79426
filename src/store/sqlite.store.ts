import type { Statement } from 'better-sqlite3';
import type { StatusClass } from '../domain/finding.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { Measurement, MessageEffects, ResultVersion } from '../domain/result.js';
import type { Timeline } from '../domain/timeline.js';
import { planVersion, reevaluates } from './policy/apply-plan.js';
import { planMerge, reevaluated } from './policy/merge-plan.js';
import type { FirstSeen, StoredVersion } from './policy/stored-version.js';
import { timelineFromRows, type TimelineRow } from './policy/timeline-view.js';
import type { ApplyResult, MessageId, TimelineStore } from './ports/timeline-store.port.js';
import type { SqliteDatabase } from './sqlite-database.js';

/**
 * The stored columns of one result key, read as an array (`raw`): cheaper than an object per row
 * on the hot path. Order: TIMELINE_COLUMNS first (all a timeline needs), then the ranking ones.
 */
type Row = [
  statusClass: StatusClass,
  observedAt: string,
  firstSeen: string,
  findings: string,
  notes: string,
  mKind: Measurement['kind'] | null,
  mValue: number | null,
  mAbnormal: number | null,
  mUnit: string | null,
  mObservedAt: string | null,
  measurementJson: string | null,
  status: string,
  messageTime: string,
  seq: number,
  resultKey: string,
  superseded: string,
];

const COLUMNS =
  'status_class, observed_at, first_seen, findings, notes, m_kind, m_value, m_abnormal, m_unit, m_observed_at, measurement, status, message_time, seq, result_key, superseded';

/**
 * A measurement as columns (most rows of a laboratory feed are a value and nothing else: no
 * JSON to write or parse); `m_observed_at` only when it differs from the row's observation time.
 * `measurement` (JSON) is read for rows written before the columns.
 */
function measurementOf(r: Row): Measurement | null {
  if (r[5] !== null) return { kind: r[5], observedAt: r[9] ?? r[1], abnormal: r[7] === 1, value: r[6] as number, unit: r[8] ?? '' };
  return r[10] === null ? null : (JSON.parse(r[10]) as Measurement);
}

function timelineRow(r: Row): TimelineRow {
  return {
    statusClass: r[0],
    observedAt: r[1],
    firstSeen: r[2] === '{}' ? {} : (JSON.parse(r[2]) as FirstSeen),
    findings: r[3],
    notes: r[4],
    superseded: r[15],
    measurement: measurementOf(r),
  };
}

function stored(r: Row): StoredVersion {
  return { ...timelineRow(r), status: r[11], messageTime: r[12], seq: r[13] };
}

/** The embedded TimelineStore. Synchronous SQLite underneath; async to honour the port. */
export class SqliteTimelineStore implements TimelineStore {
  private seq: number;
  private readonly q: Record<string, Statement>;

  constructor(private readonly sql: SqliteDatabase) {
    const db = sql.db;
    this.q = {
      insertMessage: db.prepare('INSERT OR IGNORE INTO messages (facility, control_id, patient_key, applied_seq, content_hash) VALUES (?, ?, ?, ?, ?)'),
      messageHash: db.prepare('SELECT content_hash FROM messages WHERE facility = ? AND control_id = ?').pluck(),
      insertReuse: db.prepare('INSERT OR IGNORE INTO message_reuses (facility, control_id, content_hash) VALUES (?, ?, ?)'),
      getResult: db.prepare(`SELECT ${COLUMNS} FROM results WHERE patient_key = ? AND result_key = ?`).raw(),
      putResult: db.prepare(
        `INSERT OR REPLACE INTO results (patient_key, result_key, status, status_class, message_time, seq, observed_at, findings, notes, superseded,
           first_seen, m_kind, m_value, m_abnormal, m_unit, m_observed_at, measurement) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
      ),
      patientResults: db.prepare(`SELECT ${COLUMNS} FROM results WHERE patient_key = ?`).raw(),
      deleteResults: db.prepare('DELETE FROM results WHERE patient_key = ?'),
      findingRows: db.prepare('SELECT rows FROM patient_findings WHERE patient_key = ?').pluck(),
      addFindingRows: db.prepare('INSERT INTO patient_findings (patient_key, rows) VALUES (?, ?) ON CONFLICT (patient_key) DO UPDATE SET rows = rows + excluded.rows'),
      countFindingRows: db.prepare("INSERT OR REPLACE INTO patient_findings (patient_key, rows) SELECT ?, COUNT(*) FROM results WHERE patient_key = ? AND findings != '[]'"),
      deleteFindingRows: db.prepare('DELETE FROM patient_findings WHERE patient_key = ?'),
      getMerge: db.prepare('SELECT survivor FROM merges WHERE prior = ?').pluck(),
      putMerge: db.prepare('INSERT OR REPLACE INTO merges (prior, survivor) VALUES (?, ?)'),
      repointMerges: db.prepare('UPDATE merges SET survivor = ? WHERE survivor = ?'),
      patientCount: db.prepare('SELECT COUNT(DISTINCT patient_key) AS n FROM results'),
      maxSeq: db.prepare('SELECT MAX(seq) AS n FROM results'),
    };
    this.seq = ((this.q.maxSeq as Statement).get() as { n: number | null }).n ?? 0;
  }

  async apply(id: MessageId, effects: MessageEffects): Promise<ApplyResult> {
    this.sql.write();
    if (this.sql.retriable) {
      // A replay is re-run whole after a failure: the group is abandoned, no savepoint needed.
      try {
        return this.applySync(id, effects);
      } catch (err) {
        this.sql.abandon();
        throw err;
      }
    }
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
      // nearly every version belongs to the message's own patient, resolved above
      const owner = version.patientKey === effects.patientKey && patient !== null ? patient : this.resolveSync(version.patientKey);
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
   * message without a content hash is judged by its id alone. The hash is read only when the id
   * was seen before.
   */
  private admit(id: MessageId, patient: PatientKey | null): 'new' | 'duplicate' | 'reused' {
    if (this.q.insertMessage!.run(id.sendingFacility, id.controlId, patient, this.seq + 1, id.contentHash ?? '').changes === 1) return 'new';
    const hash = id.contentHash ?? '';
    const first = this.q.messageHash!.get(id.sendingFacility, id.controlId) as string;
    if (hash === '' || first === '' || first === hash) return 'duplicate';
    return this.q.insertReuse!.run(id.sendingFacility, id.controlId, hash).changes === 1 ? 'reused' : 'duplicate';
  }

  /** Latest version wins (spec §2); returns whether the patient is to be re-evaluated. */
  private applyVersion(patient: PatientKey, v: ResultVersion): boolean {
    const plan = planVersion(this.storedOf(patient, v.resultKey), v, this.seq + 1);
    if (plan === null) return false;
    this.seq += 1;
    this.put(patient, v.resultKey, plan.row);
    if (plan.findingRowsDelta !== 0) this.q.addFindingRows!.run(patient, plan.findingRowsDelta);
    return reevaluates(plan, () => ((this.q.findingRows!.get(patient) as number | undefined) ?? 0) > 0);
  }

  private put(patient: PatientKey, resultKey: string, r: StoredVersion): void {
    const m = r.measurement;
    this.q.putResult!.run(
      patient, resultKey, r.status, r.statusClass, r.messageTime, r.seq, r.observedAt, r.findings, r.notes, r.superseded,
      isEmpty(r.firstSeen) ? '{}' : JSON.stringify(r.firstSeen),
      m?.kind ?? null, m?.value ?? null, m === null ? null : m.abnormal ? 1 : 0, m?.unit ?? null, m === null || m.observedAt === r.observedAt ? null : m.observedAt,
    );
  }

  /** Spec §2 merge (policy/merge-plan.ts): the survivor takes the newer version per result key. */
  private merge(prior: PatientKey, survivor: PatientKey): void {
    const rows = (this.q.patientResults!.all(prior) as Row[]).map((r) => [r[14], stored(r)] as const);
    for (const [resultKey, row] of planMerge(rows, (rk) => this.storedOf(survivor, rk))) this.put(survivor, resultKey, row);
    this.q.deleteResults!.run(prior);
    this.q.deleteFindingRows!.run(prior);
    this.q.countFindingRows!.run(survivor, survivor);
    this.q.putMerge!.run(prior, survivor);
    // keep merge chains one hop long: whatever pointed at prior now points at survivor
    this.q.repointMerges!.run(survivor, prior);
  }

  private storedOf(patient: PatientKey, resultKey: string): StoredVersion | undefined {
    const row = this.q.getResult!.get(patient, resultKey) as Row | undefined;
    return row && stored(row);
  }

  private resolveSync(patient: PatientKey): PatientKey {
    return (this.q.getMerge!.get(patient) as string | undefined) ?? patient;
  }

  async resolve(patient: PatientKey): Promise<PatientKey> {
    return this.resolveSync(patient);
  }

  async timeline(patient: PatientKey): Promise<Timeline> {
    const key = this.resolveSync(patient);
    return timelineFromRows(key, (this.q.patientResults!.all(key) as Row[]).map(timelineRow));
  }

  async patientCount(): Promise<number> {
    return (this.q.patientCount!.get() as { n: number }).n;
  }
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
