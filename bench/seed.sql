-- The benchmark's data set, on a freshly migrated, empty database.
-- psql variables: users, posts, likes (counts). Run by bench/run.
--   users:  ids 1..users, user<id>@bench.example, all with one password (the
--           hash is set later, from a user the server itself registered, so
--           it has the server's cost).
--   posts:  ids 1..posts, id 1 the newest, one a second; every 10th a draft;
--           one in a thousand mentions "zephyr" (the selective search word).
--   likes:  skewed towards the newest posts (random()^4): the first hundred
--           posts hold about a sixth of all likes, so a few posts are hot.
-- Loaded the bulk way: the secondary indexes are dropped and rebuilt from
-- their own definitions (so this file repeats none), and triggers and foreign
-- key checks are off while loading (session_replication_role), with
-- like_count computed once. The data is consistent by construction.
\set ON_ERROR_STOP on
SET maintenance_work_mem = '256MB';
SET session_replication_role = replica;
SELECT setseed(0.42);

CREATE TEMP TABLE rebuilt_indexes AS
SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition
FROM pg_index
WHERE indrelid IN ('posts'::regclass, 'likes'::regclass) AND NOT indisprimary;
DO $$
DECLARE index_name text;
BEGIN
    FOR index_name IN SELECT name FROM rebuilt_indexes LOOP
        EXECUTE 'DROP INDEX ' || index_name;
    END LOOP;
END $$;

INSERT INTO users (id, name, email, password_hash) OVERRIDING SYSTEM VALUE
SELECT g, 'Bench user ' || g, 'user' || g || '@bench.example', 'unset'
FROM generate_series(1, :users) AS g;

CREATE TEMP TABLE seeded_likes AS
SELECT user_id, post_id
FROM (
    SELECT DISTINCT 1 + floor(random() * :users)::bigint AS user_id,
                    1 + floor(power(random(), 4) * :posts)::bigint AS post_id
    FROM generate_series(1, (:likes * 13) / 10)
) AS candidates
LIMIT :likes;

INSERT INTO posts (id, author_id, title, content, published, created_at, updated_at, like_count)
OVERRIDING SYSTEM VALUE
SELECT g,
       1 + (g * 7919) % :users,
       'Post number ' || g || ' on ' || (ARRAY['gardens', 'engines', 'rivers', 'cities', 'music'])[1 + g % 5],
       'Notes ' || md5(g::text) || ' about the week: '
           || CASE WHEN g % 1000 = 7 THEN 'a zephyr came through, ' ELSE '' END
           || 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor '
           || md5((g * 31)::text),
       g % 10 <> 0,
       now() - make_interval(secs => g),
       now() - make_interval(secs => g),
       coalesce(counted.n, 0)
FROM generate_series(1, :posts) AS g
LEFT JOIN (SELECT post_id, count(*) AS n FROM seeded_likes GROUP BY post_id) AS counted
    ON counted.post_id = g;

INSERT INTO likes (user_id, post_id, created_at)
SELECT user_id, post_id, now() - make_interval(secs => post_id) FROM seeded_likes;

DO $$
DECLARE index_definition text;
BEGIN
    FOR index_definition IN SELECT definition FROM rebuilt_indexes LOOP
        EXECUTE index_definition;
    END LOOP;
END $$;
SET session_replication_role = origin;
SELECT setval(pg_get_serial_sequence('users', 'id'), :users);
SELECT setval(pg_get_serial_sequence('posts', 'id'), :posts);

VACUUM ANALYZE;

SELECT (SELECT count(*) FROM users) AS users,
       (SELECT count(*) FROM posts) AS posts,
       (SELECT count(*) FROM posts WHERE NOT published) AS drafts,
       (SELECT count(*) FROM likes) AS likes,
       (SELECT max(like_count) FROM posts) AS hottest_post_likes;
