-- POST /v1/recommend for the demo seed's users (demo-user-001..200), 10 results each: the benchmark harness's
-- request, with this harness's latency summary.
local deploy = os.getenv("DEPLOY_DIR") or "tests/deploy"
dofile(deploy .. "/stats.lua")
dofile(deploy .. "/../MaaS.Benchmarks/load/recommend.lua")
