-- POST /v1/events: batches of 500 new events, 25 users per batch drawn from 5,000, items from the demo catalogue; the
-- server stamps the time. Event ids are unique per run (the run label, wrk's first script argument), thread and
-- request. Counts a batch only when the answer is 200 with all 500 accepted (no duplicates); prints events/s from those.
local batch, users_per_batch = 500, 25
local threads = {}
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

counter, ok, failed, run = 0, 0, 0, "run"

function init(args)
  run = args[1] or "run"
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  local parts = {}
  local first_user = counter * users_per_batch
  for i = 1, batch do
    local user = ((first_user + i % users_per_batch) * 7919) % 5000
    local item = (counter * 104729 + i * 31) % 100 + 1
    parts[i] = string.format('{"eventId":"%s-%d-%d-%d","userId":"load-user-%d","itemId":"movie-%03d","type":"play"}',
      run, tid, counter, i, user, item)
  end
  return wrk.format(nil, "/v1/events", nil, '{"events":[' .. table.concat(parts, ",") .. ']}')
end

response = function(status, headers, body)
  if status == 200 and string.find(body, '"accepted":500', 1, true) then ok = ok + 1 else failed = failed + 1 end
end

done = function(summary, latency, requests)
  local acked, bad = 0, 0
  for _, t in ipairs(threads) do
    acked = acked + t:get("ok")
    bad = bad + t:get("failed")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT batches=%d failed=%d events_per_s=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    acked, bad, acked * batch / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
