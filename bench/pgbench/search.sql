-- What Agora sends for the scenario of the same name, as pg_stat_statements
-- shows it (bench/results/*.md list them), run by bench/run with
-- pgbench -M prepared. Variables come from pgbench -D. An anonymous read binds
-- `false` as its liked_by_me column; it is written `false` here.
-- Signed-in users 1..tokens own sessions 1..tokens (bench/run checks it).
-- GET /posts?search=..., anonymous: the page, then its authors (finding 23),
-- one statement on a connection of the searches' own pool, set up once
-- with their plan_cache_mode, timeout and read-only (bench/run's ceiling()
-- passes them; finding 29).
WITH chosen AS (SELECT "posts"."id", "posts"."author_id", "posts"."title", "posts"."content", "posts"."published", "posts"."created_at", "posts"."updated_at", "posts"."like_count" FROM "posts" WHERE ("posts"."published" AND (("posts"."title_folded" LIKE lower(:search)) OR ("posts"."content_folded" LIKE lower(:search)))) ORDER BY "posts"."created_at" DESC, "posts"."id" DESC LIMIT 21) SELECT chosen.*, users.name, false FROM chosen INNER JOIN users ON users.id = chosen.author_id ORDER BY chosen.created_at DESC, chosen.id DESC;
