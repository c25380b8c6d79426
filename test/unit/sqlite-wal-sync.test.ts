import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { WalSyncDurable } from '../../src/store/sqlite-wal-sync.js';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-walsync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the WAL-sync durable', () => {
  it('commits the group transaction and syncs the WAL, with several flushes in flight', async () => {
    const path = join(dir, 'a.db');
    const sql = new SqliteDatabase(path, { synchronous: 'NORMAL' });
    const durable = new WalSyncDurable(sql, path);
    const insert = sql.db.prepare('INSERT INTO merges (prior, survivor) VALUES (?, ?)');
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      sql.write();
      insert.run(`P${i}`, 'S');
      flushes.push(durable.flush());
    }
    await Promise.all(flushes);
    expect(sql.db.inTransaction).toBe(false);
    const reader = new Database(path, { readonly: true });
    expect(reader.prepare('SELECT COUNT(*) AS n FROM merges').get()).toEqual({ n: 20 });
    reader.close();
    await durable.close();
    // closed: the last connection checkpoints and removes the WAL
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('refuses a database that would fsync twice or never', () => {
    const path = join(dir, 'b.db');
    const sql = new SqliteDatabase(path, { synchronous: 'FULL' });
    expect(() => new WalSyncDurable(sql, path)).toThrow(/synchronous = NORMAL/);
    sql.db.close();
  });
});
