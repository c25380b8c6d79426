--[=[
  Writes an alert and its indexes in one step, optionally as a compare-and-set on the version
  number of the alert now holding its patient and rule (issue 7 item 3: a version, not the body).
  Like the SQLite table's unique (patient, rule) index, another alert already holding the
  alert's patient+rule is replaced, and an alert that moved to another patient (rekey) leaves
  its old patient+rule entry.

  Input:
    KEYS[1] '<prefix>alerts'                  hash id -> alert JSON
    KEYS[2] '<prefix>alerts:by-patient-rule'  hash JSON [patient, rule] -> id
    KEYS[3] '<prefix>alerts:by-updated'       zset id scored by updatedAt (ms)
    KEYS[4] '<prefix>alerts:slot'             hash id -> its patient+rule field
    KEYS[5] '<prefix>alerts:version'          hash id -> version number
    ARGV[1] id, ARGV[2] patient+rule field, ARGV[3] alert JSON, ARGV[4] score, ARGV[5] its version
    ARGV[6] (optional) the version the writer read for patient+rule ('' = none): compare-and-set

  Output: 1 written, 0 another writer changed the alert first (nothing written)
]=]
local bodies, index, byUpdated, slotOf, versions = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local id, field, body, score, version = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if ARGV[6] ~= nil then
  local current = redis.call('HGET', index, field)
  local currentVersion = ''
  if current then
    currentVersion = redis.call('HGET', versions, current)
    if not currentVersion then
      -- an alert written before the version hash: read its version from the body, once
      local currentBody = redis.call('HGET', bodies, current)
      currentVersion = ''
      if currentBody then currentVersion = tostring(cjson.decode(currentBody).version) end
    end
  end
  if currentVersion ~= ARGV[6] then return 0 end
end
local previous = redis.call('HGET', slotOf, id)
if previous and previous ~= field and redis.call('HGET', index, previous) == id then
  redis.call('HDEL', index, previous)
end
local holder = redis.call('HGET', index, field)
if holder and holder ~= id then
  redis.call('HDEL', bodies, holder)
  redis.call('HDEL', slotOf, holder)
  redis.call('HDEL', versions, holder)
  redis.call('ZREM', byUpdated, holder)
end
redis.call('HSET', bodies, id, body)
redis.call('HSET', index, field, id)
redis.call('HSET', slotOf, id, field)
redis.call('HSET', versions, id, version)
redis.call('ZADD', byUpdated, score, id)
return 1
