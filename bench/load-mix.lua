-- The request mix of bench/load: each connection walks this list in turn (weights by repetition).
-- @...@ are filled in by the script: tokens of the demo enterprise, officer and district officer,
-- 20 of the enterprise's patent ids, one application in the bank's queue.
local ent = "Bearer @ENT@"
local off = "Bearer @OFF@"
local gov = "Bearer @GOV@"
local json = { ["Content-Type"] = "application/json" }
local function with(auth, extra)
  local h = { ["Authorization"] = auth }
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end
local mix = {
  { "POST", "/api/auth/login", json, '{"username":"demo-officer","password":"zhirong-demo"}' },
  { "GET", "/api/enterprise/patents?per_page=50", with(ent) },
  { "GET", "/api/enterprise/patents?per_page=50&page=2", with(ent) },
  { "POST", "/api/enterprise/valuations", with(ent, json), '{"patent_ids":[@PATENTS@]}' },
  { "GET", "/api/enterprise/alerts", with(ent) },
  { "GET", "/api/bank/applications?limit=50", with(off) },
  { "GET", "/api/bank/applications/@APP@/evaluation", with(off) },
  { "GET", "/api/bank/loans", with(off) },
  { "GET", "/api/bank/alerts", with(off) },
  { "GET", "/api/gov/pools", with(gov) },
  { "GET", "/api/gov/reports/financing?group_by=bank", with(gov) },
  { "GET", "/api/gov/claims", with(gov) },
}
local i = 0
function init(args)
  i = math.random(#mix) - 1
end
function request()
  i = i % #mix + 1
  local r = mix[i]
  return wrk.format(r[1], r[2], r[3], r[4])
end
