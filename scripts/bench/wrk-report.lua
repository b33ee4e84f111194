-- wrk's summary of a run as one line of JSON, for scripts/bench/wrk.ts to parse; with the answers
-- that were redirects (wrk counts only statuses from 400 as errors, and a redirect is not the page).
local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

init = function(args)
  redirects = 0
end

response = function(status, headers, body)
  if status >= 300 and status < 400 then redirects = redirects + 1 end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local redirected = 0
  for _, thread in ipairs(threads) do redirected = redirected + thread:get("redirects") end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"redirects":%d,"p50Us":%.0f,"p99Us":%.0f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, redirected,
    latency:percentile(50), latency:percentile(99)))
end
