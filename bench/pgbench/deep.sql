-- What Agora sends for the scenario of the same name, as pg_stat_statements
-- shows it (bench/results/*.md list them), run by bench/run with
-- pgbench -M prepared. Variables come from pgbench -D. An anonymous read binds
-- `false` as its liked_by_me column; it is written `false` here.
-- Signed-in users 1..tokens own sessions 1..tokens (bench/run checks it).
-- GET /posts?cursor=..., anonymous, a deep page.
SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."content", "posts"."published", "posts"."created_at", "posts"."updated_at", "posts"."like_count", "users"."name", false FROM ("posts" INNER JOIN "users" ON ("posts"."author_id" = "users"."id")) WHERE ("posts"."published" AND "posts"."created_at" <= :cursor_at AND ("posts"."created_at" < :cursor_at OR "posts"."id" < :cursor_id)) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT 21;
