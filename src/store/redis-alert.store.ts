import type { Redis } from 'ioredis';
import { STATE_DEFAULTS } from '../config/state.schema.js';
import type { Alert } from '../domain/alert.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { DeadLetterSpace, LetterSize } from '../deadletters/dead-letter-space.js';
import type { AlertStore } from './ports/alert-store.port.js';
import type { DeadLetter, DeadLetterStore } from './ports/dead-letter-store.port.js';
import { luaScript } from './redis/lua-scripts.js';

/** Numbers the letter and appends it. KEYS: list, counter. ARGV: the letter's JSON object without id. */
const ADD_DEAD_LETTER_LUA = `
local id = redis.call('INCR', KEYS[2])
redis.call('RPUSH', KEYS[1], '{"id":' .. string.format('%d', id) .. ',' .. string.sub(ARGV[1], 2))
return id
`;

/**
 * Deletes the oldest letters (of origins starting with a prefix, or of all) until enough bytes
 * are freed. KEYS: list. ARGV: bytes to free, origin prefix ('' = every origin).
 * Returns origin, size, origin, size, … of the letters deleted (size as `letterSize` counts it).
 */
const DROP_OLDEST_DEAD_LETTERS_LUA = `
local need, prefix = tonumber(ARGV[1]), ARGV[2]
local freed, out, remove, start = 0, {}, {}, 0
while freed < need do
  local page = redis.call('LRANGE', KEYS[1], start, start + 99)
  if #page == 0 then break end
  for _, raw in ipairs(page) do
    if freed >= need then break end
    local l = cjson.decode(raw)
    if prefix == '' or string.sub(l.origin, 1, #prefix) == prefix then
      local b = l.bytes
      local pad = 0
      if string.sub(b, -2) == '==' then pad = 2 elseif string.sub(b, -1) == '=' then pad = 1 end
      local size = (#b / 4) * 3 - pad + #l.detail + #l.origin
      remove[#remove + 1] = raw
      out[#out + 1] = l.origin
      out[#out + 1] = size
      freed = freed + size
    end
  end
  start = start + 100
end
if prefix == '' then
  if #remove > 0 then redis.call('LTRIM', KEYS[1], #remove, -1) end
else
  for _, raw in ipairs(remove) do redis.call('LREM', KEYS[1], 1, raw) end
end
return out
`;

interface Commands {
  poemsSentinelPutAlertV4(bodies: string, index: string, byUpdated: string, slotOf: string, versions: string, id: string, field: string, body: string, score: string, version: string, expected?: string): Promise<number>;
  poemsSentinelAddDeadLetterV1(list: string, counter: string, letter: string): Promise<number>;
  poemsSentinelDropOldestDeadLettersV1(list: string, bytes: string, originPrefix: string): Promise<(string | number)[]>;
}

export interface RedisAlertStoreOptions {
  /** prefix of every key; default `sentinel:` */
  prefix?: string;
}

/**
 * Alerts in Redis: `<prefix>alerts` (id → JSON), `<prefix>alerts:by-patient-rule` (JSON
 * [patient, rule] → id), `<prefix>alerts:by-updated` (zset by updatedAt) and
 * `<prefix>alerts:slot` (id → its patient+rule entry), `<prefix>alerts:version` (id → version,
 * what compare-and-set compares; redis/put-alert.lua). All keys are declared to the scripts,
 * so a prefix with a hash tag (`{sentinel}:`) would keep them in one Cluster slot.
 */
export class RedisAlertStore implements AlertStore {
  private readonly cmd: Commands;
  private readonly k: { bodies: string; index: string; byUpdated: string; slotOf: string; versions: string };

  constructor(private readonly redis: Redis, options: RedisAlertStoreOptions = {}) {
    this.k = redisAlertKeys(options.prefix ?? STATE_DEFAULTS.redisPrefix);
    redis.defineCommand('poemsSentinelPutAlertV4', { numberOfKeys: 5, lua: luaScript('put-alert') });
    this.cmd = redis as unknown as Commands;
  }

  async get(patient: PatientKey, ruleId: string): Promise<Alert | null> {
    const id = await this.redis.hget(this.k.index, indexField(patient, ruleId));
    return id === null ? null : this.getById(id);
  }

  async getById(id: string): Promise<Alert | null> {
    const body = await this.redis.hget(this.k.bodies, id);
    return body === null ? null : (JSON.parse(body) as Alert);
  }

  async put(alert: Alert): Promise<void> {
    await this.write(alert);
  }

  async replace(alert: Alert, expectedVersion: number | null): Promise<boolean> {
    return (await this.write(alert, expectedVersion === null ? '' : String(expectedVersion))) === 1;
  }

  private write(alert: Alert, expected?: string): Promise<number> {
    const score = Date.parse(alert.updatedAt);
    const args = [
      this.k.bodies, this.k.index, this.k.byUpdated, this.k.slotOf, this.k.versions,
      alert.id, indexField(alert.patientKey, alert.rule), JSON.stringify(alert), String(Number.isNaN(score) ? 0 : score), String(alert.version),
    ] as const;
    return expected === undefined ? this.cmd.poemsSentinelPutAlertV4(...args) : this.cmd.poemsSentinelPutAlertV4(...args, expected);
  }

  async list(filter: { status?: Alert['status']; tier?: Alert['tier'] } = {}): Promise<Alert[]> {
    const ids = await this.redis.zrevrange(this.k.byUpdated, 0, -1);
    if (ids.length === 0) return [];
    const bodies = await this.redis.hmget(this.k.bodies, ...ids);
    const alerts = bodies.flatMap((b) => (b === null ? [] : [JSON.parse(b) as Alert]))
      .filter((a) => (filter.status === undefined || a.status === filter.status) && (filter.tier === undefined || a.tier === filter.tier));
    // the SQLite order exactly: updatedAt (as text) newest first, then id
    return alerts.sort((a, b) => cmp(b.updatedAt, a.updatedAt) || cmp(a.id, b.id));
  }

  async rekey(alert: Alert, survivor: PatientKey): Promise<void> {
    await this.put({ ...alert, patientKey: survivor });
  }
}

/**
 * Dead letters as a Redis list `<prefix>dead-letters` of JSON objects (bytes base64, so any byte
 * survives) numbered by `<prefix>dead-letters:seq`, oldest first.
 */
export class RedisDeadLetterStore implements DeadLetterStore, DeadLetterSpace {
  private readonly cmd: Commands;
  private readonly list_: string;
  private readonly counter: string;

  constructor(private readonly redis: Redis, options: RedisAlertStoreOptions = {}) {
    const p = options.prefix ?? STATE_DEFAULTS.redisPrefix;
    this.list_ = `${p}dead-letters`;
    this.counter = `${p}dead-letters:seq`;
    redis.defineCommand('poemsSentinelAddDeadLetterV1', { numberOfKeys: 2, lua: ADD_DEAD_LETTER_LUA });
    redis.defineCommand('poemsSentinelDropOldestDeadLettersV1', { numberOfKeys: 1, lua: DROP_OLDEST_DEAD_LETTERS_LUA });
    this.cmd = redis as unknown as Commands;
  }

  async add(l: DeadLetter): Promise<void> {
    const body: StoredLetter = { receivedAt: l.receivedAt, origin: l.origin, code: l.code, detail: l.detail, bytes: l.bytes.toString('base64') };
    await this.cmd.poemsSentinelAddDeadLetterV1(this.list_, this.counter, JSON.stringify(body));
  }

  async count(): Promise<number> {
    return this.redis.llen(this.list_);
  }

  async list(limit: number): Promise<(DeadLetter & { id: number })[]> {
    if (limit <= 0) return [];
    const rows = await this.redis.lrange(this.list_, 0, limit - 1);
    return rows.map((raw) => {
      const r = JSON.parse(raw) as StoredLetter & { id: number };
      return { id: r.id, receivedAt: r.receivedAt, origin: r.origin, code: r.code, detail: r.detail, bytes: Buffer.from(r.bytes, 'base64') };
    });
  }

  async usage(): Promise<{ origin: string; letters: number; bytes: number }[]> {
    const byOrigin = new Map<string, { origin: string; letters: number; bytes: number }>();
    const PAGE = 500;
    for (let start = 0; ; start += PAGE) {
      const rows = await this.redis.lrange(this.list_, start, start + PAGE - 1);
      for (const raw of rows) {
        const r = JSON.parse(raw) as StoredLetter;
        const u = byOrigin.get(r.origin) ?? { origin: r.origin, letters: 0, bytes: 0 };
        u.letters += 1;
        u.bytes += Buffer.from(r.bytes, 'base64').length + Buffer.byteLength(r.detail) + Buffer.byteLength(r.origin);
        byOrigin.set(r.origin, u);
      }
      if (rows.length < PAGE) return [...byOrigin.values()];
    }
  }

  async dropOldest(bytes: number, originPrefix?: string): Promise<LetterSize[]> {
    const flat = await this.cmd.poemsSentinelDropOldestDeadLettersV1(this.list_, String(bytes), originPrefix ?? '');
    const gone: LetterSize[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) gone.push({ origin: String(flat[i]), size: Number(flat[i + 1]) });
    return gone;
  }
}

interface StoredLetter { receivedAt: string; origin: string; code: DeadLetter['code']; detail: string; bytes: string }

/** The alert keys under a prefix; the timeline store's apply script reads the first two back. */
export function redisAlertKeys(p: string): { bodies: string; index: string; byUpdated: string; slotOf: string; versions: string } {
  return { bodies: `${p}alerts`, index: `${p}alerts:by-patient-rule`, byUpdated: `${p}alerts:by-updated`, slotOf: `${p}alerts:slot`, versions: `${p}alerts:version` };
}

/** JSON [patient, rule]; redis/apply.lua builds the same text (cjson, with '/' unescaped). */
function indexField(patient: PatientKey, rule: string): string {
  return JSON.stringify([patient, rule]);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
