import type { Redis } from 'ioredis';
import type { StatusClass } from '../domain/finding.js';
import type { PatientKey } from '../domain/patient-key.js';
import type { MessageEffects } from '../domain/result.js';
import type { Timeline } from '../domain/timeline.js';
import { NO_FINDINGS, findingsAsRead } from './policy/stored-version.js';
import { timelineFromRows, type TimelineRow } from './policy/timeline-view.js';
import type { ApplyResult, MessageId, TimelineStore } from './timeline-store.js';

/**
 * Keys (all under `prefix`, default `sentinel:`):
 *   <prefix>msg            hash  JSON [facility, controlId] → "<content hash>\n<patient>" (patient '' if none)
 *   <prefix>msg:reused     set   "<JSON [facility, controlId]>\n<content hash>" of reused control ids applied
 *   <prefix>seq            int   arrival sequence, INCR inside the apply script (version tie-break)
 *   <prefix>patients       set   patients holding at least one result (patientCount)
 *   <prefix>merges         hash  prior → survivor, always one hop (chains are flattened)
 *   <prefix>p:<patient>    hash  resultKey → stored version (below)
 *   <prefix>mr:<survivor>  set   the priors that point at <survivor> (to repoint chains)
 *
 * A stored version (policy/stored-version.ts) is written by the script with a fixed member
 * order: {"status","statusClass","messageTime","ms","seq","observedAt","measurement","notes",
 * "findings"}, the three JSON members last, so the script reads the header without decoding (and
 * re-encoding) them: cjson would turn an empty array into `{}` and round numbers to 14 digits.
 * `ms` is Date.parse(messageTime) as computed by JavaScript (null when the time does not parse),
 * so the Lua comparison is the one of policy/version-order.ts to the millisecond without parsing
 * dates in Lua. A version written before rule v2 ({"status","messageTime","ms","seq","findings"})
 * reads as final with no observation time, notes or measurement.
 *
 * Single Redis only: the script reads and writes per-patient keys it only learns while running
 * (after resolving merges), which Redis Cluster forbids (one script = declared keys of one hash
 * slot). This project targets one Redis (AOF on; Kafka keeps the raw feed for rebuilds).
 */
const APPLY_LUA = `
local msgKey, seqKey, patientsKey, mergesKey, reusedKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local prefix = ARGV[1]
local e = cjson.decode(ARGV[3])

local function resolve(p)
  local s = redis.call('HGET', mergesKey, p)
  if s then return s end
  return p
end

local function numberOrNil(x)
  if x == nil or x == cjson.null then return nil end
  return tonumber(x)
end

-- a stored version: its decoded header and its three raw JSON members
local function split(raw)
  local fAt = string.find(raw, ',"findings":', 1, true)
  local mAt = string.find(raw, ',"measurement":', 1, true)
  local row
  if mAt then
    local nAt = string.find(raw, ',"notes":', mAt, true)
    local h = cjson.decode(string.sub(raw, 1, mAt - 1) .. '}')
    row = { status = h.status, cls = h.statusClass, t = h.messageTime, ms = numberOrNil(h.ms), seq = h.seq, o = h.observedAt,
      m = string.sub(raw, mAt + 15, nAt - 1), notes = string.sub(raw, nAt + 9, fAt - 1) }
  else
    local h = cjson.decode(string.sub(raw, 1, fAt - 1) .. '}')
    row = { status = h.status, cls = 'final', t = h.messageTime, ms = numberOrNil(h.ms), seq = h.seq, o = '', m = 'null', notes = '[]' }
  end
  row.f = string.sub(raw, fAt + 12, -2)
  return row
end

local function encode(r)
  local ms = r.ms
  if ms == nil then ms = 'null' end
  return '{"status":' .. cjson.encode(r.status) .. ',"statusClass":' .. cjson.encode(r.cls) .. ',"messageTime":' .. cjson.encode(r.t) ..
    ',"ms":' .. ms .. ',"seq":' .. string.format('%d', r.seq) .. ',"observedAt":' .. cjson.encode(r.o) ..
    ',"measurement":' .. r.m .. ',"notes":' .. r.notes .. ',"findings":' .. r.f .. '}'
end

-- policy/version-order.ts isNewer: final outranks preliminary; then the later message time,
-- an empty time sorting first; ties by seq
local function isNewer(c, cur)
  if c.cls ~= cur.cls then return c.cls == 'final' end
  if c.t ~= cur.t and c.t ~= '' and cur.t ~= '' then
    if c.ms == nil or cur.ms == nil then return false end -- Date.parse gave NaN
    return c.ms > cur.ms
  end
  if c.t == '' and cur.t ~= '' then return false end
  if cur.t == '' and c.t ~= '' then return true end
  return c.seq >= cur.seq
end

-- policy/apply-plan.ts differs: what the rule could see
local function differs(a, b)
  return a.f ~= b.f or a.m ~= b.m or a.o ~= b.o or (a.cls ~= b.cls and b.f ~= '[]')
end

local EMPTY = { cls = 'final', o = '', m = 'null', notes = '[]', f = '[]' }

local patient = nil
if e.p ~= nil and e.p ~= cjson.null then patient = resolve(e.p) end
local field = ARGV[2]
local seen = redis.call('HGET', msgKey, field)
local reused = 0
if not seen then
  redis.call('HSET', msgKey, field, e.h .. '\\n' .. (patient or ''))
else
  -- spec §2: a duplicate unless the content differs from every content seen under this id
  local nl = string.find(seen, '\\n', 1, true)
  local first = ''
  if nl then first = string.sub(seen, 1, nl - 1) end
  if e.h == '' or first == '' or first == e.h or redis.call('SADD', reusedKey, field .. '\\n' .. e.h) == 0 then
    local ps = {}
    if patient then ps[1] = patient end
    return cjson.encode({ d = 1, p = ps, m = {}, u = 0 })
  end
  reused = 1
end

local touched, seenP = {}, {}
local function touch(p)
  if not seenP[p] then seenP[p] = true; touched[#touched + 1] = p end
end

-- policy/apply-plan.ts planVersion, one result key at a time
for i, v in ipairs(e.r) do
  local owner = resolve(v.p)
  local key = prefix .. 'p:' .. owner
  local oldRaw = redis.call('HGET', key, v.k)
  local old = nil
  if oldRaw then old = split(oldRaw) end
  local row = nil
  if v.e == 'finalize' then
    if old then
      local seq = redis.call('INCR', seqKey)
      local cand = { cls = 'final', t = v.t, ms = numberOrNil(v.ms), seq = seq }
      if isNewer(cand, old) then
        row = { status = v.s, cls = 'final', t = v.t, ms = v.ms, seq = seq, o = old.o, m = old.m, notes = old.notes, f = old.f }
      end
    end
  elseif old or v.n ~= 0 then
    local seq = redis.call('INCR', seqKey)
    local cand = { cls = v.c, t = v.t, ms = numberOrNil(v.ms), seq = seq }
    if (not old) or isNewer(cand, old) then
      local base = 3 + (i - 1) * 3
      row = { status = v.s, cls = v.c, t = v.t, ms = v.ms, seq = seq, o = v.o, f = ARGV[base + 1], notes = ARGV[base + 2], m = ARGV[base + 3] }
    end
  end
  if row then
    if row.ms == cjson.null then row.ms = nil end
    redis.call('HSET', key, v.k, encode(row))
    redis.call('SADD', patientsKey, owner)
    if differs(old or EMPTY, row) then touch(owner) end
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
      if (not oldRaw) or isNewer(split(raw), split(oldRaw)) then
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
return cjson.encode({ d = 0, p = patients, m = merges, u = reused })
`;

/** Reads a patient's stored versions after resolving merges, in one atomic step: [survivor, ...HGETALL]. */
const TIMELINE_LUA = `
local s = redis.call('HGET', KEYS[1], ARGV[2])
local patient = ARGV[2]
if s then patient = s end
local rows = redis.call('HGETALL', ARGV[1] .. 'p:' .. patient)
table.insert(rows, 1, patient)
return rows
`;

interface Commands {
  poemsSentinelApplyV2(msgs: string, seq: string, patients: string, merges: string, reused: string, prefix: string, msgId: string, meta: string, ...parts: string[]): Promise<string>;
  poemsSentinelTimelineV2(merges: string, prefix: string, patient: string): Promise<string[]>;
}

interface ApplyReply {
  d: 0 | 1;
  /** cjson encodes an empty Lua table as {} */
  p: PatientKey[] | Record<string, never>;
  m: [PatientKey, PatientKey][] | Record<string, never>;
  /** 1: the control id was reused with other content */
  u: 0 | 1;
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
  private readonly keys: { msgs: string; seq: string; patients: string; merges: string; reused: string };

  constructor(private readonly redis: Redis, options: RedisTimelineStoreOptions = {}) {
    // the scripts build per-patient keys themselves: an ioredis keyPrefix would not reach them
    if (redis.options.keyPrefix) throw new Error('RedisTimelineStore: use the prefix option, not an ioredis keyPrefix');
    this.prefix = options.prefix ?? 'sentinel:';
    const p = this.prefix;
    this.keys = { msgs: `${p}msg`, seq: `${p}seq`, patients: `${p}patients`, merges: `${p}merges`, reused: `${p}msg:reused` };
    // defineCommand: EVALSHA, falling back to EVAL (which loads the script) on NOSCRIPT
    redis.defineCommand('poemsSentinelApplyV2', { numberOfKeys: 5, lua: APPLY_LUA });
    redis.defineCommand('poemsSentinelTimelineV2', { numberOfKeys: 1, lua: TIMELINE_LUA });
    this.cmd = redis as unknown as Commands;
  }

  async apply(id: MessageId, effects: MessageEffects): Promise<ApplyResult> {
    const meta = {
      p: effects.patientKey ?? undefined,
      h: id.contentHash ?? '',
      r: effects.results.map((v) => ({
        p: v.patientKey,
        k: v.resultKey,
        s: v.status,
        c: v.statusClass,
        e: v.effect,
        t: v.messageTime,
        ms: msOf(v.messageTime),
        o: v.effect === 'remove' ? '' : v.observedAt,
        n: v.storeIfNew === false ? 0 : 1,
      })),
      m: effects.merges.map((m) => [m.prior, m.survivor]),
    };
    // per version: findings (as read), notes, measurement; a removal stores none (a tombstone)
    const parts = effects.results.flatMap((v) =>
      v.effect === 'remove'
        ? [NO_FINDINGS, '[]', 'null']
        : [JSON.stringify(findingsAsRead(v)), JSON.stringify(v.notes), v.measurement === undefined ? 'null' : JSON.stringify(v.measurement)],
    );
    const k = this.keys;
    const reply = await this.cmd.poemsSentinelApplyV2(
      k.msgs, k.seq, k.patients, k.merges, k.reused,
      this.prefix, JSON.stringify([id.sendingFacility, id.controlId]), JSON.stringify(meta),
      ...parts,
    );
    const r = JSON.parse(reply) as ApplyReply;
    const patients = Array.isArray(r.p) ? r.p : [];
    const merges = Array.isArray(r.m) ? r.m.map(([prior, survivor]) => ({ prior, survivor })) : [];
    return { duplicate: r.d === 1, patients, merges, controlIdReused: r.u === 1 };
  }

  async timeline(patient: PatientKey): Promise<Timeline> {
    const [key, ...flat] = await this.cmd.poemsSentinelTimelineV2(this.keys.merges, this.prefix, patient);
    const rows: [string, string][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) rows.push([flat[i] as string, flat[i + 1] as string]);
    // a stable order (by result key), like the SQLite primary key
    rows.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return timelineFromRows(key ?? patient, rows.map(([, raw]) => decodeStored(raw)));
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

const MEASUREMENT = ',"measurement":';
const NOTES = ',"notes":';
const FINDINGS = ',"findings":';

/** A stored version as the script wrote it (see the key layout above), its JSON members kept as text. */
function decodeStored(raw: string): TimelineRow {
  const f = raw.indexOf(FINDINGS);
  const m = raw.indexOf(MEASUREMENT);
  const findings = raw.slice(f + FINDINGS.length, -1);
  if (m < 0) return { statusClass: 'final', observedAt: '', findings, notes: '[]', measurement: null }; // written before rule v2
  const n = raw.indexOf(NOTES, m);
  const header = JSON.parse(`${raw.slice(0, m)}}`) as { statusClass: StatusClass; observedAt: string };
  const measurement = raw.slice(m + MEASUREMENT.length, n);
  return { statusClass: header.statusClass, observedAt: header.observedAt, findings, notes: raw.slice(n + NOTES.length, f), measurement: measurement === 'null' ? null : measurement };
}
