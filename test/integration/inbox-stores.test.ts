import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresInboxStores } from '../../src/inbox/store/postgres/pg-inbox.stores.js';
import { sqliteInboxStores } from '../../src/inbox/store/sqlite/sqlite-inbox.stores.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { inboxStoreConformance } from '../support/inbox-store-conformance.js';
import { postgresService, type ServiceProbe } from '../support/services.js';

inboxStoreConformance('SQLite', async () => sqliteInboxStores(new SqliteDatabase(':memory:')));

describe('the SQLite audit trail', () => {
  it('refuses UPDATE and DELETE in the database itself', async () => {
    const db = new SqliteDatabase(':memory:');
    const s = sqliteInboxStores(db);
    await s.audit.append({ at: '2025-03-01T08:00:00.000Z', actor: 'a', role: null, action: 'login', outcome: 'ok', alertId: null, alertVersion: null, ip: null, via: 'web', detail: '' });
    expect(() => db.db.prepare("UPDATE inbox_audit SET actor = 'b'").run()).toThrow(/append-only/);
    expect(() => db.db.prepare('DELETE FROM inbox_audit').run()).toThrow(/append-only/);
    await db.close();
  });
});

const probe: ServiceProbe = await postgresService();
const schema = `test_inbox_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

async function dropSchema(): Promise<void> {
  const client = new pg.Client({ connectionString: probe.url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

describe.skipIf(!probe.available)('PostgreSQL inbox stores', () => {
  inboxStoreConformance('PostgreSQL', () => postgresInboxStores({ connectionString: probe.url, schema }), dropSchema);

  describe('the audit trail', () => {
    beforeAll(dropSchema);
    afterAll(dropSchema);
    it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
      const s = await postgresInboxStores({ connectionString: probe.url, schema });
      await s.audit.append({ at: '2025-03-01T08:00:00.000Z', actor: 'a', role: null, action: 'login', outcome: 'ok', alertId: null, alertVersion: null, ip: null, via: 'web', detail: '' });
      const client = new pg.Client({ connectionString: probe.url });
      await client.connect();
      try {
        await expect(client.query(`UPDATE ${schema}.inbox_audit SET actor = 'b'`)).rejects.toThrow(/append-only/);
        await expect(client.query(`DELETE FROM ${schema}.inbox_audit`)).rejects.toThrow(/append-only/);
        await expect(client.query(`TRUNCATE ${schema}.inbox_audit`)).rejects.toThrow(/append-only/);
      } finally {
        await client.end();
        await s.close();
      }
    });

    it('creates its schema once when several instances start together', async () => {
      const all = await Promise.all([1, 2, 3].map(() => postgresInboxStores({ connectionString: probe.url, schema })));
      expect(await Promise.all(all.map((s) => s.ready()))).toEqual([true, true, true]);
      await Promise.all(all.map((s) => s.close()));
    });
  });
});
