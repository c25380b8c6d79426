import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresDeliveryLedger } from '../../src/notifiers/ledger/postgres.ledger.js';
import { deliveryLedgerConformance } from '../support/delivery-ledger-conformance.js';
import { postgresService } from '../support/services.js';

const postgres = await postgresService();

describe.skipIf(!postgres.available)(`the PostgreSQL delivery ledger${postgres.available ? '' : ` (skipped: ${postgres.reason})`}`, () => {
  let pool: pg.Pool;
  /** one schema per test, all dropped afterwards */
  const schemas: string[] = [];

  beforeAll(() => {
    pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
  });

  afterAll(async () => {
    if (!pool) return;
    for (const s of schemas) await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await pool.end();
  });

  deliveryLedgerConformance(async () => {
    const schema = `test_dispatch_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    schemas.push(schema);
    return { ledger: await PostgresDeliveryLedger.open({ pool, schema }) };
  });
});
