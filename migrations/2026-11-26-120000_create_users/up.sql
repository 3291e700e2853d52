CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT users_name_length CHECK (char_length(name) BETWEEN 1 AND 50),
    -- The domain lower-cases emails; refusing anything else makes the plain
    -- unique constraint below case-insensitive, and lets lookups by email use
    -- its index without wrapping the column in lower().
    CONSTRAINT users_email_lower_case CHECK (email = lower(email)),
    CONSTRAINT users_email_length CHECK (char_length(email) BETWEEN 3 AND 254),
    CONSTRAINT users_email_key UNIQUE (email)
);
