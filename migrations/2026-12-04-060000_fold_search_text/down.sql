DROP INDEX posts_title_folded_trgm;
DROP INDEX posts_content_folded_trgm;
ALTER TABLE posts DROP COLUMN title_folded, DROP COLUMN content_folded;
CREATE INDEX posts_title_trgm ON posts USING gin (title gin_trgm_ops)
    WITH (gin_pending_list_limit = 256) WHERE published;
CREATE INDEX posts_content_trgm ON posts USING gin (content gin_trgm_ops)
    WITH (gin_pending_list_limit = 256) WHERE published;
