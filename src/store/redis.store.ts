import type { Redis } from 'ioredis';
import { STATE_DEFAULTS } from '../config/state.schema.js';
import type { Finding } from '../domain/finding.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { MessageEffects } from '../domain/result.js';
import type { ApplyResult, MessageId, TimelineStore } from './timeline-store.js';
import type { Timeline } from '../domain/timeline.js';
import { timelineOf } from './timeline-of.js';

/**
 * Keys (all under `prefix`, default `sentinel:`):
 *   <prefix>msg            hash  JSON [facility, controlId] → patient the message named ('' if none)
 *   <prefix>seq            int   arrival sequence, INCR inside the apply script (version tie-break)
 *   <prefix>patients       set   patients holding at least one result (patientCount)
 *   <prefix>merges         hash  prior → survivor, always one hop (chains are flattened)
 *   <prefix>p:<patient>    hash  resultKey → {"status","messageTime","ms","seq","findings":[...]}
 *   <prefix>mr:<survivor>  set   the priors that point at <survivor> (to repoint chains)
 *
 * A stored version is written by the script with a fixed member order, `findings` last, so the
 * script can read the header without decoding (and re-encoding) the findings: cjson would turn
 * an empty array into `{}` and round numbers to 14 digits. `ms` is Date.parse(messageTime) as
 * computed by JavaScript (null when the time does not parse), so the Lua comparison is the one of
 * version-order.ts to the millisecond without parsing dates in Lua.
 *
 * Single Redis only: the script reads and writes per-patient keys it only learns while running
 * (after resolving merges), which Redis Cluster forbids (one script = declared keys of one hash
 * slot). This project targets one Redis (AOF on; Kafka keeps the raw feed for rebuilds).
 */
const APPLY_LUA = `
local msgKey, seqKey, patientsKey, mergesKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local prefix = ARGV[1]
local e = cjson.decode(ARGV[3])

local function resolve(p)
  local s = redis.call('HGET', mergesKey, p)
  if s then return s end
  return p
end

-- header of a stored version (everything before "findings"), and its raw findings JSON
local function split(raw)
  local at = string.find(raw, ',"findings":', 1, true)
  local h = cjson.decode(string.sub(raw, 1, at - 1) .. '}')
  local ms = nil
  if h.ms ~= cjson.null then ms = tonumber(h.ms) end
  return { messageTime = h.messageTime, ms = ms, seq = h.seq }, string.sub(raw, at + 12, -2)
end

-- version-order.ts isNewer: later message time wins, an empty time sorts first, ties by seq
local function isNewer(c, cur)
  if c.messageTime ~= cur.messageTime and c.messageTime ~= '' and cur.messageTime ~= '' then
    if c.ms == nil or cur.ms == nil then return false end -- Date.parse gave NaN
    return c.ms > cur.ms
  end
  if c.messageTime == '' and cur.messageTime ~= '' then return false end
  if cur.messageTime == '' and c.messageTime ~= '' then return true end
  return c.seq >= cur.seq
end

local function encode(v, seq, findings)
  local ms = v.ms
  if ms == nil or ms == cjson.null then ms = 'null' end
  return '{"status":' .. cjson.encode(v.s) .. ',"messageTime":' .. cjson.encode(v.t) .. ',"ms":' .. ms ..
    ',"seq":' .. string.format('%d', seq) .. ',"findings":' .. findings .. '}'
end

local patient = nil
if e.p ~= nil and e.p ~= cjson.null then patient = resolve(e.p) end
if redis.call('HSETNX', msgKey, ARGV[2], patient or '') == 0 then
  local ps = {}
  if patient then ps[1] = patient end
  return cjson.encode({ d = 1, p = ps, m = {} })
end

local touched, seen = {}, {}
local function touch(p)
  if not seen[p] then seen[p] = true; touched[#touched + 1] = p end
end

for i, v in ipairs(e.r) do
  local findings = ARGV[3 + i]
  local owner = resolve(v.p)
  local key = prefix .. 'p:' .. owner
  local oldRaw = redis.call('HGET', key, v.k)
  if oldRaw or v.n ~= 0 then
    local seq = redis.call('INCR', seqKey)
    local write, changed = true, findings ~= '[]'
    if oldRaw then
      local old, oldFindings = split(oldRaw)
      local ms = nil
      if v.ms ~= nil and v.ms ~= cjson.null then ms = tonumber(v.ms) end
      write = isNewer({ messageTime = v.t, ms = ms, seq = seq }, old)
      changed = oldFindings ~= findings
    end
    if write then
      redis.call('HSET', key, v.k, encode(v, seq, findings))
      redis.call('SADD', patientsKey, owner)
      if changed then touch(owner) end
    end
  end
end

local merges = {}
for _, m in ipairs(e.m) do
  local survivor, prior = resolve(m[2]), resolve(m[1])
  if prior ~= survivor then
    local pKey, sKey = prefix .. 'p:' .. prior, prefix .. 'p:' .. survivor
    local rows = redis.call('HGETALL', pKey)
    for j = 1, #rows, 2 do
      local rk, raw = rows[j], rows[j + 1]
      local oldRaw = redis.call('HGET', sKey, rk)
      if (not oldRaw) or isNewer(split(raw), (split(oldRaw))) then
        redis.call('HSET', sKey, rk, raw)
        redis.call('SADD', patientsKey, survivor)
      end
    end
    redis.call('DEL', pKey)
    redis.call('SREM', patientsKey, prior)
    redis.call('HSET', mergesKey, prior, survivor)
    -- keep merge chains one hop long: whatever pointed at prior now points at survivor
    local rKey, sRKey = prefix .. 'mr:' .. prior, prefix .. 'mr:' .. survivor
    for _, x in ipairs(redis.call('SMEMBERS', rKey)) do
      redis.call('HSET', mergesKey, x, survivor)
      redis.call('SADD', sRKey, x)
    end
    redis.call('DEL', rKey)
    redis.call('SADD', sRKey, prior)
    merges[#merges + 1] = { prior, survivor }
    touch(survivor)
  end
end

-- only survivors are re-evaluated: a key merged away later in this message resolves onward
local patients, out = {}, {}
for _, p in ipairs(touched) do
  local r = resolve(p)
  if not out[r] then out[r] = true; patients[#patients + 1] = r end
end
return cjson.encode({ d = 0, p = patients, m = merges })
`;

/** Reads a patient's stored versions after resolving merges, in one atomic step. */
const FINDINGS_LUA = `
local s = redis.call('HGET', KEYS[1], ARGV[2])
local patient = ARGV[2]
if s then patient = s end
return redis.call('HGETALL', ARGV[1] .. 'p:' .. patient)
`;

interface Commands {
  poemsSentinelApplyV1(msgs: string, seq: string, patients: string, merges: string, prefix: string, msgId: string, meta: string, ...findings: string[]): Promise<string>;
  poemsSentinelFindingsV1(merges: string, prefix: string, patient: string): Promise<string[]>;
}

interface ApplyReply {
  d: 0 | 1;
  /** cjson encodes an empty Lua table as {} */
  p: PatientKey[] | Record<string, never>;
  m: [PatientKey, PatientKey][] | Record<string, never>;
}

export interface RedisTimelineStoreOptions {
  /** prefix of every key this store writes; default `sentinel:` */
  prefix?: string;
}

/**
 * The distributed TimelineStore. `apply` is one Lua script, so several instances (each with its
 * own connection) can apply messages of the same patients concurrently: Redis runs scripts one
 * at a time, and the script checks-and-sets the message id, resolves merges, compares versions
 * and writes in one step. The connection is the caller's: this store never closes it.
 */
export class RedisTimelineStore implements TimelineStore {
  readonly prefix: string;
  private readonly cmd: Commands;
  private readonly keys: { msgs: string; seq: string; patients: string; merges: string };

  constructor(private readonly redis: Redis, options: RedisTimelineStoreOptions = {}) {
    // the scripts build per-patient keys themselves: an ioredis keyPrefix would not reach them
    if (redis.options.keyPrefix) throw new Error('RedisTimelineStore: use the prefix option, not an ioredis keyPrefix');
    this.prefix = options.prefix ?? STATE_DEFAULTS.redisPrefix;
    const p = this.prefix;
    this.keys = { msgs: `${p}msg`, seq: `${p}seq`, patients: `${p}patients`, merges: `${p}merges` };
    // defineCommand: EVALSHA, falling back to EVAL (which loads the script) on NOSCRIPT
    redis.defineCommand('poemsSentinelApplyV1', { numberOfKeys: 4, lua: APPLY_LUA });
    redis.defineCommand('poemsSentinelFindingsV1', { numberOfKeys: 1, lua: FINDINGS_LUA });
    this.cmd = redis as unknown as Commands;
  }

  async apply(id: MessageId, effects: MessageEffects): Promise<ApplyResult> {
    const meta = {
      p: effects.patientKey ?? undefined,
      r: effects.results.map((v) => ({
        p: v.patientKey,
        k: v.resultKey,
        s: v.status,
        t: v.messageTime,
        ms: msOf(v.messageTime),
        n: v.storeIfNew === false ? 0 : 1,
      })),
      m: effects.merges.map((m) => [m.prior, m.survivor]),
    };
    const k = this.keys;
    const reply = await this.cmd.poemsSentinelApplyV1(
      k.msgs, k.seq, k.patients, k.merges,
      this.prefix, JSON.stringify([id.sendingFacility, id.controlId]), JSON.stringify(meta),
      ...effects.results.map((v) => JSON.stringify(v.findings)),
    );
    const r = JSON.parse(reply) as ApplyReply;
    const patients = Array.isArray(r.p) ? r.p : [];
    const merges = Array.isArray(r.m) ? r.m.map(([prior, survivor]) => ({ prior, survivor })) : [];
    return { duplicate: r.d === 1, patients, merges, controlIdReused: false };
  }

  async timeline(patient: PatientKey): Promise<Timeline> {
    const flat = await this.cmd.poemsSentinelFindingsV1(this.keys.merges, this.prefix, patient);
    const rows: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) rows.push([flat[i] as string, flat[i + 1] as string]);
    // a stable order (by result key), like the SQLite primary key
    rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return timelineOf(patient, rows.flatMap(([, raw]) => (JSON.parse(raw) as { findings: Finding[] }).findings));
  }

  async resolve(patient: PatientKey): Promise<PatientKey> {
    return (await this.redis.hget(this.keys.merges, patient)) ?? patient;
  }

  async patientCount(): Promise<number> {
    return this.redis.scard(this.keys.patients);
  }
}

/** Date.parse as a decimal string for the script, or null where it gives NaN. */
function msOf(messageTime: string): string | null {
  const ms = Date.parse(messageTime);
  return Number.isNaN(ms) ? null : String(ms);
}
