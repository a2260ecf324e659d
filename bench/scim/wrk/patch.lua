-- PATCH /Groups/{BENCH_GROUP}: one request adds a member and removes it again, so the
-- group keeps its size. Each wrk thread takes its own slice of the user ids in the file
-- BENCH_IDS (one per line), so no two requests in flight touch the same user.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local group = os.getenv("BENCH_GROUP")
local wrk_threads = tonumber(os.getenv("BENCH_THREADS"))

local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do
  ids[#ids + 1] = line
end

setup = common.number_threads

local n = 0
request = function()
  local per_thread = math.floor(#ids / wrk_threads)
  local id = ids[(tid - 1) * per_thread + (n % per_thread) + 1]
  n = n + 1
  local body = string.format(
    '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[' ..
    '{"op":"add","path":"members","value":[{"value":"%s"}]},' ..
    '{"op":"remove","path":"members[value eq \\"%s\\"]"}]}', id, id)
  return wrk.format("PATCH", wrk.path .. "/Groups/" .. group, common.headers, body)
end
