# Sourced by bench/ab and bench/cg: the server both measure on the
# development database. One definition, so that the tokens bench/ab signs
# (bench/.data/ab-tokens) verify under bench/cg's server too.
TOKENS=bench/.data/ab-tokens

# Access tokens live 30 minutes (JWT_EXPIRE_MINUTES): older than 25, they
# would turn signed-in scenarios into 401s before a run ends.
forget_stale_tokens() {
  find "$TOKENS" -mmin +25 -delete 2>/dev/null || true
}

# serve PORT LOG COMMAND...: runs `COMMAND serve` (the binary, or the binary
# behind valgrind) in the background as $SERVER; returns once it is ready.
serve() {
  local port=$1 log=$2
  shift 2
  AGORA_PROFILE=development PORT=$port RUST_LOG=warn BCRYPT_COST=4 \
    JWT_SECRET=an-ab-profiling-secret-long-enough "$@" serve >"$log" 2>&1 &
  SERVER=$!
  until curl -sf "localhost:$port/health/ready" >/dev/null; do
    kill -0 "$SERVER" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
  done
}
