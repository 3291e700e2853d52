-- What Agora sends for the scenario of the same name, as pg_stat_statements
-- shows it (bench/results/*.md list them), run by bench/run with
-- pgbench -M prepared. Variables come from pgbench -D. An anonymous read binds
-- `false` as its liked_by_me column; it is written `false` here.
-- Signed-in users 1..tokens own sessions 1..tokens (bench/run checks it).
-- GET /posts/{id}, signed in: the post with the reader's like, and the
-- session checked in the same statement (a post not found then looks the
-- caller up alone: never here).
\set id random(1, :posts / 10) * 10 - random(1, 9)
\set viewer random(1, :tokens)
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."content", "posts"."published", "posts"."created_at", "posts"."updated_at", "posts"."like_count", "users"."name", ("likes"."user_id" IS NOT NULL) FROM (("posts" INNER JOIN "users" ON ("posts"."author_id" = "users"."id")) LEFT OUTER JOIN "likes" ON (("likes"."post_id" = "posts"."id") AND ("likes"."user_id" = :viewer))) WHERE (("posts"."id" = :id) AND EXISTS (SELECT "sessions"."id", "sessions"."user_id", "sessions"."created_at", "sessions"."last_used_at", "sessions"."expires_at", "sessions"."client_address", "sessions"."user_agent" FROM "sessions" WHERE (("sessions"."id" = :viewer) AND ("sessions"."user_id" = :viewer)))) LIMIT :one;
