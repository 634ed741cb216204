-- wrk load for POST /v1/embeddings: one text per request (single-text clients, the case dynamic batching is for).
-- Gateway as in sentiment-64.lua; compare Serving__DynamicBatching=true with =false at -c64:
--   wrk -t2 -c64 -d20s --latency -s tests/MaaS.Benchmarks/Text/embeddings-1.lua http://127.0.0.1:8080
wrk.method = "POST"
wrk.path = "/v1/embeddings"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"all-minilm-l6-v2","input":"A lonely astronaut drifts between dying stars while a rescue crew races to reach her."}'
