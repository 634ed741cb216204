-- A home page of five rows for the demo seed's users (demo-user-001..200), round robin per connection thread, as one
-- POST /v1/recommend/rows (ROWS_ARM=rows) or as the five POST /v1/recommend calls an app makes without it
-- (ROWS_ARM=separate): the same five lists of 10, unfiltered, movies, songs, games and Drama.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local arm = os.getenv("ROWS_ARM") or "rows"
local filters = { "", ',"filters":{"kind":"movie"}', ',"filters":{"kind":"song"}', ',"filters":{"kind":"game"}', ',"filters":{"genres":["Drama"]}' }
local counter = 0
request = function()
  counter = counter + 1
  if arm == "rows" then
    local rows = {}
    for i, f in ipairs(filters) do rows[i] = '{"kind":"forYou","count":10' .. f .. '}' end
    local body = '{"userId":"' .. string.format("demo-user-%03d", (counter % 200) + 1) .. '","rows":[' .. table.concat(rows, ",") .. ']}'
    return wrk.format(nil, "/v1/recommend/rows", nil, body)
  end
  local page = math.floor((counter - 1) / 5)
  local body = '{"userId":"' .. string.format("demo-user-%03d", (page % 200) + 1) .. '","count":10' .. filters[((counter - 1) % 5) + 1] .. '}'
  return wrk.format(nil, "/v1/recommend", nil, body)
end
