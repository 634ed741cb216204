-- wrk load for POST /v1/sentiment: 64 short texts per request; prints texts/s and p50/p90/p99 latency.
-- Gateway (Release, started from its output folder so appsettings.json applies, ORT single-threaded per run):
--   dotnet build -c Release src/MaaS.Gateway && cd src/MaaS.Gateway/bin/Release/net10.0 &&
--   Serving__RepositoryPath=$REPO/models Serving__IntraOpNumThreads=1 Serving__InterOpNumThreads=1 \
--   Serilog__MinimumLevel__Default=Warning Urls=http://127.0.0.1:8080 dotnet MaaS.Gateway.dll
-- Load (from the repository root; warm up once, then measure):
--   wrk -t2 -c16 -d20s --latency -s tests/MaaS.Benchmarks/Text/sentiment-64.lua http://127.0.0.1:8080
wrk.method = "POST"
wrk.path = "/v1/sentiment"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"texts": ["the script never quite works, sadly .", "the film is dull and lifeless, honestly .", "this movie is sharp and funny, honestly .", "the film offers real charm .", "the film is dull and lifeless, sadly .", "the soundtrack is dull and lifeless .", "this movie offers real charm, sadly .", "the film drags on forever", "the cast drags on forever", "the soundtrack is a delight .", "the film offers real charm .", "the ending isn't worth your time .", "this movie drags on forever !", "the plot is dull and lifeless, honestly .", "the cast is sharp and funny", "this movie drags on forever", "the cast is a gorgeous mess, honestly .", "the soundtrack is sharp and funny, sadly .", "the director's latest is sharp and funny !", "the cast never quite works .", "this movie drags on forever !", "the director's latest is sharp and funny, sadly .", "the ending drags on forever", "this movie offers real charm, sadly .", "the plot is sharp and funny .", "the director's latest isn't worth your time", "this movie offers real charm, honestly .", "the script is sharp and funny !", "the director's latest drags on forever, sadly .", "this movie is dull and lifeless !", "the director's latest is dull and lifeless", "the ending drags on forever, sadly .", "the ending isn't worth your time !", "the film is a gorgeous mess !", "the plot drags on forever", "the director's latest is a delight .", "the ending never quite works .", "the soundtrack isn't worth your time, sadly .", "this movie never quite works, sadly .", "the soundtrack offers real charm !", "the plot isn't worth your time, honestly .", "the ending isn't worth your time !", "the soundtrack is surprisingly moving .", "this movie never quite works .", "the cast is surprisingly moving", "the director's latest drags on forever .", "the ending feels tedious", "the plot isn't worth your time, honestly .", "the script drags on forever, honestly .", "the script never quite works, honestly .", "the film is a gorgeous mess, honestly .", "the soundtrack isn't worth your time, sadly .", "the soundtrack is dull and lifeless, sadly .", "the soundtrack is a delight .", "this movie is surprisingly moving, sadly .", "the plot is dull and lifeless !", "the film is dull and lifeless", "the plot offers real charm", "the script drags on forever", "this movie is surprisingly moving, honestly .", "the soundtrack never quite works !", "the script drags on forever !", "the director's latest is dull and lifeless", "the director's latest is a gorgeous mess, sadly ."]}]]

local texts_per_request = 64
local threads = {}
function setup(t) table.insert(threads, t) end
function init() statuses = {} end

response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  for _, t in ipairs(threads) do for c, n in pairs(t:get("statuses")) do io.write(("status %d: %d\n"):format(c, n)) end end
  local seconds = summary.duration / 1e6
  local ok = summary.requests - summary.errors.status - summary.errors.connect - summary.errors.read - summary.errors.write - summary.errors.timeout
  io.write(string.format("requests/s: %.1f  texts/s: %.0f  non-2xx/errors: %d\n",
    summary.requests / seconds, ok * texts_per_request / seconds, summary.requests - ok))
  io.write(string.format("latency p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
