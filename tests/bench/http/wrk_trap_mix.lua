-- wrk script of run.py's trap-load run. Request k of each wrk thread goes to GET /trap when
-- k % 10 == 0 (10%) and to GET /hello?name=k otherwise. wrk does not say which connection a
-- response belongs to, so each response names its route itself: a /hello answer must be 200
-- "hello, k\n" for a k sent and not answered yet (each k counts once), and a trap answers 500.
-- "other" counts every other response, i.e. a /hello that failed. At the end at most one
-- request per connection is still in flight, so hello_sent - hello_ok <= connections when no
-- /hello failed. The totals are printed as "REPORT {...}".
local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  seq = 0
  hello_sent, trap_sent = 0, 0
  hello_ok, trap_500, hello_failed, other = 0, 0, 0, 0
  outstanding = {}  -- hello sequence numbers sent and not yet answered
end

function request()
  seq = seq + 1
  if seq % 10 == 0 then
    trap_sent = trap_sent + 1
    return wrk.format("GET", "/trap")
  end
  hello_sent = hello_sent + 1
  outstanding[seq] = true
  return wrk.format("GET", "/hello?name=" .. seq)
end

function response(status, headers, body)
  if status == 200 then
    local n = body and tonumber(string.match(body, "^hello, (%d+)\n$"))
    if n and outstanding[n] then
      outstanding[n] = nil
      hello_ok = hello_ok + 1
    else
      other = other + 1
    end
  elseif status == 500 then
    trap_500 = trap_500 + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local t = {hello_sent = 0, trap_sent = 0, hello_ok = 0, trap_500 = 0, other = 0}
  for _, th in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + th:get(k) end
  end
  local e = summary.errors
  io.write(string.format(
    'REPORT {"requests": %d, "duration_us": %d, "hello_sent": %d, "trap_sent": %d, ' ..
    '"hello_ok": %d, "trap_500": %d, "other": %d, ' ..
    '"socket_errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, t.hello_sent, t.trap_sent, t.hello_ok, t.trap_500, t.other,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
