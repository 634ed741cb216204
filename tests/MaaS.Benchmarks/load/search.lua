-- POST /v1/search, mode from $SEARCH_MODE (lexical, semantic or hybrid), queries read from $SEARCH_QUERIES (one per
-- line, written by `search-seed`), round robin per wrk thread from a different start per thread: every query repeats
-- once per cycle of the list (~1,760 test titles), so search.sh turns the gateway's query-embedding cache off unless
-- SEARCH_QUERY_CACHE_BYTES asks for it. SEARCH_MODE=vector posts semantic searches by vector instead, one JSON array
-- per line of $SEARCH_VECTORS (the queries' embeddings, which search.sh takes once from /v1/embeddings): no encoder
-- call inside the request, so that figure is the index's own.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local mode = os.getenv("SEARCH_MODE") or "hybrid"
local queries = {}
for line in io.lines(os.getenv(mode == "vector" and "SEARCH_VECTORS" or "SEARCH_QUERIES")) do
  queries[#queries + 1] = line
end
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("start", counter * 997)
end
-- Globals, so that a script that loads this one (embeddings.lua) can post the same lines elsewhere.
path = "/v1/search"
body = function(q)
  if mode == "vector" then
    return '{"vector":' .. q .. ',"mode":"semantic","count":10}'
  end
  return '{"query":"' .. q .. '","mode":"' .. mode .. '","count":10}'
end
local i = 0
request = function()
  i = i + 1
  local q = queries[((start or 0) + i) % #queries + 1]
  return wrk.format(nil, path, nil, body(q))
end
local failures = 0
response = function(status, headers, body)
  if status ~= 200 and failures < 5 then
    failures = failures + 1
    io.stderr:write("status " .. status .. ": " .. body .. "\n")
  end
end
