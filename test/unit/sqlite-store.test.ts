import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteTimelineStore } from '../../src/store/sqlite.store.js';
import { timelineConformance } from '../support/timeline-conformance.js';

timelineConformance('the SQLite store', async () => new SqliteTimelineStore(new SqliteDatabase(':memory:')));
