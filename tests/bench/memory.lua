-- wrk script for tests/bench/memory.sh: the read routes in turn, as a
-- member (bench-token-1); wrk's argument after --: a partner's id.
local paths = {
  "/api/v1/partners/%s", "/api/v1/partners?status=active&sort=-revenueAttributed&limit=50",
  "/api/v1/overview", "/api/v1/partners/%s", "/api/v1/partners?q=consulting",
  "/api/v1/performance", "/api/v1/partners/%s", "/api/v1/boards/partners",
  "/api/v1/partners/%s/history", "/api/v1/partners?limit=50&sort=company",
}
local n, id = 0, ""
function init(args)
  id = args[1]
  wrk.headers["Authorization"] = "Bearer bench-token-1"
end
function request()
  n = n + 1
  return wrk.format("GET", string.format(paths[(n - 1) % #paths + 1], id))
end
