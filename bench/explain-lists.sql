-- Query plans of the list endpoints on 100,000 posts.
-- Run: cargo run -- with-db -- sh -c 'psql "$DATABASE_URL" -f bench/explain-lists.sql'
-- (or `just explain`). Seeds 1,000 users, 100,000 posts and 200,000 likes in
-- a transaction that is rolled back, so the development data is untouched.
\set ON_ERROR_STOP on
\pset pager off
BEGIN;

INSERT INTO users (name, email, password_hash)
SELECT 'user ' || g, 'explain-user-' || g || '@example.com', 'x'
FROM generate_series(1, 1000) AS g;

INSERT INTO posts (author_id, title, content, published, created_at, updated_at)
SELECT u.min_id + (g % 1000),
       'Post number ' || g,
       md5(g::text) || ' lorem ipsum dolor ' || md5((g * 7)::text),
       g % 10 <> 0,
       now() - make_interval(secs => g),
       now() - make_interval(secs => g)
FROM generate_series(1, 100000) AS g,
     (SELECT min(id) AS min_id FROM users WHERE email LIKE 'explain-user-%') AS u;

-- 200,000 likes spread over the posts (through the like_count trigger).
INSERT INTO likes (user_id, post_id)
SELECT u.min_id + (g % 1000), p.min_id + ((g::bigint * 7919) % 100000)
FROM generate_series(1, 200000) AS g,
     (SELECT min(id) AS min_id FROM users WHERE email LIKE 'explain-user-%') AS u,
     (SELECT min(id) AS min_id FROM posts WHERE title LIKE 'Post number %') AS p
ON CONFLICT DO NOTHING;

ANALYZE users;
ANALYZE posts;
ANALYZE likes;

SELECT min(id) AS viewer FROM users WHERE email LIKE 'explain-user-%' \gset

\echo '== first page of GET /posts (limit 20, signed-in reader: likes read over the page''s ids)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
WITH page AS MATERIALIZED (
  SELECT posts.id, posts.author_id, posts.title, posts.content, posts.published, posts.created_at,
         posts.updated_at, posts.like_count, users.name
  FROM posts
  INNER JOIN users ON posts.author_id = users.id
  WHERE posts.published
  ORDER BY posts.created_at DESC, posts.id DESC
  LIMIT 21)
SELECT page.*, page.id IN (SELECT likes.post_id FROM likes WHERE likes.user_id = :viewer
         AND likes.post_id BETWEEN (SELECT min(page.id) FROM page) AND (SELECT max(page.id) FROM page))
FROM page ORDER BY page.created_at DESC, page.id DESC;

SELECT created_at AS cursor_at, id AS cursor_id FROM posts WHERE published
ORDER BY created_at DESC, id DESC OFFSET 50000 LIMIT 1 \gset

\echo '== deep page of GET /posts: cursor 50,000 posts back (signed-in reader)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
WITH page AS MATERIALIZED (
  SELECT posts.id, posts.author_id, posts.title, posts.content, posts.published, posts.created_at,
         posts.updated_at, posts.like_count, users.name
  FROM posts
  INNER JOIN users ON posts.author_id = users.id
  WHERE posts.published AND posts.created_at <= :'cursor_at'
    AND (posts.created_at < :'cursor_at' OR posts.id < :cursor_id)
  ORDER BY posts.created_at DESC, posts.id DESC
  LIMIT 21)
SELECT page.*, page.id IN (SELECT likes.post_id FROM likes WHERE likes.user_id = :viewer
         AND likes.post_id BETWEEN (SELECT min(page.id) FROM page) AND (SELECT max(page.id) FROM page))
FROM page ORDER BY page.created_at DESC, page.id DESC;

\echo '== GET /posts?search=: a rare term (an md5 fragment)'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
WITH chosen AS (
  SELECT posts.id, posts.author_id, posts.title, posts.content, posts.published, posts.created_at,
         posts.updated_at, posts.like_count
  FROM posts
  WHERE posts.published
    AND (posts.title_folded LIKE lower('%C4CA4238A0%') OR posts.content_folded LIKE lower('%C4CA4238A0%'))
  ORDER BY posts.created_at DESC, posts.id DESC
  LIMIT 21)
SELECT chosen.*, users.name, likes.user_id IS NOT NULL
FROM chosen
INNER JOIN users ON users.id = chosen.author_id
LEFT JOIN likes ON likes.post_id = chosen.id AND likes.user_id = :viewer
ORDER BY chosen.created_at DESC, chosen.id DESC;

\echo '== GET /users/{id}/posts: one author, first page'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
SELECT posts.id, posts.author_id, posts.title, posts.content, posts.published, posts.created_at,
       posts.updated_at, posts.like_count, users.name, likes.user_id IS NOT NULL
FROM posts
INNER JOIN users ON posts.author_id = users.id
LEFT OUTER JOIN likes ON likes.post_id = posts.id AND likes.user_id = :viewer
WHERE posts.author_id = :viewer + 1 AND posts.published
ORDER BY posts.created_at DESC, posts.id DESC
LIMIT 21;

ROLLBACK;
