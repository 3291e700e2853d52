-- Case-insensitive substring search ("ILIKE '%term%'") over title and content
-- is served by trigram GIN indexes; pg_trgm is a trusted extension (PG 13+).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE posts (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    author_id   BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT        NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    content     TEXT        NOT NULL CHECK (char_length(content) BETWEEN 1 AND 10000),
    published   BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- Set by the database on every change too, so both come from one clock.
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    like_count  BIGINT      NOT NULL DEFAULT 0 CHECK (like_count >= 0)
);

-- GET /posts: published posts, newest first, keyset on (created_at, id).
CREATE INDEX posts_published_newest ON posts (created_at DESC, id DESC) WHERE published;
-- GET /users/{id}/posts and ?author_id=: one author's posts, newest first.
CREATE INDEX posts_author_newest ON posts (author_id, created_at DESC, id DESC);
-- ?search=: trigram indexes on each searched column of published posts.
CREATE INDEX posts_title_trgm ON posts USING gin (title gin_trgm_ops) WHERE published;
CREATE INDEX posts_content_trgm ON posts USING gin (content gin_trgm_ops) WHERE published;
