-- V2 JSON infer of one row on example-mlp, no key (auth off): the same body for the gateway and its Node.js peer.
-- wrk -t2 -c64 -d10s --latency -s tests/MaaS.Benchmarks/load/infer.lua http://127.0.0.1:18089
wrk.method = "POST"
wrk.path = "/v2/models/example-mlp/infer"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs":[{"name":"input","shape":[1,8],"datatype":"FP32","data":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8]}]}'
