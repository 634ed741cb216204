-- POST /v1/embeddings with one text per request (the issue's single-text clients): search.lua's round robin over the
-- lines of $SEARCH_QUERIES (here one JSON-escaped text per line) and its status check, with the embeddings body.
-- EMBED_TEXTS_PER_REQUEST=n (default 1) posts n consecutive lines as one input array instead: what one run of the
-- encoder can take at once, the ceiling that merging single-text requests approaches.
dofile("tests/MaaS.Benchmarks/load/search.lua")
local model = os.getenv("EMBED_MODEL") or "all-minilm-l6-v2"
local per = tonumber(os.getenv("EMBED_TEXTS_PER_REQUEST") or "1")
path = "/v1/embeddings"
body = function(text)
  return '{"model":"' .. model .. '","input":"' .. text .. '"}'
end
if per > 1 then
  local lines = {}
  for line in io.lines(os.getenv("SEARCH_QUERIES")) do
    lines[#lines + 1] = '"' .. line .. '"'
  end
  local j = 0
  request = function()
    local parts = {}
    for k = 1, per do
      j = j + 1
      parts[k] = lines[((start or 0) + j) % #lines + 1]
    end
    return wrk.format(nil, path, nil, '{"model":"' .. model .. '","input":[' .. table.concat(parts, ",") .. ']}')
  end
end
