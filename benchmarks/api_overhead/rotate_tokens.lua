-- wrk script: every request carries a bearer token drawn at random from BENCH_TOKENS (a file, one
-- token a line), so requests spread over many accounts and portals as in production, on the path
-- BENCH_PATH. At the end it prints the JSON line that run.py reads (report.lua, through BENCH_REPORT).
local path = os.getenv("BENCH_PATH") or "/"
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
  tokens[#tokens + 1] = "Bearer " .. line
end

local thread_count = 0
function setup(thread)
  -- Each wrk thread has its own Lua state: give each its own random sequence.
  thread_count = thread_count + 1
  thread:set("seed", thread_count)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  return wrk.format("GET", path, {["Authorization"] = tokens[math.random(#tokens)]})
end

dofile(os.getenv("BENCH_REPORT"))
