-- Soak mix per 10 requests: 4 recommend, 3 sentiment, 2 V2 infer, 1 event batch (unique ids, demo users/items,
-- so the users' histories and caches stay bounded while the events table grows).
dofile((os.getenv("DEPLOY_DIR") or "tests/deploy") .. "/stats.lua")
local counter, id = 0, 0
local sentiment = '{"texts":["the film offers real charm .","the plot drags on forever"]}'
local infer = '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,8],"data":[0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8]}]}'
local json = { ["Content-Type"] = "application/json" }
function init_script(args)
  id = math.random(1, 1e9)
end
request = function()
  counter = counter + 1
  local slot = counter % 10
  local user = string.format("demo-user-%03d", (counter % 200) + 1)
  if slot < 4 then
    return wrk.format("POST", "/v1/recommend", json, '{"userId":"' .. user .. '","count":10}')
  elseif slot < 7 then
    return wrk.format("POST", "/v1/sentiment", json, sentiment)
  elseif slot < 9 then
    return wrk.format("POST", "/v2/models/example-mlp/infer", json, infer)
  end
  local body = string.format(
    '{"events":[{"eventId":"soak-%d-%d","userId":"%s","itemId":"movie-%03d","type":"play"}]}', id, counter, user, (counter % 40) + 1)
  return wrk.format("POST", "/v1/events", json, body)
end
