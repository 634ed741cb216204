-- Shared by the /v1/sentiment wrk scripts (loaded with dofile from the script's own folder): counts statuses per
-- thread and prints texts/s (each script's init sets the global texts_per_request) and p50/p90/p99 latency.
local threads = {}
function setup(t) table.insert(threads, t) end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  local per = threads[1]:get("texts_per_request")
  for _, t in ipairs(threads) do for c, n in pairs(t:get("statuses")) do io.write(("status %d: %d\n"):format(c, n)) end end
  local seconds = summary.duration / 1e6
  local ok = summary.requests - summary.errors.status - summary.errors.connect - summary.errors.read - summary.errors.write - summary.errors.timeout
  io.write(string.format("requests/s: %.1f  texts/s: %.0f  non-2xx/errors: %d\n",
    summary.requests / seconds, ok * per / seconds, summary.requests - ok))
  io.write(string.format("latency p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
