-- V2 JSON infer on example-mlp, no key (auth off): the same body for the gateway and its Node.js peer. One row per
-- request, or INFER_ROWS rows (the same eight values in each) when that is set in the environment.
-- wrk -t2 -c64 -d10s --latency -s tests/MaaS.Benchmarks/load/infer.lua http://127.0.0.1:18089
local rows = tonumber(os.getenv("INFER_ROWS") or "1")
local row = "0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8"
wrk.method = "POST"
wrk.path = "/v2/models/example-mlp/infer"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs":[{"name":"input","shape":[' .. rows .. ',8],"datatype":"FP32","data":[' .. string.rep(row, rows, ",") .. ']}]}'
