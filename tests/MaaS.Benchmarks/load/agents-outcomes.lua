-- POST /v1/agents/load/outcomes: batches of 1,000 outcomes for decisions logged before (ids read from wrk's first
-- script argument, a file with one id a line; each thread takes its own share, each id once). Counts the outcomes
-- answered "applied" (durable before the 200) and prints them per second; once a thread's ids run out its batches
-- carry unknown ids, so "exhausted" batches mean the figure is a lower bound (run shorter or log more decisions).
local batch = 1000
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

applied, exhausted = 0, 0
local ids, next_id = {}, 1

function init(args)
  local index = 0
  for line in io.lines(args[1]) do
    index = index + 1
    if index % tonumber(args[2]) == tid - 1 then ids[#ids + 1] = line end
  end
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  local parts = {}
  for i = 1, batch do
    local id = ids[next_id]
    if id == nil then id = "00000000000000000000000000000000" end
    next_id = next_id + 1
    parts[i] = string.format('{"decisionId":"%s","reward":%d}', id, next_id % 2)
  end
  return wrk.format(nil, "/v1/agents/load/outcomes", nil, '{"outcomes":[' .. table.concat(parts, ",") .. ']}')
end

response = function(status, headers, body)
  local n = status == 200 and tonumber(string.match(body, '"applied":(%d+)')) or 0
  applied = applied + n
  if n < batch then exhausted = exhausted + 1 end
end

-- A counter summed over wrk's threads (each thread keeps its own copy of the globals).
local function sum(name)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get(name) end
  return n
end

done = function(summary, latency, requests)
  local total, seconds = sum("applied"), summary.duration / 1e6
  io.write(string.format("RESULT applied=%d exhausted_batches=%d outcomes_per_s=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    total, sum("exhausted"), total / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
