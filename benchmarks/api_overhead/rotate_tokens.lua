-- wrk script: every request carries a bearer token drawn at random from BENCH_TOKENS (a file, one
-- token a line), so requests spread over many accounts and portals as in production, on the path
-- BENCH_PATH. At the end it prints one JSON line that run.py reads (latencies in microseconds).
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

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"socket_errors": %d, "http_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status))
end
