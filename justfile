# Agora's tasks. `just` itself: scripts/install-tools puts it in .tools/venv/bin.

set shell := ["bash", "-euo", "pipefail", "-c"]
# Arguments reach commands as "$@", quoting intact: just psql -c '\dt'.
set positional-arguments

# List the recipes.
default:
    @just --list

# Serve on http://127.0.0.1:8000 (starts a local PostgreSQL unless DATABASE_URL is set).
run *ARGS:
    cargo run -- "$@"

# The agora command with any arguments: just agora migrate status.
agora *ARGS:
    cargo run --quiet -- "$@"

# The whole test suite (brings up its own throwaway PostgreSQL): just test, just test -p agora-api.
test *ARGS:
    if [ $# -eq 0 ]; then cargo test --workspace; else cargo test "$@"; fi

# The domain's use cases on in-memory adapters, no database: a short scenario, printed.
in-memory:
    cargo run --quiet -p agora-testkit --example in_memory

# Apply pending migrations.
migrate:
    cargo run --quiet -- migrate up

# Revert the most recent migration.
migrate-down:
    cargo run --quiet -- migrate down

# List applied and pending migrations.
migrate-status:
    cargo run --quiet -- migrate status

# Create a new timestamped migration: just migration add_post_tags
migration NAME:
    cargo run --quiet -- migrate new "$1"

# Rewrite crates/infra/src/schema.rs from the migrated database (needs diesel_cli).
schema:
    cargo run --quiet -- with-db -- sh -c 'diesel print-schema --database-url "$DATABASE_URL"' > crates/infra/src/schema.rs

# psql on the development database, with any psql arguments: just psql -c '\dt'.
psql *ARGS:
    cargo run --quiet -- with-db -- psql "$@"

# Formatting and lints, as CI runs them.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings

# Everything CI runs.
ci:
    bash .ci/run

# Accept the served OpenAPI document: insta's snapshot and docs/openapi.json (the api crate's test compares both).
openapi:
    INSTA_UPDATE=always cargo test --quiet -p agora-api --test http openapi::the_committed_document_is_what_is_served

# Run the Postman collection with newman against a fresh server.
postman *ARGS:
    scripts/postman "$@"

# Check /docs in headless Chromium (installs Chromium and puppeteer-core when missing).
docs-in-browser:
    scripts/check-docs-in-browser

# The whole topology on this machine: primary, replica, PgBouncers, two agora, HAProxy. `just cluster down` stops it.
cluster *ARGS:
    scripts/cluster {{ARGS}}

# The topology under failure: a node killed, a node drained, the replica and the primary stopped, under load.
cluster-test:
    scripts/cluster-test

# Fuzz the API against its OpenAPI document with schemathesis, on a fresh server.
fuzz-api *ARGS:
    scripts/fuzz-api "$@"

# Throughput against PostgreSQL's own ceiling, written to bench/results/ (`just bench --quick`: a one-minute smoke run).
bench *ARGS:
    bench/run {{ARGS}}

# Query plans of the list endpoints on 100,000 seeded posts (rolled back afterwards).
explain:
    cargo run --quiet -- with-db -- psql -f bench/explain-lists.sql
