#!/usr/bin/env python3
"""Where a server's memory goes per connection (docs/performance.md, finding 14).

  conn_memory.py PID PORT [CONNECTIONS [PATH]]

Opens CONNECTIONS (1,024) keep-alive connections to the server listening on
PORT, then sends one `GET PATH` (`/posts`) on each and reads every answer,
printing the process's VmRSS and RssAnon before, with the connections idle,
after the one request each, and once more after a second's rest. Run it
against a server on the development database (see bench/ab), with
`ulimit -n` above CONNECTIONS.
"""
import re
import socket
import sys
import time


def memory(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "RssAnon"):
                fields[name] = int(value.split()[0]) / 1024
    return f"VmRSS {fields['VmRSS']:.1f} MB, RssAnon {fields['RssAnon']:.1f} MB"


def read_answer(conn):
    """One whole response, by its Content-Length; its body size."""
    data = b""
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the whole answer")
        data += chunk
        head, separator, body = data.partition(b"\r\n\r\n")
        length = re.search(rb"content-length: *(\d+)", head, re.I)
        if separator and length and len(body) >= int(length.group(1)):
            return len(body)


def main():
    pid, port = int(sys.argv[1]), int(sys.argv[2])
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
    path = sys.argv[4] if len(sys.argv) > 4 else "/posts"
    request = f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    print(f"before: {memory(pid)}")
    conns = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    time.sleep(1)
    print(f"{count} idle connections: {memory(pid)}")
    for conn in conns:
        conn.sendall(request)
    sizes = []
    for conn in conns:
        conn.settimeout(30)
        sizes.append(read_answer(conn))
    print(f"after one GET {path} each ({max(sizes)} bytes of body at most): {memory(pid)}")
    time.sleep(1)
    print(f"a second later, the connections still open: {memory(pid)}")


if __name__ == "__main__":
    main()
