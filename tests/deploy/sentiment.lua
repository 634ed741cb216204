-- POST /v1/sentiment: 4 short texts per request.
dofile((os.getenv("DEPLOY_DIR") or "tests/deploy") .. "/stats.lua")
wrk.method = "POST"
wrk.path = "/v1/sentiment"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"texts":["the film offers real charm .","the plot drags on forever","this movie is sharp and funny, honestly .","the ending isn\'t worth your time !"]}'
