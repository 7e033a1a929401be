-- wrk script of tests/bench/http/run.py: one fixed request (method, path, body and headers from
-- the environment: BENCH_METHOD, BENCH_PATH, BENCH_BODY_FILE, BENCH_CONTENT_TYPE), statuses
-- counted per thread, and one JSON line "REPORT {...}" at the end that run.py parses.
local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/hello"
local body = nil
local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  body = f:read("*a")
  f:close()
end
local headers = {}
local content_type = os.getenv("BENCH_CONTENT_TYPE")
if content_type and content_type ~= "" then headers["Content-Type"] = content_type end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  ok, bad = 0, 0
  req = wrk.format(method, path, headers, body)
end

function request() return req end

function response(status, hdrs, resp_body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local ok_total, bad_total = 0, 0
  for _, t in ipairs(threads) do
    ok_total = ok_total + t:get("ok")
    bad_total = bad_total + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    'REPORT {"requests": %d, "duration_us": %d, "ok": %d, "non_200": %d, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, ok_total, bad_total,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
