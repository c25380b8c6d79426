import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe } from 'vitest';
import { RedisDeadLetterStore } from '../../src/store/redis-alert.store.js';
import { deadLetterQuotaConformance } from '../support/dead-letter-quota-conformance.js';
import { deleteByPrefix } from '../../testkit/redis.js';
import { redisService } from '../support/services.js';

const redis = await redisService();
/** every key these tests write starts with this; afterAll deletes them by prefix */
const ROOT = `test:guard:${randomUUID()}:`;
let stores = 0;

describe.skipIf(!redis.available)('Redis dead letters', () => {
  const conn = redis.available ? new Redis(redis.url, { lazyConnect: true }) : undefined;
  afterAll(async () => {
    if (!conn) return;
    await deleteByPrefix(conn, ROOT);
    conn.disconnect();
  });
  deadLetterQuotaConformance('Redis', async () => new RedisDeadLetterStore(conn as Redis, { prefix: `${ROOT}${++stores}:` }));
});
