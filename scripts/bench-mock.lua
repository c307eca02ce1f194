-- The wrk script of scripts/bench-mock.mjs: replays pre-signed Chats API requests, each
-- once, in the order given (a thread that runs out starts over and counts it in `wrapped`).
--
--   wrk -t T -c C -d D -s scripts/bench-mock.lua URL POOL DATE PATH LIMIT
--
-- POOL.N (N = the thread, from 1) holds one request a line: `MD5 SIGNATURE BODY`. All are
-- POSTs to PATH with Content-Type application/json and the same DATE. The raw requests are
-- built in init(), before wrk starts its clock. LIMIT > 0 (the fill phase): a thread stops
-- after LIMIT answers and prints `filled` (wrk itself then waits for a SIGINT). done()
-- prints one line `BENCH {json}`: requests, duration, errors, latency percentiles (µs),
-- wraps and the CPU ticks wrk used during the run.

local threads = {}

-- CPU clock ticks this process has used: utime + stime, fields 14 and 15 of
-- /proc/self/stat, counted after the `(comm)`.
function cpu_ticks()
  local f = io.open("/proc/self/stat")
  local stat = f:read("*a")
  f:close()
  local fields = {}
  for w in stat:match("%) (.*)$"):gmatch("%S+") do
    fields[#fields + 1] = w
  end
  return tonumber(fields[12]) + tonumber(fields[13])
end

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local reqs, n, i, limit, answered = {}, 0, 0, 0, 0
wrapped = 0

function init(args)
  local pool, date, path = args[1], args[2], args[3]
  limit = tonumber(args[4]) or 0
  for line in io.lines(pool .. "." .. tid) do
    local md5, sig, body = line:match("^(%x+) (%x+) (.*)$")
    n = n + 1
    reqs[n] = wrk.format("POST", path, {
      ["Content-Type"] = "application/json",
      ["Date"] = date,
      ["Content-MD5"] = md5,
      ["X-Signature"] = sig,
    }, body)
  end
  init_ticks = cpu_ticks()
  -- Without a limit, answers need no parsing beyond the status.
  if limit == 0 then
    response = nil
  end
end

function request()
  i = i + 1
  if i > n then
    i = 1
    wrapped = wrapped + 1
  end
  return reqs[i]
end

function response(status)
  answered = answered + 1
  if answered == limit then
    io.write("filled\n")
    io.flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local wraps = 0
  for _, t in ipairs(threads) do
    wraps = wraps + (t:get("wrapped") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"wrapped":%d,"cpu_ticks":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    -- The run's ticks: since the last thread's init (wrk starts its clock right after).
    wraps, cpu_ticks() - threads[#threads]:get("init_ticks")))
end
