-- One row per sign-in. Revoking a session deletes its row: its refresh
-- tokens go with it, and the access tokens naming it (`sid`) stop matching
-- the join that authenticates every request.
CREATE TABLE sessions (
    id             BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id        BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The last sign-in or refresh: not every request, which would make each
    -- one a write.
    last_used_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- When the current refresh token stops working; each rotation moves it.
    expires_at     TIMESTAMPTZ NOT NULL,
    client_address TEXT        CHECK (char_length(client_address) <= 64),
    user_agent     TEXT        CHECK (char_length(user_agent) <= 256)
);

-- GET /users/me/sessions and "revoke the others": one user's sessions.
CREATE INDEX sessions_user ON sessions (user_id);

-- Every refresh token of a session, stored as its SHA-256 only. A spent
-- token stays as long as its session does, so presenting it again is
-- recognised as reuse (RFC 9700, section 4.14.2) and revokes the session.
CREATE TABLE refresh_tokens (
    digest     BYTEA       PRIMARY KEY CHECK (octet_length(digest) = 32),
    session_id BIGINT      NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    spent      BOOLEAN     NOT NULL DEFAULT FALSE
);

CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
