//! [`PostRepository`] over PostgreSQL. Every read gets the author, and a
//! signed-in reader's like, in the same statement: a page costs one query
//! whatever its size. A signed-in read, of a page or of a post, checks the
//! reader's session in that statement too, where it is read on the primary,
//! and the feed reads the reader's likes once for the page rather than once
//! a row.

mod likes_in_range;
mod rows;
mod with_author;

use async_trait::async_trait;
use diesel::dsl::{exists, now};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::QueryFragment;
use diesel::query_dsl::LoadQuery;
use diesel::sql_types::{Bool, Text};
use domain::{
    Cursor, DomainError, NewPost, Page, PageRequest, Post, PostChanges, PostFilter, PostId,
    PostRepository, PostView, SessionId, SessionRepository, TokenClaims, UserId,
};

use crate::db::{Lane, OptionalRow, acting_user_gone, db_error};
use crate::paging::{WithLimit, after_cursor, page_from_rows};
use crate::schema::{likes, posts, sessions, users};
use crate::sessions::live_session;
use crate::{Database, PgSessionRepository, ReadRouter};
use likes_in_range::LikesInRange;
use rows::{PostChangesRow, PostRow, ViewRow, into_view};
use with_author::{LikesOf, Nobody, WithAuthor};

/// The foreign key from `posts.author_id` to `users` (see the create_posts migration).
const AUTHOR_EXISTS: &str = "posts_author_id_fkey";

#[derive(Debug, Clone)]
pub struct PgPostRepository {
    db: Database,
    reads: ReadRouter,
    /// The session lookup, where it cannot go with the read.
    sessions: PgSessionRepository,
}

impl PgPostRepository {
    /// Every statement on `db`.
    pub fn new(db: Database) -> Self {
        Self::routed(ReadRouter::primary_only(db))
    }

    /// Writes on the primary, reads where `reads` sends them.
    pub fn routed(reads: ReadRouter) -> Self {
        Self {
            db: reads.primary().clone(),
            sessions: PgSessionRepository::routed(reads.clone()),
            reads,
        }
    }

    /// A signed-in read for `claims`, `None` unless their session is live.
    /// `checked` reads on the primary with the session checked in its own
    /// statement, and finds nothing for an ended one: one statement a
    /// request. Only when it finds nothing (`empty`) is the session looked
    /// up alone, to tell an ended session from nothing to show. With
    /// replicas the session is still the primary's to check, first, and
    /// `routed` reads for the caller where [`ReadRouter`] sends it.
    async fn for_session<T, Routed>(
        &self,
        lane: Lane,
        claims: TokenClaims,
        checked: impl FnMut(&mut PgConnection) -> Result<T, DomainError> + Send + 'static,
        empty: impl FnOnce(&T) -> bool,
        routed: impl FnOnce(UserId) -> Routed,
    ) -> Result<Option<T>, DomainError>
    where
        T: Send + 'static,
        Routed: Future<Output = Result<T, DomainError>>,
    {
        if self.reads.has_replicas() {
            let Some(viewer) = self.sessions.caller(claims.user, claims.session).await? else {
                return Ok(None);
            };
            return routed(viewer.id).await.map(Some);
        }
        let found = self.db.run_in(lane, checked).await?;
        if !empty(&found) {
            return Ok(Some(found));
        }
        let live = self.sessions.caller(claims.user, claims.session).await?;
        Ok(live.map(|_| found))
    }
}

/// Posts joined with their author and whether the signed-in `$viewer` (a
/// user id) likes them.
macro_rules! post_views {
    ($viewer:expr) => {
        posts::table
            .inner_join(users::table)
            .left_join(
                likes::table.on(likes::post_id.eq(posts::id).and(likes::user_id.eq($viewer))),
            )
            .select((
                PostRow::as_select(),
                users::name,
                likes::user_id.nullable().is_not_null(),
            ))
    };
}

/// Posts joined with their author, for a reader who is not signed in and
/// so likes nothing. A statement of its own, not the join above with a NULL
/// reader: PostgreSQL's generic plan cannot fold that join away, so it
/// probed `likes` once per row, and on a deep page it priced the generic
/// plan so far above a custom one that it planned every page again.
macro_rules! anonymous_views {
    () => {
        posts::table.inner_join(users::table).select((
            PostRow::as_select(),
            users::name,
            false.into_sql::<Bool>(),
        ))
    };
}

/// Posts alone, for a page that reads authors and likes after its limit
/// ([`WithAuthor`]).
macro_rules! posts_alone {
    () => {
        posts::table.select(PostRow::as_select())
    };
}

/// Posts joined with their author, before a reader's likes are added: the
/// feed's page for [`LikesInRange`].
macro_rules! authored_posts {
    () => {
        posts::table
            .inner_join(users::table)
            .select((PostRow::as_select(), users::name))
    };
}

/// The statement for up to `limit + 1` rows of `$views` that pass
/// `$filter`, newest first, after `$page`'s cursor; with `$live`, a
/// `TokenClaims`, none unless its session is live, as the caller lookup
/// finds it (sessions go with their user). A macro because the
/// statements are different types: a generic function would need
/// diesel's bounds for every filter, longer than the body.
macro_rules! page_query {
    ($views:expr, $filter:expr, $page:expr, $live:expr) => {{
        let filter: &PostFilter = $filter;
        let page: PageRequest = $page;
        let live: Option<TokenClaims> = $live;
        let mut query = $views
            .order((posts::created_at.desc(), posts::id.desc()))
            .into_boxed();
        if let Some(claims) = live {
            // Uncorrelated, so PostgreSQL runs it once, before the page.
            query = query.filter(exists(live_session(claims.user, claims.session)));
        }
        if !filter.include_drafts {
            query = query.filter(posts::published);
        }
        if let Some(author) = filter.author_id {
            query = query.filter(posts::author_id.eq(author.get()));
        }
        if let Some(search) = &filter.search {
            // What `ILIKE` matches, against the lowercased copies the table
            // keeps (the fold_search_text migration says why).
            let pattern = lower(contains_pattern(search));
            query = query.filter(
                posts::title_folded
                    .like(pattern.clone())
                    .or(posts::content_folded.like(pattern)),
            );
        }
        if let Some(after) = page.after {
            query = query.filter(after_cursor!(posts::created_at, posts::id, after));
        }
        WithLimit::page(query, page.limit)
    }};
}

/// Whom a signed-in page is read for.
#[derive(Debug, Clone, Copy)]
enum Reader {
    /// A caller already looked up.
    Known(UserId),
    /// A token's claims: the page is empty unless its session is live.
    Claimed(TokenClaims),
}

/// A page as `reader` sees it.
fn signed_in_page(
    conn: &mut PgConnection,
    reader: Reader,
    filter: &PostFilter,
    page: PageRequest,
) -> QueryResult<Vec<ViewRow>> {
    let (viewer, live) = match reader {
        Reader::Known(user) => (user.get(), None),
        Reader::Claimed(claims) => (claims.user.get(), Some(claims)),
    };
    if reads_likes_by_range(filter) {
        let query = page_query!(authored_posts!(), filter, page, live);
        LikesInRange::new(query, viewer).load::<ViewRow>(conn)
    } else if joins_after_limit(filter) {
        let query = page_query!(posts_alone!(), filter, page, live);
        WithAuthor::new(query, LikesOf(viewer)).load::<ViewRow>(conn)
    } else {
        let query = page_query!(post_views!(viewer), filter, page, live);
        query.load::<ViewRow>(conn)
    }
}

/// The post `id` as `claims.user` sees it, none unless their session is
/// live: a signed-in read of a post in one statement.
fn post_for_session(
    id: PostId,
    claims: TokenClaims,
) -> impl LoadQuery<'static, PgConnection, ViewRow> + QueryFragment<Pg> {
    post_views!(claims.user.get())
        .filter(posts::id.eq(id.get()))
        // Uncorrelated, so PostgreSQL runs it once, before the post.
        .filter(exists(live_session(claims.user, claims.session)))
        .limit(1)
}

/// Inserts `post` if `session` is a live session of its author, and reads
/// it back as its author sees it: the session is the row the post's author
/// is selected from, so a post is written, or not, in one statement.
fn insert_for_session(
    post: &NewPost,
    session: SessionId,
) -> impl LoadQuery<'_, PgConnection, ViewRow> {
    let from_live_session = live_session(post.author_id, session).select((
        sessions::user_id,
        post.title.as_str().into_sql::<Text>(),
        post.content.as_str().into_sql::<Text>(),
        post.published.into_sql::<Bool>(),
    ));
    let insert = diesel::insert_into(posts::table)
        .values(from_live_session)
        .into_columns((
            posts::author_id,
            posts::title,
            posts::content,
            posts::published,
        ))
        .returning(PostRow::as_returning());
    WithAuthor::new(insert, Nobody)
}

/// Whether a signed-in page reads the viewer's likes once over its ids:
/// only the feed, whose ids lie close together. A page filtered by author
/// or search spans many ids, so it joins them row by row ([`LikesInRange`]
/// says why).
fn reads_likes_by_range(filter: &PostFilter) -> bool {
    filter.author_id.is_none() && filter.search.is_none()
}

/// Where a page's statement runs: a search on [`Lane::Costly`], whose
/// connections plan each term and stop a search at 3 s (`db/session.rs`),
/// and which the other reads never wait for: some terms cost a pass over
/// the table whatever the plan (docs/performance.md, findings 23 and 25).
fn lane_of(filter: &PostFilter) -> Lane {
    if filter.search.is_some() {
        Lane::Costly
    } else {
        Lane::Bounded
    }
}

/// Whether a page joins authors and likes after its limit ([`WithAuthor`]):
/// only a search, which sorts every match to keep the newest. A feed or an
/// author's page reads its rows in order from an index and stops at the
/// limit, so joining as it goes joins no more than it keeps.
fn joins_after_limit(filter: &PostFilter) -> bool {
    filter.search.is_some()
}

/// A page for a reader who is not signed in.
fn anonymous_page(
    conn: &mut PgConnection,
    filter: &PostFilter,
    page: PageRequest,
) -> QueryResult<Vec<ViewRow>> {
    if joins_after_limit(filter) {
        let query = page_query!(posts_alone!(), filter, page, None);
        WithAuthor::new(query, Nobody).load::<ViewRow>(conn)
    } else {
        let query = page_query!(anonymous_views!(), filter, page, None);
        query.load::<ViewRow>(conn)
    }
}

#[async_trait]
impl PostRepository for PgPostRepository {
    async fn insert(
        &self,
        post: NewPost,
        session: SessionId,
    ) -> Result<Option<PostView>, DomainError> {
        self.db
            .run_blocking(move |conn| {
                insert_for_session(&post, session)
                    .get_result::<ViewRow>(conn)
                    .optional()
                    .map_err(|error| acting_user_gone(error, AUTHOR_EXISTS))?
                    .map(into_view)
                    .transpose()
            })
            .await
    }

    async fn find(
        &self,
        id: PostId,
        viewer: Option<UserId>,
    ) -> Result<Option<PostView>, DomainError> {
        self.reads
            .read(viewer, move |conn| {
                let id = posts::id.eq(id.get());
                match viewer {
                    Some(viewer) => post_views!(viewer.get()).filter(id).first::<ViewRow>(conn),
                    None => anonymous_views!().filter(id).first::<ViewRow>(conn),
                }
                .optional_row(into_view)
            })
            .await
    }

    async fn find_for_session(
        &self,
        id: PostId,
        claims: TokenClaims,
    ) -> Result<Option<Option<PostView>>, DomainError> {
        let checked = move |conn: &mut PgConnection| {
            post_for_session(id, claims)
                .get_result::<ViewRow>(conn)
                .optional_row(into_view)
        };
        self.for_session(Lane::Bounded, claims, checked, Option::is_none, |viewer| {
            self.find(id, Some(viewer))
        })
        .await
    }

    async fn list(
        &self,
        filter: PostFilter,
        viewer: Option<UserId>,
        page: PageRequest,
    ) -> Result<Page<PostView>, DomainError> {
        self.reads
            .read_in(lane_of(&filter), viewer, move |conn| {
                let rows = match viewer {
                    Some(viewer) => signed_in_page(conn, Reader::Known(viewer), &filter, page),
                    None => anonymous_page(conn, &filter, page),
                };
                page_of(rows, page)
            })
            .await
    }

    async fn list_for_session(
        &self,
        filter: PostFilter,
        claims: TokenClaims,
        page: PageRequest,
    ) -> Result<Option<Page<PostView>>, DomainError> {
        let routed_filter = filter.clone();
        let lane = lane_of(&filter);
        let checked = move |conn: &mut PgConnection| {
            let rows = signed_in_page(conn, Reader::Claimed(claims), &filter, page);
            page_of(rows, page)
        };
        let empty = |found: &Page<PostView>| found.items.is_empty();
        self.for_session(lane, claims, checked, empty, |viewer| {
            self.list(routed_filter, Some(viewer), page)
        })
        .await
    }

    async fn update(&self, id: PostId, changes: PostChanges) -> Result<Option<Post>, DomainError> {
        self.db
            .run_blocking(move |conn| {
                // updated_at from the database's clock, like created_at.
                diesel::update(posts::table.find(id.get()))
                    .set((PostChangesRow::from(&changes), posts::updated_at.eq(now)))
                    .returning(PostRow::as_returning())
                    .get_result(conn)
                    .optional_row(Post::try_from)
            })
            .await
    }

    async fn delete(&self, id: PostId) -> Result<bool, DomainError> {
        self.db
            .run_blocking(move |conn| {
                diesel::delete(posts::table.find(id.get()))
                    .execute(conn)
                    .map(|deleted| deleted > 0)
                    .map_err(db_error)
            })
            .await
    }
}

/// The page `rows` hold, `page.limit` of them and the cursor past them.
fn page_of(
    rows: QueryResult<Vec<ViewRow>>,
    page: PageRequest,
) -> Result<Page<PostView>, DomainError> {
    let views = rows
        .map_err(db_error)?
        .into_iter()
        .map(into_view)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page_from_rows(views, page.limit, |view| Cursor {
        created_at: view.post.created_at,
        id: view.post.id.get(),
    }))
}

diesel::define_sql_function! {
    /// PostgreSQL's own `lower`, the one that folded the stored copies: Rust's
    /// `to_lowercase` differs from it on some characters.
    fn lower(text: Text) -> Text;
}

/// `%`, `_` and `\` in a search text match themselves, not as LIKE wildcards.
fn contains_pattern(search: &str) -> String {
    let mut pattern = String::with_capacity(search.len() + 2);
    pattern.push('%');
    for c in search.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests;
