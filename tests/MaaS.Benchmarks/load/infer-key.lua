-- V2 infer on example-mlp with one API key (MAAS_KEY); prints the status counts, so 429s are visible.
-- MAAS_DELAY_MS paces each connection (wrk's delay()): c connections offer at most c * 1000 / MAAS_DELAY_MS req/s.
-- MAAS_KEY=<key> wrk -t1 -c8 -d10s --latency -s tests/MaaS.Benchmarks/load/infer-key.lua http://127.0.0.1:18080
wrk.method = "POST"
wrk.path = "/v2/models/example-mlp/infer"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("MAAS_KEY") or "")
wrk.body = '{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8]}]}'

local pace = tonumber(os.getenv("MAAS_DELAY_MS") or "")
if pace then function delay() return pace end end

local threads = {}
function setup(t) table.insert(threads, t) end
function init() statuses = {} end
function response(s) statuses[s] = (statuses[s] or 0) + 1 end
function done()
  for _, t in ipairs(threads) do
    for c, n in pairs(t:get("statuses")) do io.write(("status %d: %d\n"):format(c, n)) end
  end
end
