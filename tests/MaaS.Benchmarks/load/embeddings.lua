-- POST /v1/embeddings with one text per request (the issue's single-text clients): search.lua's round robin over the
-- lines of $SEARCH_QUERIES (here one JSON-escaped text per line) and its status check, with the embeddings body.
dofile("tests/MaaS.Benchmarks/load/search.lua")
local model = os.getenv("EMBED_MODEL") or "all-minilm-l6-v2"
path = "/v1/embeddings"
body = function(text)
  return '{"model":"' .. model .. '","input":"' .. text .. '"}'
end
