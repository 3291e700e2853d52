-- The credential throttle's counters (failed password checks, registrations),
-- shared by every instance of the service. UNLOGGED: no WAL for a table
-- written on every failed login; a crash of PostgreSQL empties it, which
-- forgets at most one day of counts. Rows are never evicted while their
-- window is open; the adapter deletes expired ones now and then.
CREATE UNLOGGED TABLE attempt_counters (
    key        TEXT        PRIMARY KEY,
    events     INTEGER     NOT NULL CHECK (events >= 0),
    last_at    TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);

-- The sweep of expired counters.
CREATE INDEX attempt_counters_expires ON attempt_counters (expires_at);
