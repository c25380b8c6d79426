import type { Redis } from 'ioredis';

/** Deletes every key under `prefix` (SCAN + UNLINK; never FLUSHDB: the Redis is shared). */
export async function deleteByPrefix(conn: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await conn.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await conn.unlink(...keys);
  } while (cursor !== '0');
}
