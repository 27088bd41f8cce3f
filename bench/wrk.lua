-- Replays pre-signed requests from a file (one per line: header lines joined by \1, then \2,
-- then the body) round-robin, so wrk's C event loop drives the load and the server's CPU is
-- what gets measured.
local requests = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local head, body = line:match("^(.-)\2(.*)$")
    local headers = {}
    for pair in (head .. "\1"):gmatch("(.-)\1") do
      local name, value = pair:match("^([^:]+): (.*)$")
      if name then headers[name] = value end
    end
    requests[#requests + 1] = wrk.format("POST", "/", headers, body)
  end
  counter = math.random(#requests)
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end
