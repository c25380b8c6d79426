--[=[
  Reads a patient's stored versions after resolving merges, in one atomic step.

  Input:
    KEYS[1] '<prefix>merges'  hash prior -> survivor
    ARGV[1] prefix of the per-patient keys (<prefix>p:<patient>)
    ARGV[2] the patient key asked for

  Output: [survivor, resultKey1, version1, resultKey2, version2, ...] (HGETALL order)
]=]
local s = redis.call('HGET', KEYS[1], ARGV[2])
local patient = ARGV[2]
if s then patient = s end
local rows = redis.call('HGETALL', ARGV[1] .. 'p:' .. patient)
table.insert(rows, 1, patient)
return rows
