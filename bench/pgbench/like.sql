-- What Agora sends for the scenario of the same name, as pg_stat_statements
-- shows it (bench/results/*.md list them), run by bench/run with
-- pgbench -M prepared. Variables come from pgbench -D. An anonymous read binds
-- `false` as its liked_by_me column; it is written `false` here.
-- Signed-in users 1..tokens own sessions 1..tokens (bench/run checks it).
-- PUT or DELETE /posts/{id}/like, half each, on mostly hot posts: the caller,
-- the post as the caller sees it, then the like or unlike transaction.
\set viewer random(1, :tokens)
\set id 1 + int(pow(random(0, 1000000) / 1000000.0, 4) * (:posts - 1))
\set id :id - case when :id % 10 = 0 then 1 else 0 end
SELECT "users"."id", "users"."name", "users"."email", "users"."password_hash", "users"."created_at", "user_writes"."written_at", CURRENT_TIMESTAMP FROM ("users" LEFT OUTER JOIN "user_writes" ON ("user_writes"."user_id" = "users"."id")) WHERE (("users"."id" = :viewer) AND EXISTS (SELECT "sessions"."id", "sessions"."user_id", "sessions"."created_at", "sessions"."last_used_at", "sessions"."expires_at", "sessions"."client_address", "sessions"."user_agent" FROM "sessions" WHERE (("sessions"."id" = :viewer) AND ("sessions"."user_id" = :viewer)))) LIMIT :one;
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."content", "posts"."published", "posts"."created_at", "posts"."updated_at", "posts"."like_count", "users"."name", ("likes"."user_id" IS NOT NULL) FROM (("posts" INNER JOIN "users" ON ("posts"."author_id" = "users"."id")) LEFT OUTER JOIN "likes" ON (("likes"."post_id" = "posts"."id") AND ("likes"."user_id" = :viewer))) WHERE ("posts"."id" = :id) LIMIT :one;
\set liking random(0, 1)
BEGIN;
\if :liking
INSERT INTO "likes" ("user_id", "post_id") VALUES (:viewer, :id) ON CONFLICT DO NOTHING;
SELECT "posts"."like_count" FROM "posts" WHERE ("posts"."id" = :id) LIMIT :one;
\else
SELECT "posts"."like_count" FROM "posts" WHERE ("posts"."id" = :id) LIMIT :one FOR NO KEY UPDATE;
DELETE FROM "likes" WHERE (("likes"."user_id" = :viewer) AND ("likes"."post_id" = :id));
\endif
COMMIT;
