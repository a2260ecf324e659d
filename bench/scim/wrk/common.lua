-- Shared by the wrk scenarios of bench/scim/run: the bearer token and JSON content type
-- from the environment, and a number per wrk thread (1..N) for names that must not
-- collide between threads.
local common = {}

common.headers = {
  ["Content-Type"] = "application/scim+json",
  ["Accept"] = "application/scim+json",
}
local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  common.headers["Authorization"] = "Bearer " .. token
end

local threads = 0
function common.number_threads(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

return common
