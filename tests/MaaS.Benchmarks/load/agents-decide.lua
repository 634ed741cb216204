-- POST /v1/agents/load/decide: 50 context features, the agent's 10 actions. Requests are drawn from 64 prepared ones,
-- formatted once, so that wrk spends no more per decide than per ping (ping.lua has no callbacks at all).
-- With a file name as wrk's first script argument AND MAAS_DECISION_IDS set in the environment, every decision id
-- answered is appended to NAME.<thread> (one file per wrk thread: two threads' buffered appends to one file cut ids
-- where their blocks meet); agents.sh joins them. Without it no response callback is defined: wrk then parses no
-- bodies and calls no Lua per response.
local bodies = {}
for b = 1, 64 do
  local parts = {}
  for i = 1, 50 do
    parts[i] = string.format('"f%d":%.4f', i, ((b * 7919 + i * 104729) % 1000) / 1000)
  end
  bodies[b] = '{"context":{' .. table.concat(parts, ",") .. '}}'
end
local n, file, requests = 0, nil, {}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end

function init(args)
  for b = 1, 64 do requests[b] = wrk.format(nil, "/v1/agents/load/decide", nil, bodies[b]) end
  if args[1] and os.getenv("MAAS_DECISION_IDS") then file = io.open(args[1] .. "." .. thread_id, "a") end
end

request = function()
  n = n + 1
  return requests[n % 64 + 1]
end

if os.getenv("MAAS_DECISION_IDS") then
  response = function(status, headers, body)
    if file and status == 200 then
      local id = string.match(body, '"decisionId":"(%x+)"')
      if id then file:write(id, "\n") end
    end
  end
end
