-- POST /Users, each with a user name unique to this run, wrk thread and request.
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local prefix = os.getenv("BENCH_PREFIX") or "wrk"

setup = common.number_threads

local n = 0
request = function()
  n = n + 1
  local name = string.format("%s-%d-%d@bench.example", prefix, tid, n)
  local body = string.format(
    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"%s",' ..
    '"externalId":"%s-%d-%d","name":{"givenName":"Bench","familyName":"User %d"},' ..
    '"emails":[{"value":"%s","type":"work","primary":true}],"active":true}',
    name, prefix, tid, n, n, name)
  return wrk.format("POST", wrk.path .. "/Users", common.headers, body)
end
