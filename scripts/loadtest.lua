-- wrk script for scripts/loadtest.sh: POST /login with bodies from the file named by the
-- LOGINS environment variable (lines "kind<TAB>json body", written by
-- `login_service --seed N --logins FILE`).
--
--   wrk -tTHREADS ... -s scripts/loadtest.lua URL -- MODE [RATE ARRIVALS THREADS]
--
-- MODE: "mix" (legacy 35 %, current 35 %, wrong password 15 %, unknown user 15 %) or one
-- kind alone ("current", ...). Without RATE, every connection sends its next login as soon
-- as it has the answer (closed loop). With RATE (logins/s, all threads together), logins
-- are sent on a schedule instead, as an open-loop generator does: each wrk thread keeps its
-- own timetable at RATE/threads, and a connection that is free waits for the next slot.
-- ARRIVALS: "paced" (slots evenly spaced) or "random" (exponential gaps: Poisson arrivals).
-- Keep enough connections that one is always free for the next slot; latency is measured
-- from the moment the login is sent.
-- done() prints one line "RESULT key=value ..." for the shell script to read.

local bodies = { legacy = {}, current = {}, wrong = {}, unknown = {} }
for line in io.lines(os.getenv("LOGINS")) do
  local kind, body = line:match("^(%w+)\t(.*)$")
  if kind and bodies[kind] then
    table.insert(bodies[kind], body)
  end
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

local mix = { { "legacy", 0.35 }, { "current", 0.35 }, { "wrong", 0.15 }, { "unknown", 0.15 } }
local mode = "mix"
local interval_ms = nil -- mean gap between this thread's slots
local random_gaps = false
local next_slot = nil

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } pwh_timespec;
  int clock_gettime(int clock, pwh_timespec *tp);
]]
local ts = ffi.new("pwh_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
local headers = { ["Content-Type"] = "application/json" }
statuses = {}

function init(args)
  mode = args[1] or "mix"
  local rate = tonumber(args[2])
  if rate then
    interval_ms = 1000 * (tonumber(args[4]) or 1) / rate
    random_gaps = args[3] == "random"
  end
  math.randomseed(os.time() * 1000 + id)
end

local function pick()
  local kind = mode
  if mode == "mix" then
    local r = math.random()
    for _, entry in ipairs(mix) do
      kind = entry[1]
      r = r - entry[2]
      if r < 0 then break end
    end
  end
  local list = bodies[kind]
  return list[math.random(#list)]
end

function request()
  return wrk.format("POST", "/login", headers, pick())
end

function delay()
  if not interval_ms then
    return 0
  end
  local now = now_ms()
  if not next_slot then
    -- Threads start at random phases of the first gap.
    next_slot = now + math.random() * interval_ms
  end
  local slot = math.max(now, next_slot)
  local gap = interval_ms
  if random_gaps then
    gap = -interval_ms * math.log(1 - math.random())
  end
  next_slot = next_slot + gap
  return math.floor(slot - now + 0.5)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for status, n in pairs(s) do
      counts[status] = (counts[status] or 0) + n
    end
  end
  local e = summary.errors
  local out = string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f"
      .. " errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.timeout)
  for status, n in pairs(counts) do
    out = out .. string.format(" status_%s=%d", status, n)
  end
  print(out)
end
