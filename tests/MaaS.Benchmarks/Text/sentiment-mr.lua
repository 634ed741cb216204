-- wrk load for POST /v1/sentiment with real MR sentences: each request carries <batch> consecutive sentences from a
-- random place in rt-polarity.neg + .pos (so lengths vary as in the corpus); prints texts/s and p50/p90/p99.
--   wrk -t2 -c16 -d20s --latency -s tests/MaaS.Benchmarks/Text/sentiment-mr.lua http://127.0.0.1:18090 -- <mr folder> <batch>
-- Run by Text/sentiment-mr-load.sh (batch 1 and batch 64 interleaved).
local folder, batch = "../shared/data/sentiment/mr", 64
local bodies = {}

local function escape(s)
  return (s:gsub('[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == '\\' then return '\\\\' else return string.format('\\u%04x', c:byte()) end
  end))
end

local function sentences()
  local all = {}
  for _, name in ipairs({ "rt-polarity.neg", "rt-polarity.pos" }) do
    for line in io.lines(folder .. "/" .. name) do
      line = line:gsub("%s+$", "")
      if #line > 0 then all[#all + 1] = line end
    end
  end
  return all
end

function init(args)
  folder = args[1] or folder
  batch = tonumber(args[2] or batch)
  texts_per_request = batch
  statuses = {}
  local all = sentences()
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
  for b = 1, 512 do
    local start = math.random(1, #all - batch)
    local parts = {}
    for i = 0, batch - 1 do parts[#parts + 1] = '"' .. escape(all[start + i]) .. '"' end
    bodies[b] = '{"texts":[' .. table.concat(parts, ",") .. ']}'
  end
  next_body = 1
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/v1/sentiment", { ["Content-Type"] = "application/json" }, body)
end

dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "sentiment-report.lua")
