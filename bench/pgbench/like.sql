-- What Agora sends for the scenario of the same name, as pg_stat_statements
-- shows it (bench/results/*.md list them), run by bench/run with
-- pgbench -M prepared. Variables come from pgbench -D. An anonymous read binds
-- `false` as its liked_by_me column; it is written `false` here.
-- Signed-in users 1..tokens own sessions 1..tokens (bench/run checks it).
-- PUT or DELETE /posts/{id}/like, half each, on mostly hot posts: the write,
-- which checks the session and the post itself, then the count it left
-- (finding 21).
\set viewer random(1, :tokens)
\set id 1 + int(pow(random(0, 1000000) / 1000000.0, 4) * (:posts - 1))
\set id :id - case when :id % 10 = 0 then 1 else 0 end
\set liking random(0, 1)
\if :liking
INSERT INTO "likes" ("user_id", "post_id") SELECT :viewer, "posts"."id" FROM "posts" WHERE ((("posts"."id" = :id) AND ("posts"."published" OR ("posts"."author_id" = :viewer))) AND EXISTS (SELECT "sessions"."id", "sessions"."user_id", "sessions"."created_at", "sessions"."last_used_at", "sessions"."expires_at", "sessions"."client_address", "sessions"."user_agent" FROM "sessions" WHERE (("sessions"."id" = :viewer) AND ("sessions"."user_id" = :viewer)))) ON CONFLICT DO NOTHING;
\else
DELETE FROM "likes" WHERE ((("likes"."user_id" = :viewer) AND ("likes"."post_id" = ANY(SELECT "posts"."id" FROM "posts" WHERE ("posts"."id" = :id) FOR NO KEY UPDATE))) AND EXISTS (SELECT "sessions"."id", "sessions"."user_id", "sessions"."created_at", "sessions"."last_used_at", "sessions"."expires_at", "sessions"."client_address", "sessions"."user_agent" FROM "sessions" WHERE (("sessions"."id" = :viewer) AND ("sessions"."user_id" = :viewer))));
\endif
SELECT EXISTS (SELECT "sessions"."id", "sessions"."user_id", "sessions"."created_at", "sessions"."last_used_at", "sessions"."expires_at", "sessions"."client_address", "sessions"."user_agent" FROM "sessions" WHERE (("sessions"."id" = :viewer) AND ("sessions"."user_id" = :viewer))), (SELECT "posts"."like_count" FROM "posts" WHERE ("posts"."id" = :id)), (SELECT ("posts"."published" OR ("posts"."author_id" = :viewer)) FROM "posts" WHERE ("posts"."id" = :id));
