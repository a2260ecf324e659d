-- POST /saml/{ws}/acs, each request a SAMLResponse never posted before: the form
-- bodies of $BENCH_BODIES, one per line, in order (acs.py makes enough of them).
local bodies = {}
local n = 0

init = function()
  for line in io.lines(os.getenv("BENCH_BODIES")) do
    bodies[#bodies + 1] = line
  end
end

request = function()
  n = n % #bodies + 1
  return wrk.format("POST", nil,
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, bodies[n])
end
