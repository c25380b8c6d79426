import { describe, expect, it } from 'vitest';
import { DeadLetterLimits } from '../../src/config/dead-letter.schema.js';
import { peerOf } from '../../src/deadletters/dead-letter-space.js';
import { SqliteDeadLetterStore } from '../../src/store/sqlite-alert.store.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { deadLetterQuotaConformance } from '../support/dead-letter-quota-conformance.js';

deadLetterQuotaConformance('SQLite', async () => new SqliteDeadLetterStore(new SqliteDatabase(':memory:')));

describe('peerOf', () => {
  it.each([
    ['mllp:127.0.0.1:50000', 'mllp:127.0.0.1:'],
    ['mllp:::ffff:10.0.0.1:4000', 'mllp:::ffff:10.0.0.1:'],
    ['mllp:::1:4000', 'mllp:::1:'],
    ['kafka:hl7.inbound2/3/1200', 'kafka:hl7.inbound2/'],
    ['file:/data/feed#12.hl7#7', 'file:/data/feed#12.hl7#'],
    ['elsewhere', 'elsewhere'],
  ])('%s → %s', (origin, peer) => expect(peerOf(origin)).toBe(peer));
});

describe('DeadLetterLimits', () => {
  it('has safe defaults', () => {
    expect(DeadLetterLimits.parse({})).toEqual({ maxBytes: 256 * 2 ** 20, maxBytesPerPeer: 32 * 2 ** 20, keepBytes: 64 * 1024, alarmMs: 60_000 });
  });
  it('refuses a peer quota above the total, or a prefix that does not fit a peer', () => {
    expect(DeadLetterLimits.safeParse({ maxBytes: 10, maxBytesPerPeer: 20 }).success).toBe(false);
    expect(DeadLetterLimits.safeParse({ maxBytesPerPeer: 1000, keepBytes: 1000 }).success).toBe(false);
  });
});
