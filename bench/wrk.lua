-- wrk script for `make bench`: POST /ask with distinct questions, one JSON body a line of the file
-- given after `--`; each connection starts at its own place in the list. done() prints one JSON line.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    bodies[#bodies + 1] = line
  end
  counter = (id * 7) % #bodies
end

function request()
  counter = counter % #bodies + 1
  return wrk.format("POST", "/ask", { ["Content-Type"] = "application/json" }, bodies[counter])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
