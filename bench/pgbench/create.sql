-- What Agora sends for the scenario of the same name, as pg_stat_statements
-- shows it (bench/results/*.md list them), run by bench/run with
-- pgbench -M prepared. Variables come from pgbench -D. An anonymous read binds
-- `false` as its liked_by_me column; it is written `false` here.
-- Signed-in users 1..tokens own sessions 1..tokens (bench/run checks it).
-- POST /posts: one statement, the insert selected from the caller's session
-- and read back with the author's name (finding 21).
\set viewer random(1, :tokens)
WITH new_post AS (INSERT INTO "posts" ("author_id", "title", "content", "published") SELECT "sessions"."user_id", :title, :content, true FROM "sessions" WHERE (("sessions"."id" = :viewer) AND ("sessions"."user_id" = :viewer)) RETURNING "posts"."id", "posts"."author_id", "posts"."title", "posts"."content", "posts"."published", "posts"."created_at", "posts"."updated_at", "posts"."like_count") SELECT new_post.*, users.name, false FROM new_post INNER JOIN users ON users.id = new_post.author_id;
