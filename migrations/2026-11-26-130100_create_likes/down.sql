DROP TRIGGER likes_like_count ON likes;
DROP FUNCTION likes_maintain_like_count();
DROP TABLE likes;
