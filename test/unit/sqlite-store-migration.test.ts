import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteTimelineStore } from '../../src/store/sqlite.store.js';
import { effects, version } from '../support/timeline-conformance.js';

/** The tables as rule version 1 wrote them (before the lifecycle columns). */
const V1_SCHEMA = `
CREATE TABLE messages (facility TEXT NOT NULL, control_id TEXT NOT NULL, patient_key TEXT, applied_seq INTEGER NOT NULL,
  PRIMARY KEY (facility, control_id)) WITHOUT ROWID;
CREATE TABLE results (patient_key TEXT NOT NULL, result_key TEXT NOT NULL, status TEXT NOT NULL,
  message_time TEXT NOT NULL, seq INTEGER NOT NULL, findings TEXT NOT NULL, PRIMARY KEY (patient_key, result_key)) WITHOUT ROWID;
CREATE TABLE alerts (id TEXT PRIMARY KEY, patient_key TEXT NOT NULL, rule_id TEXT NOT NULL, status TEXT NOT NULL,
  tier TEXT NOT NULL, updated_at TEXT NOT NULL, body TEXT NOT NULL);
`;

describe('when the SQLite file was written before rule version 2', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the lifecycle columns, counts finding rows per patient and keeps reading and ranking the old rows', async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-migrate-'));
    const path = join(dir, 'v1.db');
    const old = new Database(path);
    old.exec(V1_SCHEMA);
    const finding = version('A|1', 'dx', '2025-01-02T00:00:00.000Z', 'neuropathy').findings;
    old.prepare('INSERT INTO results VALUES (?, ?, ?, ?, ?, ?)').run('A|1', 'dx', 'F', '2025-01-02T00:00:00.000Z', 1, JSON.stringify(finding));
    old.prepare('INSERT INTO results VALUES (?, ?, ?, ?, ?, ?)').run('A|1', 'cbc', 'F', '2025-01-01T00:00:00.000Z', 2, '[]');
    old.prepare('INSERT INTO messages VALUES (?, ?, ?, ?)').run('L', '1', 'A|1', 1);
    old.close();

    const db = new SqliteDatabase(path);
    const store = new SqliteTimelineStore(db);
    expect(db.db.prepare('SELECT rows FROM patient_findings WHERE patient_key = ?').pluck().get('A|1')).toBe(1);
    expect((await store.timeline('A|1')).findings.map((f) => f.kind)).toEqual(['neuropathy']);
    // an old message id is still a duplicate; an old row is still outranked by a later version
    expect((await store.apply({ sendingFacility: 'L', controlId: '1', contentHash: 'h' }, effects('A|1'))).duplicate).toBe(true);
    const later = await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|1', version('A|1', 'cbc', '2025-01-05T00:00:00.000Z', null)));
    expect(later.patients).toEqual(['A|1']); // a finding is on record: the new time is re-evaluated
    await db.close();
  });
});
