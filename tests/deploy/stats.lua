-- Shared by the wrk scripts (dofile): per-thread status counters and one parsable summary line.
--   RESULT rps=<req/s> p50_ms=<ms> p99_ms=<ms> requests=<n> s2xx=<n> s429=<n> s5xx=<n> other=<n> socket_errors=<n>
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  s2xx, s429, s5xx, other = 0, 0, 0, 0
  if init_script then init_script(args) end
end

function response(status, headers, body)
  if status >= 200 and status < 300 then s2xx = s2xx + 1
  elseif status == 429 then s429 = s429 + 1
  elseif status >= 500 then s5xx = s5xx + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local t = { s2xx = 0, s429 = 0, s5xx = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + (thread:get(k) or 0) end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT rps=%.1f p50_ms=%.2f p99_ms=%.2f requests=%d s2xx=%d s429=%d s5xx=%d other=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, t.s2xx, t.s429, t.s5xx, t.other, e.connect + e.read + e.write + e.timeout))
end
