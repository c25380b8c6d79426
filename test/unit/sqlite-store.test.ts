import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteTimelineStore } from '../../src/store/sqlite.store.js';
import { timelineConformance } from '../support/timeline-conformance.js';
import { timelineGolden } from '../support/timeline-golden.js';

const make = async (): Promise<SqliteTimelineStore> => new SqliteTimelineStore(new SqliteDatabase(':memory:'));
timelineConformance('the SQLite store', make);
timelineGolden('the SQLite store', make);
