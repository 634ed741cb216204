-- POST /v1/recommend for the demo seed's users (demo-user-001..200), 10 results each.
dofile((os.getenv("DEPLOY_DIR") or "tests/deploy") .. "/stats.lua")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format('{"userId":"demo-user-%03d","count":10}', (counter % 200) + 1)
  return wrk.format(nil, "/v1/recommend", nil, body)
end
