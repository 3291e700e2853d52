#!/usr/bin/env python3
"""What the wrk scenarios need from a running server, through its API only.

  prepare.py register BASE            registers the template user (the server
                                      hashes its password at its own cost)
  prepare.py tokens BASE N OUT        signs in users 1..N, one token a line
  prepare.py cursor BASE DEPTH        the next_cursor DEPTH published posts back
"""
import http.client
import json
import sys
import urllib.parse

PASSWORD = "bench password 1"


def connection(base):
    url = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(url.hostname, url.port, timeout=60)


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def register(base):
    body = json.dumps({"name": "Bench template", "email": "template@bench.example",
                       "password": PASSWORD})
    status, data = call(connection(base), "POST", "/users", body,
                        {"content-type": "application/json"})
    if status != 201:
        sys.exit(f"registering the template user: {status} {data[:200]!r}")


def login(base, numbers):
    conn = connection(base)
    found = []
    for n in numbers:
        form = urllib.parse.urlencode({"username": f"user{n}@bench.example",
                                       "password": PASSWORD})
        status, data = call(conn, "POST", "/login", form,
                            {"content-type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise RuntimeError(f"login of user{n}: {status} {data[:200]!r}")
        found.append(json.loads(data)["access_token"])
    return found


def tokens(base, count, out):
    # One at a time, so that user N's session is session N (bench/pgbench uses it).
    found = login(base, range(1, count + 1))
    with open(out, "w") as file:
        file.write("".join(t + "\n" for t in found))


def cursor(base, depth):
    conn = connection(base)
    token, seen = None, 0
    while seen < depth:
        limit = min(100, depth - seen)
        query = {"limit": limit} | ({"cursor": token} if token else {})
        status, data = call(conn, "GET", "/posts?" + urllib.parse.urlencode(query))
        if status != 200:
            sys.exit(f"paging to depth {depth}: {status} {data[:200]!r}")
        page = json.loads(data)
        seen += len(page["items"])
        token = page["next_cursor"]
        if token is None:
            sys.exit(f"only {seen} published posts: cannot page {depth} back")
    print(token)


if __name__ == "__main__":
    command, base, *rest = sys.argv[1:]
    if command == "register":
        register(base)
    elif command == "tokens":
        tokens(base, int(rest[0]), rest[1])
    elif command == "cursor":
        cursor(base, int(rest[0]))
    else:
        sys.exit(f"unknown command {command}")
