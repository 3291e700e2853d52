use domain::{
    NewPost, PageLimit, PageRequest, PostChanges, PostContent, PostFilter, PostId, PostRepository,
    PostTitle, PostView, UserId,
};

use crate::fixture::Fixture;

mod statements;

fn fixture() -> Fixture {
    Fixture::new()
}

impl Fixture {
    async fn titles(&self, filter: PostFilter, viewer: Option<UserId>) -> Vec<String> {
        let page = PageRequest {
            limit: PageLimit::new(100).unwrap(),
            after: None,
        };
        let page = self.posts.list(filter, viewer, page).await.unwrap();
        page.items
            .into_iter()
            .map(|v| v.post.title.as_str().to_owned())
            .collect()
    }

    /// `count` published posts by `author`, titled "post 1" to "post
    /// `count`" and written in that order; their ids in the same order.
    async fn numbered_posts(&self, author: UserId, count: usize) -> Vec<PostId> {
        let mut ids = Vec::with_capacity(count);
        for n in 1..=count {
            ids.push(self.post(author, &format!("post {n}"), "x", true).await);
        }
        ids
    }

    /// Every post of every page of `limit`, following `next_cursor` to the end.
    async fn paged(&self, filter: PostFilter, viewer: Option<UserId>, limit: i64) -> Vec<PostView> {
        let limit = PageLimit::new(limit).unwrap();
        let (mut views, mut after) = (Vec::new(), None);
        loop {
            let request = PageRequest { limit, after };
            let page = self.posts.list(filter.clone(), viewer, request).await;
            let page = page.unwrap();
            views.extend(page.items);
            match page.next_cursor {
                Some(cursor) => after = Some(cursor),
                None => return views,
            }
        }
    }
}

fn search(text: &str) -> PostFilter {
    PostFilter {
        search: Some(text.to_owned()),
        ..PostFilter::default()
    }
}

#[tokio::test]
async fn insert_returns_the_view_with_author_and_find_reports_the_readers_like() {
    let f = fixture();
    let ada = f.user("Ada").await;
    let bob = f.user("Bob").await;
    let session = f.session(ada).await;
    let view = f
        .posts
        .insert(
            NewPost {
                author_id: ada,
                title: PostTitle::parse("Hello").unwrap(),
                content: PostContent::parse("World").unwrap(),
                published: true,
            },
            session,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.author.name.as_str(), "Ada");
    assert_eq!(view.post.like_count, 0);
    assert!(!view.liked_by_me);
    assert_eq!(view.post.created_at, view.post.updated_at);

    f.like(bob, view.post.id).await;
    let as_bob = f
        .posts
        .find(view.post.id, Some(bob))
        .await
        .unwrap()
        .unwrap();
    assert!(as_bob.liked_by_me);
    assert_eq!(as_bob.post.like_count, 1);
    assert!(
        !f.posts
            .find(view.post.id, Some(ada))
            .await
            .unwrap()
            .unwrap()
            .liked_by_me
    );
    assert!(
        !f.posts
            .find(view.post.id, None)
            .await
            .unwrap()
            .unwrap()
            .liked_by_me
    );
    let page = PageRequest {
        limit: PageLimit::new(10).unwrap(),
        after: None,
    };
    for (viewer, liked) in [(Some(bob), true), (None, false)] {
        let listed = f.posts.list(PostFilter::default(), viewer, page).await;
        let items = listed.unwrap().items;
        assert_eq!(
            items.iter().map(|v| v.liked_by_me).collect::<Vec<_>>(),
            [liked]
        );
    }
    assert!(
        f.posts
            .find(PostId::new(999_999), None)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn lists_hide_drafts_unless_asked_and_filter_by_author() {
    let f = fixture();
    let ada = f.user("Ada").await;
    let bob = f.user("Bob").await;
    f.post(ada, "ada published", "x", true).await;
    f.post(ada, "ada draft", "x", false).await;
    f.post(bob, "bob published", "x", true).await;

    assert_eq!(
        f.titles(PostFilter::default(), None).await,
        ["bob published", "ada published"]
    );
    let by_ada = PostFilter {
        author_id: Some(ada),
        ..PostFilter::default()
    };
    assert_eq!(f.titles(by_ada.clone(), None).await, ["ada published"]);
    let with_drafts = PostFilter {
        include_drafts: true,
        ..by_ada
    };
    assert_eq!(
        f.titles(with_drafts, Some(ada)).await,
        ["ada draft", "ada published"]
    );
}

#[tokio::test]
async fn search_is_case_insensitive_and_wildcards_match_literally() {
    let f = fixture();
    let ada = f.user("Ada").await;
    f.post(ada, "Fifty percent", "50% off today", true).await;
    f.post(ada, "Fifty", "500 off", true).await;
    f.post(ada, "snake_case", "a_b", true).await;
    f.post(ada, "snakeXcase", "aXb", true).await;
    f.post(ada, "quotes", "it's \"quoted\"", true).await;
    f.post(ada, "path", r"C:\temp", true).await;
    f.post(ada, "Draft with 50%", "hidden", false).await;

    assert_eq!(f.titles(search("50%"), None).await, ["Fifty percent"]);
    assert_eq!(f.titles(search("SNAKE_"), None).await, ["snake_case"]);
    assert_eq!(f.titles(search("it's \"q"), None).await, ["quotes"]);
    assert_eq!(f.titles(search(r"C:\t"), None).await, ["path"]);
    assert_eq!(
        f.titles(search("fifty"), None).await,
        ["Fifty", "Fifty percent"]
    );
    assert!(
        f.titles(search("%"), None).await == ["Fifty percent"],
        "a lone % is a literal percent sign"
    );
}

/// A search matches lowercased copies the database keeps of each post: they
/// fold letters beyond ASCII as `ILIKE` does, and follow every edit.
#[tokio::test]
async fn search_folds_every_letter_and_follows_edits() {
    let f = fixture();
    let ada = f.user("Ada").await;
    let id = f.post(ada, "Crème BRÛLÉE", "Été à ΑΘΉΝΑ", true).await;

    assert_eq!(
        f.titles(search("crème brûlée"), None).await,
        ["Crème BRÛLÉE"]
    );
    assert_eq!(
        f.titles(search("ÉTÉ À αθήνα"), None).await,
        ["Crème BRÛLÉE"]
    );

    let changes = PostChanges {
        title: Some(PostTitle::parse("Tarte Tatin").unwrap()),
        ..PostChanges::default()
    };
    f.posts.update(id, changes).await.unwrap().unwrap();
    assert!(f.titles(search("brûlée"), None).await.is_empty());
    assert_eq!(f.titles(search("TATIN"), None).await, ["Tarte Tatin"]);
}

#[tokio::test]
async fn update_moves_updated_at_and_changes_only_what_is_set() {
    let f = fixture();
    let ada = f.user("Ada").await;
    let id = f.post(ada, "Title", "Content", true).await;
    let before = f.posts.find(id, None).await.unwrap().unwrap().post;
    let changes = PostChanges {
        published: Some(false),
        ..PostChanges::default()
    };
    let after = f.posts.update(id, changes).await.unwrap().unwrap();
    assert!(!after.published);
    assert_eq!(after.title, before.title);
    assert_eq!(after.content, before.content);
    assert_eq!(after.created_at, before.created_at);
    assert!(after.updated_at > before.updated_at);
    assert!(
        f.posts
            .update(PostId::new(999_999), PostChanges::default())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn delete_removes_the_post_and_its_likes_once() {
    let f = fixture();
    let ada = f.user("Ada").await;
    let id = f.post(ada, "Title", "Content", true).await;
    f.like(ada, id).await;
    assert!(f.posts.delete(id).await.unwrap());
    assert!(!f.posts.delete(id).await.unwrap());
    assert!(f.posts.find(id, None).await.unwrap().is_none());
}

#[tokio::test]
async fn keyset_pages_neither_skip_nor_repeat_when_posts_arrive_meanwhile() {
    let f = fixture();
    let ada = f.user("Ada").await;
    f.numbered_posts(ada, 7).await;
    let limit = PageLimit::new(3).unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = f
            .posts
            .list(PostFilter::default(), None, PageRequest { limit, after })
            .await
            .unwrap();
        seen.extend(page.items.iter().map(|v| v.post.title.as_str().to_owned()));
        if seen.len() == 3 {
            f.post(ada, "arrived while paging", "x", true).await;
        }
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    let expected: Vec<String> = (1..=7).rev().map(|n| format!("post {n}")).collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn posts_sharing_a_timestamp_page_by_id_without_gaps_or_repeats() {
    use diesel::prelude::*;

    let f = fixture();
    let ada = f.user("Ada").await;
    let mut ids = f.numbered_posts(ada, 5).await;
    let mut conn = PgConnection::establish(f.db.url()).unwrap();
    diesel::sql_query("UPDATE posts SET created_at = '2026-01-01T00:00:00Z'")
        .execute(&mut conn)
        .unwrap();

    let views = f.paged(PostFilter::default(), None, 2).await;
    let seen: Vec<PostId> = views.iter().map(|v| v.post.id).collect();
    ids.reverse();
    assert_eq!(seen, ids, "newest id first, each exactly once");
}

/// A page after a cursor runs the statement's generic plan from the first
/// request: PostgreSQL priced that plan above a custom one once posts
/// carried their text twice, and planned every deep page again (finding 26).
/// A search still gets a plan for its term: its generic plan walks the
/// newest posts instead of using the trigram indexes.
#[tokio::test]
async fn pages_run_generic_plans_and_a_search_one_for_its_term() {
    use std::time::Duration;

    use crate::db::Lane;
    use crate::{Database, PgPostRepository, PoolSettings};

    let f = fixture();
    let ada = f.user("Ada").await;
    f.numbered_posts(ada, 3).await;
    // One connection a lane: the reads and the checks share its prepared
    // statements.
    let settings = PoolSettings::new(1, Duration::from_secs(5));
    let db = Database::connect(f.db.url(), settings).unwrap();
    let posts = PgPostRepository::new(db.clone());
    let limit = PageLimit::new(1).unwrap();
    let first = PageRequest { limit, after: None };
    let after = posts.list(PostFilter::default(), None, first).await;
    let after = after.unwrap().next_cursor;
    assert!(after.is_some());
    for _ in 0..6 {
        let page = PageRequest { limit, after };
        posts.list(PostFilter::default(), None, page).await.unwrap();
        posts.list(search("post"), None, first).await.unwrap();
    }
    let cursor_pages = plans_of(&db, Lane::Bounded, "%\"created_at\" <= $%").await;
    assert_eq!(
        cursor_pages,
        [(6, 0)],
        "(generic, custom) plans of the cursor page"
    );
    let searches = plans_of(&db, Lane::Costly, "%\"title_folded\" LIKE%").await;
    assert_eq!(searches, [(0, 6)], "(generic, custom) plans of the search");
}

/// (generic, custom) plans so far of each statement prepared on the one
/// connection of `db`'s `lane` whose text is LIKE `pattern`.
async fn plans_of(
    db: &crate::Database,
    lane: crate::db::Lane,
    pattern: &'static str,
) -> Vec<(i64, i64)> {
    use diesel::RunQueryDsl;
    use diesel::sql_types::{BigInt, Text};

    use crate::db::db_error;

    db.run_in(lane, move |conn| {
        diesel::dsl::sql::<(BigInt, BigInt)>(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE ",
        )
        .bind::<Text, _>(pattern)
        .get_results::<(i64, i64)>(conn)
        .map_err(db_error)
    })
    .await
    .unwrap()
}

/// The anonymous reader's statement joins no `likes`: a generic plan of the
/// join with a NULL reader probes `likes` once per row. It must stay a
/// statement diesel caches, or PostgreSQL plans every page again.
#[test]
fn an_anonymous_page_reads_no_likes_and_is_cached() {
    use diesel::pg::Pg;
    use diesel::query_builder::QueryFragment;

    use super::*;

    let query = anonymous_views!()
        .filter(posts::published)
        .into_boxed::<Pg>();
    let sql = diesel::debug_query::<Pg, _>(&query).to_string();
    assert!(!sql.contains("likes"), "{sql}");
    assert!(QueryFragment::<Pg>::is_safe_to_cache_prepared(&query, &Pg).unwrap());
}

/// The feed reads a reader's likes over the page's range of ids, which
/// assumes nothing about ids following `created_at`: with the two in a
/// scrambled order, every page of the feed still reports exactly the
/// reader's likes, as a page filtered by author (joined row by row) and a
/// search (joined after its limit) do, in the same order.
#[tokio::test]
async fn the_feed_reports_the_readers_likes_whatever_the_order_of_ids() {
    use std::collections::BTreeSet;

    use diesel::prelude::*;

    let f = fixture();
    let ada = f.user("Ada").await;
    let bob = f.user("Bob").await;
    let carol = f.user("Carol").await;
    let mut ids = Vec::new();
    for n in 0..9 {
        ids.push(f.post(ada, &format!("post {n}"), "x", true).await);
    }
    for &n in &[1, 2, 4, 7] {
        f.like(bob, ids[n]).await;
    }
    for &n in &[0, 3, 8] {
        f.like(carol, ids[n]).await;
    }
    let mut conn = PgConnection::establish(f.db.url()).unwrap();
    // 4 is coprime with 9, so this gives each of the nine posts its own second.
    diesel::sql_query(
        "UPDATE posts SET created_at = timestamptz '2026-01-01T00:00:00Z' + (id * 4 % 9) * interval '1 second'",
    )
    .execute(&mut conn)
    .unwrap();

    let by_ada = PostFilter {
        author_id: Some(ada),
        ..PostFilter::default()
    };
    // Every title holds "post": a search's page joins likes after its limit.
    for filter in [PostFilter::default(), by_ada, search("POST")] {
        let views = f.paged(filter.clone(), Some(bob), 2).await;
        let seen: Vec<PostId> = views.iter().map(|v| v.post.id).collect();
        let liked: BTreeSet<PostId> = views
            .iter()
            .filter(|v| v.liked_by_me)
            .map(|v| v.post.id)
            .collect();
        let every: BTreeSet<_> = ids.iter().copied().collect();
        assert_eq!(seen.len(), 9, "{filter:?}: every post once");
        assert_eq!(seen.iter().copied().collect::<BTreeSet<_>>(), every);
        assert_ne!(seen, ids.iter().rev().copied().collect::<Vec<_>>());
        let bobs: BTreeSet<_> = [1, 2, 4, 7].iter().map(|&n| ids[n]).collect();
        assert_eq!(liked, bobs, "{filter:?}: Bob's likes, not Carol's");
        let order: Vec<_> = views
            .iter()
            .map(|v| (v.post.created_at, v.post.id))
            .collect();
        assert!(order.is_sorted_by(|a, b| a > b), "{filter:?}: newest first");
        assert!(
            views.iter().all(|v| v.author.name.as_str() == "Ada"),
            "{filter:?}"
        );
    }
}

/// A signed-in page of the feed is one statement that checks the session
/// and reads the reader's likes, and diesel caches it: otherwise PostgreSQL
/// would parse and plan every signed-in page again.
#[test]
fn a_signed_in_feed_page_is_one_statement_diesel_caches() {
    use diesel::pg::Pg;
    use diesel::query_builder::QueryFragment;
    use domain::{Cursor, SessionId, TokenClaims};

    use super::*;

    let claims = TokenClaims {
        user: UserId::new(7),
        session: SessionId::new(9),
    };
    let request = PageRequest {
        limit: PageLimit::new(20).unwrap(),
        after: Some(Cursor {
            created_at: std::time::UNIX_EPOCH,
            id: 5,
        }),
    };
    let page = page_query!(
        authored_posts!(),
        &PostFilter::default(),
        request,
        Some(claims)
    );
    let query = LikesInRange::new(page, 7);
    let sql = diesel::debug_query::<Pg, _>(&query).to_string();
    for part in [
        "EXISTS (SELECT",
        "\"sessions\"",
        " LIMIT 21",
        "likes.post_id BETWEEN",
    ] {
        assert!(sql.contains(part), "{part} in {sql}");
    }
    assert!(QueryFragment::<Pg>::is_safe_to_cache_prepared(&query, &Pg).unwrap());
}

/// A signed-in read of a post is one statement that checks the session and
/// reads the reader's like, and diesel caches it.
#[test]
fn a_signed_in_read_of_a_post_is_one_statement_diesel_caches() {
    use diesel::pg::Pg;
    use diesel::query_builder::QueryFragment;
    use domain::{SessionId, TokenClaims};

    use super::*;

    let claims = TokenClaims {
        user: UserId::new(7),
        session: SessionId::new(9),
    };
    let query = post_for_session(PostId::new(3), claims);
    let sql = diesel::debug_query::<Pg, _>(&query).to_string();
    for part in ["EXISTS (SELECT", "\"sessions\"", "\"likes\"", "LIMIT"] {
        assert!(sql.contains(part), "{part} in {sql}");
    }
    assert!(QueryFragment::<Pg>::is_safe_to_cache_prepared(&query, &Pg).unwrap());
}

/// Only the feed reads likes over the page's ids: a filtered page spans so
/// many ids that a reader with many likes would have them all hashed.
#[test]
fn only_the_feed_reads_likes_by_range() {
    use super::reads_likes_by_range;

    assert!(reads_likes_by_range(&PostFilter::default()));
    let by_author = PostFilter {
        author_id: Some(UserId::new(1)),
        ..PostFilter::default()
    };
    assert!(!reads_likes_by_range(&by_author));
    assert!(!reads_likes_by_range(&search("word")));
}

/// Only a search joins authors and likes after its limit: it sorts every
/// match, and a feed or an author's page stops at its limit anyway.
#[test]
fn only_a_search_joins_after_its_limit() {
    use super::joins_after_limit;

    assert!(joins_after_limit(&search("word")));
    let by_author = PostFilter {
        author_id: Some(UserId::new(1)),
        ..PostFilter::default()
    };
    assert!(!joins_after_limit(&by_author));
    assert!(!joins_after_limit(&PostFilter::default()));
}

/// A signed-in search is one statement that checks the session inside its
/// page, then joins the 21 rows it keeps with their authors and the
/// reader's likes; diesel caches it like any page.
#[test]
fn a_signed_in_search_joins_authors_and_likes_after_its_limit() {
    use diesel::pg::Pg;
    use diesel::query_builder::QueryFragment;
    use domain::{SessionId, TokenClaims};

    use super::*;

    let claims = TokenClaims {
        user: UserId::new(7),
        session: SessionId::new(9),
    };
    let request = PageRequest {
        limit: PageLimit::new(20).unwrap(),
        after: None,
    };
    let page = page_query!(posts_alone!(), &search("word"), request, Some(claims));
    let query = WithAuthor::new(page, LikesOf(7));
    let sql = diesel::debug_query::<Pg, _>(&query).to_string();
    let limit = sql.find(" LIMIT 21").expect(&sql);
    for part in ["INNER JOIN users", "LEFT JOIN likes"] {
        let at = sql.find(part).unwrap_or_else(|| panic!("{part} in {sql}"));
        assert!(at > limit, "{part} after the limit in {sql}");
    }
    assert!(sql[..limit].contains("EXISTS (SELECT"), "{sql}");
    assert!(sql[..limit].contains("LIKE lower($"), "{sql}");
    assert!(QueryFragment::<Pg>::is_safe_to_cache_prepared(&query, &Pg).unwrap());
}

/// Searches, signed in or not, run on the pool's costly lane, which holds
/// at most half its connections; the other pages do not wait behind them.
#[tokio::test]
async fn searches_run_on_the_costly_lane_and_pages_do_not() {
    use std::time::Duration;

    use crate::db::Lane;
    use crate::{Database, PgPostRepository, PoolSettings};

    let f = fixture();
    let ada = f.user("Ada").await;
    f.numbered_posts(ada, 2).await;
    let claims = f.signed_in(ada).await;
    let db = Database::connect(f.db.url(), PoolSettings::new(2, Duration::from_secs(5))).unwrap();
    let posts = PgPostRepository::new(db.clone());
    let first = PageRequest {
        limit: PageLimit::new(10).unwrap(),
        after: None,
    };

    let anonymous = posts.list(search("post"), None, first).await.unwrap();
    let signed_in = posts.list_for_session(search("post"), claims, first).await;
    assert_eq!(anonymous.items.len(), 2);
    assert_eq!(signed_in.unwrap().unwrap().items.len(), 2);
    assert_eq!(
        (db.busiest_in(Lane::Costly), db.busiest_in(Lane::Bounded)),
        (1, 0),
        "(costly, bounded) after two searches"
    );

    posts
        .list(PostFilter::default(), None, first)
        .await
        .unwrap();
    assert_eq!(db.busiest_in(Lane::Bounded), 1, "a feed page");
}

/// Behind a pooler (`prepared_statements` off) a search sets its settings in
/// a transaction of its own, and finds what it finds on agora's own
/// connections.
#[tokio::test]
async fn a_search_behind_a_pooler_finds_the_same_posts() {
    use std::time::Duration;

    use crate::{Database, PgPostRepository, PoolSettings};

    let f = fixture();
    let ada = f.user("Ada").await;
    f.numbered_posts(ada, 3).await;
    f.post(ada, "other", "x", true).await;
    let pooled = PoolSettings {
        prepared_statements: false,
        ..PoolSettings::new(2, Duration::from_secs(5))
    };
    let posts = PgPostRepository::new(Database::connect(f.db.url(), pooled).unwrap());
    let first = PageRequest {
        limit: PageLimit::new(10).unwrap(),
        after: None,
    };
    let found = posts.list(search("POST"), None, first).await.unwrap();
    let titles: Vec<_> = found.items.iter().map(|v| v.post.title.as_str()).collect();
    assert_eq!(titles, ["post 3", "post 2", "post 1"]);
}
