import { SqliteAlertStore } from '../../src/store/sqlite-alert.store.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { alertStoreConformance } from '../support/alert-store-conformance.js';

alertStoreConformance('the SQLite alert store', async () => new SqliteAlertStore(new SqliteDatabase(':memory:')));
