-- When each user last changed something, for read replicas' read-your-writes:
-- the token lookup on the primary reads it, and a user who wrote within the
-- replicas' allowed lag reads from the primary (docs/deploy.md).
--
-- A table of its own rather than a column of `users`: the triggers below lock
-- this row last in each writing transaction, so it never joins the lock order
-- of users, posts and likes (see users.rs), and deleting an account never
-- touches it (a deleted user's row stays; ids are never reused).
CREATE TABLE user_writes (
    user_id    BIGINT      PRIMARY KEY,
    written_at TIMESTAMPTZ NOT NULL
);

-- Only a user's own statements count: not the like count a like moves
-- (pg_trigger_depth() > 1), nor the rows a cascade removes (the cascade's
-- triggers fire at the end of the outer statement, at depth 1, once the post
-- or the user is gone). clock_timestamp(), not now(): closer to the commit
-- that makes the write visible.
CREATE FUNCTION note_user_write() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    writer BIGINT;
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NULL;
    END IF;
    IF TG_TABLE_NAME = 'users' THEN
        writer := NEW.id;
    ELSIF TG_TABLE_NAME = 'posts' THEN
        writer := COALESCE(NEW.author_id, OLD.author_id);
    ELSE
        writer := COALESCE(NEW.user_id, OLD.user_id);
        IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT FROM posts WHERE id = OLD.post_id) THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT FROM users WHERE id = writer) THEN
        RETURN NULL;
    END IF;
    INSERT INTO user_writes (user_id, written_at) VALUES (writer, clock_timestamp())
    ON CONFLICT (user_id) DO UPDATE SET written_at = EXCLUDED.written_at;
    RETURN NULL;
END;
$$;

-- Named to sort after likes_like_count: triggers on one event fire in name
-- order, so a like locks its post before its writer's row, as an unlike does.
CREATE TRIGGER likes_note_write AFTER INSERT OR DELETE ON likes
FOR EACH ROW EXECUTE FUNCTION note_user_write();
CREATE TRIGGER posts_note_write AFTER INSERT OR UPDATE OR DELETE ON posts
FOR EACH ROW EXECUTE FUNCTION note_user_write();
CREATE TRIGGER users_note_write AFTER INSERT OR UPDATE ON users
FOR EACH ROW EXECUTE FUNCTION note_user_write();
