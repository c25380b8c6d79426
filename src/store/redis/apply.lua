--[=[
  Applies one message to the timelines (spec §2), atomically: idempotency on the message id,
  merges resolved, the version plan of policy/apply-plan.ts per result key, the merge plan of
  policy/merge-plan.ts, and who is re-evaluated. The TypeScript policy is the reference; the
  golden table (test/support/timeline-golden.ts) runs against both.

  Input:
    KEYS[1] '<prefix>msg'         hash  JSON [facility, controlId] -> "<content hash>\n<patient>"
    KEYS[2] '<prefix>seq'         int   arrival sequence (version tie-break)
    KEYS[3] '<prefix>patients'    set   patients holding at least one result
    KEYS[4] '<prefix>merges'      hash  prior -> survivor (one hop)
    KEYS[5] '<prefix>msg:reused'  set   "<JSON [facility, controlId]>\n<content hash>" applied as reused ids
    KEYS[6] '<prefix>finding-rows' hash patient -> how many of its result keys hold findings
            (counted from its rows the first time it is needed)
    KEYS[7] '<prefix>alerts'                  hash id -> alert JSON (redis-alert.store.ts)
    KEYS[8] '<prefix>alerts:by-patient-rule'  hash JSON [patient, rule] -> id
    ARGV[1] prefix of the per-patient keys: <prefix>p:<patient> (hash resultKey -> stored
            version) and <prefix>mr:<survivor> (set of the priors pointing at it)
    ARGV[2] the message id field, JSON [facility, controlId]
    ARGV[3] JSON meta: { p = patient or absent, h = content hash ('' = none),
              r = [{ p, k = resultKey, s = status, c = 'final'|'preliminary',
                     e = 'replace'|'remove'|'finalize', t = messageTime, ms = Date.parse(t) as
                     text or null, o = observedAt ('' for a removal), n = 0 when storeIfNew is
                     false, ks = [kinds of its findings] }],
              m = [[prior, survivor]],
              a = the rule whose alerts to read back, or absent }
    ARGV[4 + 3i], ARGV[5 + 3i], ARGV[6 + 3i] for version i (0-based): its findings as read, its
            notes and its measurement ('null' if none), each as JSON text, stored verbatim

  Output: JSON { d = 1 duplicate | 0, p = [patients to re-evaluate], m = [[prior, survivor]],
          u = 1 when the control id was reused with other content | 0,
          s = (with meta.a) per patient of p: [patient, alert JSON or '', resultKey, version, ...] }
          so the caller decides without another round trip (issue 7 item 6)

  A stored version is written with a fixed member order, the JSON members last:
    {"status","statusClass","messageTime","ms","seq","observedAt","firstSeen","measurement","superseded","notes","findings"}
  so the script reads the header without decoding (and re-encoding) them: cjson would turn an
  empty array into {} and round numbers to 14 digits. A version written before rule v2
  ({"status","messageTime","ms","seq","findings"}) reads as final with no observation time.
]=]
local msgKey, seqKey, patientsKey, mergesKey, reusedKey, findingRowsKey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local alertBodiesKey, alertIndexKey = KEYS[7], KEYS[8]
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
    local sAt = string.find(raw, ',"superseded":', mAt, true)
    local h = cjson.decode(string.sub(raw, 1, mAt - 1) .. '}')
    row = { status = h.status, cls = h.statusClass, t = h.messageTime, ms = numberOrNil(h.ms), seq = h.seq, o = h.observedAt,
      fs = h.firstSeen, notes = string.sub(raw, nAt + 9, fAt - 1) }
    if sAt then
      row.m = string.sub(raw, mAt + 15, sAt - 1)
      row.sup = string.sub(raw, sAt + 14, nAt - 1)
    else
      row.m = string.sub(raw, mAt + 15, nAt - 1)
      row.sup = '[]'
    end
  else
    local h = cjson.decode(string.sub(raw, 1, fAt - 1) .. '}')
    row = { status = h.status, cls = 'final', t = h.messageTime, ms = numberOrNil(h.ms), seq = h.seq, o = '', fs = {}, m = 'null', sup = '[]', notes = '[]' }
  end
  row.f = string.sub(raw, fAt + 12, -2)
  return row
end

local function encode(r)
  local ms = r.ms
  if ms == nil or ms == cjson.null then ms = 'null' end
  return '{"status":' .. cjson.encode(r.status) .. ',"statusClass":' .. cjson.encode(r.cls) .. ',"messageTime":' .. cjson.encode(r.t) ..
    ',"ms":' .. ms .. ',"seq":' .. string.format('%d', r.seq) .. ',"observedAt":' .. cjson.encode(r.o) ..
    ',"firstSeen":' .. cjson.encode(r.fs) .. ',"measurement":' .. r.m .. ',"superseded":' .. r.sup .. ',"notes":' .. r.notes ..
    ',"findings":' .. r.f .. '}'
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

-- how many result keys of a patient hold findings; counted from its rows when not yet known
local EMPTY_FINDINGS = ',"findings":[]}'
local function findingRows(p)
  local n = redis.call('HGET', findingRowsKey, p)
  if n then return tonumber(n) end
  local count = 0
  for _, raw in ipairs(redis.call('HVALS', prefix .. 'p:' .. p)) do
    if string.sub(raw, -#EMPTY_FINDINGS) ~= EMPTY_FINDINGS then count = count + 1 end
  end
  redis.call('HSET', findingRowsKey, p, count)
  return count
end

local EMPTY = { cls = 'final', o = '', m = 'null', notes = '[]', f = '[]' }

-- the reply, with each re-evaluated patient's rows and alert when the caller asked for them
local function finish(reply)
  if e.a ~= nil and e.a ~= cjson.null then
    local snapshots = {}
    for _, p in ipairs(reply.p) do
      -- the alert store's index field is JSON.stringify([patient, rule]): cjson escapes '/'
      local field = string.gsub(cjson.encode({ p, e.a }), '\\/', '/')
      local snap = { p, '' }
      local id = redis.call('HGET', alertIndexKey, field)
      if id then snap[2] = redis.call('HGET', alertBodiesKey, id) or '' end
      for _, x in ipairs(redis.call('HGETALL', prefix .. 'p:' .. p)) do snap[#snap + 1] = x end
      snapshots[#snapshots + 1] = snap
    end
    reply.s = snapshots
  end
  return cjson.encode(reply)
end

-- idempotency (spec §2): a duplicate unless the content differs from every content seen under this id
local patient = nil
if e.p ~= nil and e.p ~= cjson.null then patient = resolve(e.p) end
local field = ARGV[2]
local seen = redis.call('HGET', msgKey, field)
local reused = 0
if not seen then
  redis.call('HSET', msgKey, field, e.h .. '\n' .. (patient or ''))
else
  local nl = string.find(seen, '\n', 1, true)
  local first = ''
  if nl then first = string.sub(seen, 1, nl - 1) end
  if e.h == '' or first == '' or first == e.h or redis.call('SADD', reusedKey, field .. '\n' .. e.h) == 0 then
    local ps = {}
    if patient then ps[1] = patient end
    return finish({ d = 1, p = ps, m = {}, u = 0 })
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
      if isNewer({ cls = 'final', t = v.t, ms = numberOrNil(v.ms), seq = seq }, old) then
        row = { status = v.s, cls = 'final', t = v.t, ms = v.ms, seq = seq, o = old.o, fs = old.fs, m = old.m, sup = old.sup, notes = old.notes, f = old.f }
      end
    end
  elseif old or v.n ~= 0 then
    local seq = redis.call('INCR', seqKey)
    if (not old) or isNewer({ cls = v.c, t = v.t, ms = numberOrNil(v.ms), seq = seq }, old) then
      local base = 3 + (i - 1) * 3
      -- a kind the key showed before keeps its first time
      local fs = {}
      for _, k in ipairs(v.ks) do
        local was = nil
        if old then was = old.fs[k] end
        fs[k] = was or v.o
      end
      row = { status = v.s, cls = v.c, t = v.t, ms = v.ms, seq = seq, o = v.o, fs = fs, f = ARGV[base + 1], notes = ARGV[base + 2], m = ARGV[base + 3], sup = '[]' }
      -- what this version replaces: findings it changes are kept as superseded (one version back)
      if old then
        if old.f ~= '[]' and old.f ~= row.f then row.sup = old.f else row.sup = old.sup end
      end
    end
  end
  if row then
    -- policy/apply-plan.ts planOf and reevaluates
    local was = old or EMPTY
    local had, has = was.f ~= '[]', row.f ~= '[]'
    local findingsChanged = was.f ~= row.f or (was.cls ~= row.cls and has)
    local contextChanged = was.m ~= row.m or was.o ~= row.o
    if had ~= has then
      local delta = -1
      if has then delta = 1 end
      redis.call('HSET', findingRowsKey, owner, findingRows(owner) + delta)
    end
    redis.call('HSET', key, v.k, encode(row))
    redis.call('SADD', patientsKey, owner)
    if findingsChanged or (contextChanged and (has or findingRows(owner) > 0)) then touch(owner) end
  end
end

-- policy/merge-plan.ts planMerge
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
    redis.call('HDEL', findingRowsKey, prior, survivor)
    findingRows(survivor)
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

-- policy/merge-plan.ts reevaluated: survivors only, once each
local patients, out = {}, {}
for _, p in ipairs(touched) do
  local r = resolve(p)
  if not out[r] then out[r] = true; patients[#patients + 1] = r end
end
return finish({ d = 0, p = patients, m = merges, u = reused })
