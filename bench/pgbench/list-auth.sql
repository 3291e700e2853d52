-- What Agora sends for the scenario of the same name, as pg_stat_statements
-- shows it (bench/results/*.md list them), run by bench/run with
-- pgbench -M prepared. Variables come from pgbench -D. An anonymous read binds
-- `false` as its liked_by_me column; it is written `false` here.
-- Signed-in users 1..tokens own sessions 1..tokens (bench/run checks it).
-- GET /posts, signed in: the page, with the session checked in the same
-- statement, and the reader's likes read once over the page's ids (an empty
-- page then looks the caller up alone: never here).
\set viewer random(1, :tokens)
WITH page AS MATERIALIZED (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."content", "posts"."published", "posts"."created_at", "posts"."updated_at", "posts"."like_count", "users"."name" FROM ("posts" INNER JOIN "users" ON ("posts"."author_id" = "users"."id")) WHERE (EXISTS (SELECT "sessions"."id", "sessions"."user_id", "sessions"."created_at", "sessions"."last_used_at", "sessions"."expires_at", "sessions"."client_address", "sessions"."user_agent" FROM "sessions" WHERE (("sessions"."id" = :viewer) AND ("sessions"."user_id" = :viewer))) AND "posts"."published") ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT 21) SELECT page.*, page.id IN (SELECT likes.post_id FROM likes WHERE likes.user_id = :viewer AND likes.post_id BETWEEN (SELECT min(page.id) FROM page) AND (SELECT max(page.id) FROM page)) FROM page ORDER BY page.created_at DESC, page.id DESC;
