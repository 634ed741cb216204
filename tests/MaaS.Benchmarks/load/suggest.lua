-- GET /v1/search/suggest, one keystroke per request: the lines of $SUGGEST_QUERIES (URL-encoded typed prefixes of the
-- test titles, 1 character up, written by suggest.sh), round robin per wrk thread from a different start per thread.
-- SUGGEST_PATH=/v1/ping runs the baseline instead.
wrk.method = "GET"
local queries = {}
for line in io.lines(os.getenv("SUGGEST_QUERIES")) do
  queries[#queries + 1] = line
end
local target = os.getenv("SUGGEST_PATH") or "/v1/search/suggest"
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("start", counter * 997)
end
local i = 0
request = function()
  i = i + 1
  if target ~= "/v1/search/suggest" then
    return wrk.format(nil, target)
  end
  return wrk.format(nil, target .. "?q=" .. queries[((start or 0) + i) % #queries + 1])
end
-- The first few refusals are printed (suggest.sh shows them under the run); every one is counted by wrk as Non-2xx.
local refused = 0
response = function(status, _, answer)
  if status == 200 then
    return
  end
  refused = refused + 1
  if refused <= 3 then
    io.stderr:write(string.format("HTTP %d: %s\n", status, answer))
  end
end
