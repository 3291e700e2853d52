-- The search's trigram indexes take new posts into a pending list that every
-- search reads in full, until enough has piled up to merge it into the index.
-- At the default 4 MB, posts written at a steady rate kept a few hundred
-- pages pending and halved the searches PostgreSQL could serve
-- (docs/performance.md, finding 23). At 256 kB the list stays at a few pages; writing a post costs
-- more (merges come more often), far less than with no list at all
-- (fastupdate = off).
ALTER INDEX posts_title_trgm SET (gin_pending_list_limit = 256);
ALTER INDEX posts_content_trgm SET (gin_pending_list_limit = 256);
