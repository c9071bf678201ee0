-- wrk script: POST lookups of 8 fields. UNIQUE=1 makes every description different (no cache hit).
local unique = os.getenv("UNIQUE") == "1"
local counter = 0
local threads = 0

-- Each thread its own random sequence: unseeded, every run (and thread) would send the same
-- "unique" descriptions again, and a run after the warm-up would hit the cache.
setup = function(thread)
  threads = threads + 1
  thread:set("id", threads)
end

init = function(args)
  math.randomseed(os.time() * 100 + (id or 0))
end
local fields = '["EF000042","EF000035","EF000044","EF000007","EF000008","EF000040","EF000049","EF000018"]'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
  counter = counter + 1
  local suffix = unique and (" lot " .. tostring(math.random(1, 1000000000)) .. "-" .. counter) or ""
  local body = '{"description": "Lampe incandescente forme Standard 60X103 12V 40W E27' .. suffix .. '", "fields": ' .. fields .. '}'
  return wrk.format(nil, nil, nil, body)
end

response = function(status, headers, body)
  if status ~= 200 then
    wrk.thread:set("bad", (wrk.thread:get("bad") or 0) + 1)
  end
end
