-- GET /v1/ping: the gateway's trivial JSON endpoint, the baseline /v1/recommend is compared with.
wrk.method = "GET"
wrk.path = "/v1/ping"
