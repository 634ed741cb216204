-- POST /v2/models/example-mlp/infer: one FP32 [1,8] row (KServe V2 JSON).
dofile((os.getenv("DEPLOY_DIR") or "tests/deploy") .. "/stats.lua")
wrk.method = "POST"
wrk.path = "/v2/models/example-mlp/infer"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,8],"data":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8]}]}'
