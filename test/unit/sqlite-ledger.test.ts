import { describe } from 'vitest';
import { SqliteDeliveryLedger } from '../../src/notifiers/ledger/sqlite.ledger.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { deliveryLedgerConformance } from '../support/delivery-ledger-conformance.js';

describe('the SQLite delivery ledger', () => {
  deliveryLedgerConformance(async () => {
    const db = new SqliteDatabase(':memory:');
    return { ledger: new SqliteDeliveryLedger(db) };
  });
});
