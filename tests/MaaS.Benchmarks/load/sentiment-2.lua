wrk.method = "POST"
wrk.body = '{"texts":["A wonderful, moving film with brilliant performances.","Terrible. A waste of two hours."]}'
wrk.headers["Content-Type"] = "application/json"
