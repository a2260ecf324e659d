-- GET /Users?filter=userName eq "…" on a random one of the BENCH_SEEDED users the
-- bench created before the run (seed-0 … seed-N-1).
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local seeded = tonumber(os.getenv("BENCH_SEEDED"))

request = function()
  local i = math.random(0, seeded - 1)
  local path = string.format(
    '%s/Users?filter=userName%%20eq%%20%%22seed-%d%%40bench.example%%22', wrk.path, i)
  return wrk.format("GET", path, common.headers)
end
