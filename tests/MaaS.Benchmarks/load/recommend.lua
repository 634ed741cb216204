-- POST /v1/recommend for the demo seed's users (demo-user-001..200), round robin per connection thread.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local user = string.format("demo-user-%03d", (counter % 200) + 1)
  local body = '{"userId":"' .. user .. '","count":10}'
  return wrk.format(nil, "/v1/recommend", nil, body)
end
