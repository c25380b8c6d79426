import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { watchedDurable } from '../../src/app/watched-durable.js';
import { isBusy, retryWhileBusy } from '../../src/store/sqlite-busy.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';

const dir = mkdtempSync(join(tmpdir(), 'sentinel-busy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('when another process holds the SQLite write lock', () => {
  it('a group write fails busy at once (short busy_timeout), and succeeds on retry once the lock is free', async () => {
    const path = join(dir, 'busy.db');
    const service = new SqliteDatabase(path, { busyTimeoutMs: 0 });
    const operator = new Database(path);
    operator.exec('BEGIN IMMEDIATE');
    let tries = 0;
    setTimeout(() => operator.exec('COMMIT'), 60);
    await retryWhileBusy(async () => {
      tries += 1;
      service.write();
      service.db.prepare("INSERT INTO merges (prior, survivor) VALUES ('A', 'B')").run();
      await service.flush();
    }, 5_000);
    expect(tries).toBeGreaterThan(1);
    expect(operator.prepare('SELECT COUNT(*) AS n FROM merges').get()).toEqual({ n: 1 });
    operator.close();
    await service.close();
  });

  it('gives up after its time with the busy error, and never retries other errors', async () => {
    const path = join(dir, 'stuck.db');
    const service = new SqliteDatabase(path, { busyTimeoutMs: 0 });
    const operator = new Database(path);
    operator.exec('BEGIN IMMEDIATE');
    const err = await retryWhileBusy(async () => service.write(), 50).catch((e: unknown) => e);
    expect(isBusy(err)).toBe(true);
    operator.exec('ROLLBACK');
    operator.close();
    let calls = 0;
    await expect(retryWhileBusy(async () => {
      calls += 1;
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' });
    }, 1_000)).rejects.toThrow('disk I/O error');
    expect(calls).toBe(1);
    await service.close();
  });
});

describe('a watched durable', () => {
  it('reports commits failing for the threshold, and recovers with the first success', async () => {
    let now = 0;
    let failing = true;
    const durable = watchedDurable({ flush: async () => { if (failing) throw Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' }); }, close: async () => {} }, 1_000, () => now);
    await expect(durable.flush()).rejects.toThrow('disk full');
    expect(durable.failing()).toBeUndefined();
    now = 1_500;
    await expect(durable.flush()).rejects.toThrow('disk full');
    expect(durable.failing()).toMatch(/every commit of the state store failed for 2 s \(SQLITE_FULL\)/);
    failing = false;
    await durable.flush();
    expect(durable.failing()).toBeUndefined();
  });
});
