-- A search matched `title ILIKE $1 OR content ILIKE $1`, and PostgreSQL
-- checks every row its trigram indexes find again against that condition:
-- ILIKE lowercases the whole text, a character at a time, on every check,
-- which was nearly half of what a search cost (docs/performance.md, finding 24).
-- The lowercased text is kept beside each post instead, written once with
-- the post, and searched case-sensitively against the lowercased term:
-- in a UTF8 database ILIKE is exactly lower(text) LIKE lower(pattern).
-- Adding the columns rewrites the table under an exclusive lock.
ALTER TABLE posts
    ADD COLUMN title_folded text NOT NULL GENERATED ALWAYS AS (lower(title)) STORED,
    ADD COLUMN content_folded text NOT NULL GENERATED ALWAYS AS (lower(content)) STORED;

DROP INDEX posts_title_trgm;
DROP INDEX posts_content_trgm;
-- Short pending lists, as 2026-12-03-210000_bound_search_pending_lists set.
CREATE INDEX posts_title_folded_trgm ON posts USING gin (title_folded gin_trgm_ops)
    WITH (gin_pending_list_limit = 256) WHERE published;
CREATE INDEX posts_content_folded_trgm ON posts USING gin (content_folded gin_trgm_ops)
    WITH (gin_pending_list_limit = 256) WHERE published;
