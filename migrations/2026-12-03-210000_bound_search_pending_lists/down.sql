ALTER INDEX posts_title_trgm RESET (gin_pending_list_limit);
ALTER INDEX posts_content_trgm RESET (gin_pending_list_limit);
