import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../support/cli-run.js';
import { deleteByPrefix } from '../../testkit/redis.js';
import { redisService } from '../support/services.js';

// Every command that opens state goes through app/state.ts, so the Redis mode is the same code
// path as SQLite: replay files into Redis, then list, explain, acknowledge and export there.

const redis = await redisService();
const dir = mkdtempSync(join(tmpdir(), 'sentinel-cli-redis-'));
const prefix = `test:house:cli:${randomUUID()}:`;
let conn: Redis | undefined;

const ORU = [
  'MSH|^~\\&|LAB|SYNTHLAB|SENTINEL|SYNTHHOSP|20250301120000||ORU^R01^ORU_R01|CLIR0001|P|2.5.1',
  'PID|1||P9101^^^SYNTH^MR||TESTPATIENT^REDIS||19700101|F',
  'OBR|1|PL1|FL1|58410-2^CBC^LN|||20250301110000',
  'OBX|1|NM|777-3^Platelets^LN||530|10*3/uL|150-400|H|||F|||20250301110000',
].join('\r');
const DX = [
  'MSH|^~\\&|ADT|SYNTHHOSP|SENTINEL|SYNTHHOSP|20250302120000||ADT^A08^ADT_A01|CLIR0002|P|2.5.1',
  'EVN|A08|20250302120000',
  'PID|1||P9101^^^SYNTH^MR||TESTPATIENT^REDIS||19700101|F',
  'DG1|1||G61.81^Chronic inflammatory demyelinating polyneuritis^I10||20250302|F',
].join('\r');

describe.skipIf(!redis.available)(`when the CLI works on Redis state${redis.available ? '' : ` (skipped: ${redis.reason})`}`, () => {
  const state = (): string[] => ['--redis-url', redis.url, '--redis-prefix', prefix];
  beforeAll(() => {
    conn = new Redis(redis.url);
  });
  afterAll(async () => {
    if (conn) {
      await deleteByPrefix(conn, prefix);
      await conn.quit();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('replays files into Redis, not into a SQLite file', async () => {
    const feed = join(dir, 'feed.hl7');
    writeFileSync(feed, `${ORU}\r\n${DX}\r\n`);
    const db = join(dir, 'never.db');
    const r = await run('replay', feed, '--db', db, ...state());
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/accepted:\s+2/);
    expect(r.out).toMatch(/patients on record:\s+1/);
    expect(await conn?.keys(`${prefix}*`)).not.toHaveLength(0);
    // the SQLite file was never opened, so `alerts --db` refuses it rather than creating it
    expect((await run('alerts', 'list', '--db', db)).err).toMatch(/INPUT_UNREADABLE/);
  });

  it('lists, explains and acknowledges the alert in Redis, then exports its new status', async () => {
    const exported = await run('alerts', 'export', ...state());
    expect(exported.code, exported.err).toBe(0);
    const alert = JSON.parse(exported.out.split('\n')[0] ?? '{}') as { id: string; patientKey: string; status: string };
    expect(alert).toMatchObject({ patientKey: 'SYNTH|P9101', status: 'open' });
    expect((await run('alerts', 'list', ...state())).out).toContain(alert.id);
    const explained = await run('alerts', 'explain', 'SYNTH|P9101', '--json', ...state());
    expect(explained.code, explained.err).toBe(0);
    expect(JSON.parse(explained.out)).toMatchObject({ alert: { id: alert.id } });
    const acked = await run('alerts', 'ack', alert.id, '--by', 'dr-test', ...state());
    expect(acked.code, acked.err).toBe(0);
    expect(acked.out).toBe(`${alert.id}: acknowledged`);
    const after = await run('alerts', 'export', '--status', 'acknowledged', ...state());
    expect(after.out).toContain(alert.id);
  });
});
