DROP TABLE posts;
-- pg_trgm stays: other schemas may use it, and dropping it needs ownership.
