# Sourced by scripts that need a fresh Agora server: `fresh_server_start`
# builds the `agora` binary, starts it on a free port from an empty working
# directory (so it starts its own PostgreSQL there and reads no .env or
# agora.toml), waits for /health/ready and sets BASE_URL. The server is
# stopped on exit, and the script fails if its PostgreSQL outlives it.

source scripts/lib/tools.sh

SERVER_DIR=""
SERVER_PID=""
BASE_URL=""

fresh_server_start() {
  local target port
  cargo build --quiet --locked --bin agora
  target=$(target_dir)
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  SERVER_DIR=$(mktemp -d "${TMPDIR:-/tmp}/agora-server-XXXXXX")
  # As root, PostgreSQL runs as the postgres user, who must reach the data.
  chmod 755 "$SERVER_DIR"
  trap _fresh_server_on_exit EXIT
  (
    cd "$SERVER_DIR"
    unset DATABASE_URL DB_USER DB_PASSWORD DB_HOST DB_PORT DB_NAME DB_DRIVER JWT_SECRET
    # The cheapest bcrypt cost keeps registrations fast; tests need no strength.
    HOST=127.0.0.1 PORT=$port BCRYPT_COST=4 RUST_LOG=${RUST_LOG:-info} NO_COLOR=1 \
      exec "$target/debug/agora" serve
  ) >"$SERVER_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  BASE_URL="http://127.0.0.1:$port"
  local waited=0
  until curl -fsS "$BASE_URL/health/ready" >/dev/null 2>&1; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null || [ "$waited" -ge 120 ]; then
      echo "the server did not become ready; its log:" >&2
      cat "$SERVER_DIR/server.log" >&2
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  echo "fresh server on $BASE_URL (log: $SERVER_DIR/server.log)"
}

# Stops the server and checks that its PostgreSQL went with it; a failure
# here fails the script.
_fresh_server_on_exit() {
  local status=$?
  [ -n "$SERVER_DIR" ] || exit "$status"
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    local waited=0
    while kill -0 "$SERVER_PID" 2>/dev/null && [ "$waited" -lt 60 ]; do
      sleep 0.5
      waited=$((waited + 1))
    done
  fi
  local pidfile="$SERVER_DIR/.data/postgres/postmaster.pid" postmaster
  local waited=0
  while [ -f "$pidfile" ] && [ "$waited" -lt 20 ]; do
    sleep 0.5
    waited=$((waited + 1))
  done
  postmaster=$(head -n 1 "$pidfile" 2>/dev/null || true)
  if [ -n "$postmaster" ] && grep -qa postgres "/proc/$postmaster/cmdline" 2>/dev/null; then
    echo "error: PostgreSQL (pid $postmaster) outlived the server; stopping it" >&2
    kill -TERM "$postmaster" 2>/dev/null || true
    exit 1
  fi
  echo "server stopped; no PostgreSQL left running"
  rm -rf "$SERVER_DIR"
  exit "$status"
}
