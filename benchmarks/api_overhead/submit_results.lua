-- wrk script: POST /bitrix/results, each request a new result (a unique resultID) of a random
-- account from BENCH_TOKENS; the body is BENCH_BODY with RESULT_ID replaced. Prints the same JSON
-- line as rotate_tokens.lua (report.lua).
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
  tokens[#tokens + 1] = "Bearer " .. line
end
local template = os.getenv("BENCH_BODY")
local counter, prefix = 0, ""

function init(args)
  math.randomseed(os.time())
  prefix = string.format("w%08x-", math.random(0, 0x7fffffff))
end

function request()
  counter = counter + 1
  local body = template:gsub("RESULT_ID", prefix .. counter)
  return wrk.format("POST", "/bitrix/results", {["Authorization"] = tokens[math.random(#tokens)],
                                                ["Content-Type"] = "application/json"}, body)
end

dofile(os.getenv("BENCH_REPORT"))
