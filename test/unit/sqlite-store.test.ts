import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteTimelineStore } from '../../src/store/sqlite.store.js';
import { describe, expect, it } from 'vitest';
import { effects, timelineConformance, version } from '../support/timeline-conformance.js';
import { timelineGolden } from '../support/timeline-golden.js';

const make = async (): Promise<SqliteTimelineStore> => new SqliteTimelineStore(new SqliteDatabase(':memory:'));
timelineConformance('the SQLite store', make);
timelineGolden('the SQLite store', make);

describe('when a message fails part-way', () => {
  const T1 = '2025-01-01T10:00:00.000Z';
  /** a second version whose findings cannot be read: the store fails after writing the first */
  const failing = (): ReturnType<typeof effects> => {
    const broken = version('A|1', 'r2', T1, 'vegfHigh');
    Object.defineProperty(broken, 'findings', { get: () => { throw new Error('unreadable'); } });
    return effects('A|1', version('A|1', 'r1', T1, 'castleman'), broken);
  };

  it('rolls back only that message when acknowledgements depend on the group (savepoint)', async () => {
    const db = new SqliteDatabase(':memory:');
    const store = new SqliteTimelineStore(db);
    await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1', version('A|1', 'r0', T1, 'neuropathy')));
    await expect(store.apply({ sendingFacility: 'L', controlId: '2' }, failing())).rejects.toThrow('unreadable');
    await db.flush();
    expect((await store.timeline('A|1')).findings.map((f) => f.kind)).toEqual(['neuropathy']);
    expect((await store.apply({ sendingFacility: 'L', controlId: '2' }, effects('A|1'))).duplicate).toBe(false);
  });

  it('abandons the whole group of a retriable run (a replay is re-run whole)', async () => {
    const db = new SqliteDatabase(':memory:', { synchronous: 'NORMAL' });
    expect(db.retriable).toBe(true);
    const store = new SqliteTimelineStore(db);
    await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1', version('A|1', 'r0', T1, 'neuropathy')));
    await expect(store.apply({ sendingFacility: 'L', controlId: '2' }, failing())).rejects.toThrow('unreadable');
    await db.flush();
    expect((await store.timeline('A|1')).findings).toEqual([]);
    expect((await store.apply({ sendingFacility: 'L', controlId: '1' }, effects('A|1'))).duplicate).toBe(false);
  });
});
