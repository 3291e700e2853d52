CREATE TABLE likes (
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    post_id    BIGINT      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, post_id)
);

-- GET /posts/{id}/likes: a post's likes, most recent first, keyset on (created_at, user_id).
CREATE INDEX likes_post_newest ON likes (post_id, created_at DESC, user_id DESC);

-- posts.like_count is kept exact by the database itself: every row that
-- enters or leaves `likes` moves it, whether through the API, a cascade from
-- a deleted user, or hand-written SQL. The row lock taken by the UPDATE
-- serialises concurrent likes of one post.
CREATE FUNCTION likes_maintain_like_count() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE posts SET like_count = like_count + 1 WHERE id = NEW.post_id;
    ELSE
        UPDATE posts SET like_count = like_count - 1 WHERE id = OLD.post_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER likes_like_count
AFTER INSERT OR DELETE ON likes
FOR EACH ROW EXECUTE FUNCTION likes_maintain_like_count();
