-- The scenarios of `just bench`, for wrk:
--   wrk ... -s bench/wrk.lua URL -- SCENARIO TOKENS_FILE USERS POSTS CURSOR
-- Ids follow bench/seed.sql: posts 1..POSTS with every 10th a draft, users
-- 1..USERS sharing one password. Tokens are one access token a line.

local scenario, tokens, users, posts, cursor
local counter = 0

local PASSWORD = "bench%20password%201"
local FORM = { ["content-type"] = "application/x-www-form-urlencoded" }

local threads = {}
function setup(thread)
  thread:set("number", #threads + 1)
  table.insert(threads, thread)
end

local function read_tokens(path)
  local list = {}
  local file = io.open(path, "r")
  if file then
    for line in file:lines() do
      if #line > 0 then table.insert(list, line) end
    end
    file:close()
  end
  return list
end

function init(args)
  scenario = args[1]
  tokens = read_tokens(args[2])
  users = tonumber(args[3])
  posts = tonumber(args[4])
  cursor = args[5]
  math.randomseed(os.time() * 100 + number)
end

local function signed_in()
  return { authorization = "Bearer " .. tokens[math.random(#tokens)] }
end

-- A published post, uniformly.
local function any_post()
  local id = math.random(posts)
  if id % 10 == 0 then id = id - 1 end
  return id
end

-- A published post, mostly new ones: likes gather on a few hot posts.
local function hot_post()
  local id = 1 + math.floor(math.random() ^ 4 * (posts - 1))
  if id % 10 == 0 then id = id - 1 end
  if id < 1 then id = 1 end
  return id
end

local make = {}
make["list"] = function() return wrk.format("GET", "/posts") end
make["list-auth"] = function() return wrk.format("GET", "/posts", signed_in()) end
make["deep"] = function() return wrk.format("GET", "/posts?cursor=" .. cursor) end
make["search"] = function() return wrk.format("GET", "/posts?search=zephyr") end
make["one"] = function() return wrk.format("GET", "/posts/" .. any_post()) end
make["one-auth"] = function() return wrk.format("GET", "/posts/" .. any_post(), signed_in()) end
-- For bench/ab only (bench/run does not run it): an author's posts, signed in.
make["author-auth"] = function()
  return wrk.format("GET", "/users/" .. math.random(users) .. "/posts", signed_in())
end
make["create"] = function()
  counter = counter + 1
  local headers = signed_in()
  headers["content-type"] = "application/json"
  local body = '{"title":"Bench post ' .. counter .. '","content":"Written by wrk thread '
    .. number .. ', one of many posts of about this length, to see what writing costs."}'
  return wrk.format("POST", "/posts", headers, body)
end
make["like"] = function()
  local method = (math.random(2) == 1) and "PUT" or "DELETE"
  return wrk.format(method, "/posts/" .. hot_post() .. "/like", signed_in())
end
make["login"] = function()
  local body = "username=user" .. math.random(users) .. "%40bench.example&password=" .. PASSWORD
  return wrk.format("POST", "/login", FORM, body)
end
-- 90% reads, 10% writes.
make["mixed"] = function()
  local roll = math.random(100)
  if roll <= 40 then return make["list"]()
  elseif roll <= 60 then return make["list-auth"]()
  elseif roll <= 90 then return make["one"]()
  elseif roll <= 95 then return make["create"]()
  else return make["like"]() end
end

function request()
  return make[scenario]()
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"rps":%.1f,"p50_ms":%.2f,"p99_ms":%.2f,"non2xx":%d,'
      .. '"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect, e.read, e.write, e.timeout))
end
