//! How many statements a signed-in read or write sends, counted by diesel's
//! instrumentation. It is one for the whole process, so statements are
//! counted per database: each test has its own.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{LazyLock, Mutex, Once};

use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};
use domain::{
    LikeRepository, NewPost, PageLimit, PageRequest, PostContent, PostFilter, PostId,
    PostRepository, PostTitle, TokenClaims,
};

use crate::fixture::Fixture;

/// Statements counted, by database: only those a test asked to watch.
static STATEMENTS: LazyLock<Mutex<HashMap<String, usize>>> = LazyLock::new(Default::default);

/// Counts, for the database its connection was opened on if it is
/// watched, each statement but the `SET`s that set up a new connection,
/// which the pool may open at any time.
struct Statements {
    url: Option<String>,
}

impl Instrumentation for Statements {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartEstablishConnection { url, .. } => {
                self.url = Some(database_of(url).to_owned());
            }
            InstrumentationEvent::StartQuery { query, .. } => {
                let Some(url) = &self.url else { return };
                let mut counts = STATEMENTS.lock().unwrap();
                let Some(count) = counts.get_mut(url) else {
                    return;
                };
                let mut sql = String::new();
                if write!(sql, "{query}").is_err() || !sql.starts_with("SET ") {
                    *count += 1;
                }
            }
            _ => {}
        }
    }
}

/// Instruments every connection opened from now on.
fn instrument_connections() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        set_default_instrumentation(|| Some(Box::new(Statements { url: None }))).unwrap();
    });
}

/// Counts the statements sent to the database at `url` from now on, on
/// connections opened after [`instrument_connections`].
fn watch(url: &str) {
    STATEMENTS
        .lock()
        .unwrap()
        .insert(database_of(url).to_owned(), 0);
}

/// The URL without its parameters, which the pool adds to (a connect timeout).
fn database_of(url: &str) -> &str {
    url.split('?').next().unwrap_or(url)
}

fn statements(url: &str) -> usize {
    let counts = STATEMENTS.lock().unwrap();
    counts.get(database_of(url)).copied().unwrap_or(0)
}

/// The statements `work` sends to the database at `url`.
async fn counted(url: &str, work: impl Future<Output = ()>) -> usize {
    let before = statements(url);
    work.await;
    statements(url) - before
}

/// A signed-in read of a post or a page checks the session in its own
/// statement: one statement, not a caller lookup and then the read. Only a
/// read that finds nothing looks the session up alone, to tell an ended
/// session from nothing to show.
#[tokio::test]
async fn a_signed_in_read_is_one_statement() {
    instrument_connections();
    let f = Fixture::new();
    let url = f.db.url().to_owned();
    watch(&url);
    let ada = f.user("Ada").await;
    let post = f.post(ada, "Hello", "x", true).await;
    let session = f.session(ada).await;
    let claims = TokenClaims { user: ada, session };
    let page = PageRequest {
        limit: PageLimit::new(10).unwrap(),
        after: None,
    };
    let missing = PostId::new(post.get() + 1000);
    let by_ada = PostFilter {
        author_id: Some(ada),
        ..PostFilter::default()
    };

    let read = async {
        let found = f.posts.find_for_session(post, claims).await.unwrap();
        assert!(found.unwrap().is_some());
    };
    assert_eq!(counted(&url, read).await, 1, "a post");
    for filter in [PostFilter::default(), by_ada] {
        let read = async {
            let found = f
                .posts
                .list_for_session(filter, claims, page)
                .await
                .unwrap();
            assert_eq!(found.unwrap().items.len(), 1);
        };
        assert_eq!(counted(&url, read).await, 1, "a page");
    }
    let read = async {
        let found = f.posts.find_for_session(missing, claims).await.unwrap();
        assert_eq!(found, Some(None));
    };
    assert_eq!(counted(&url, read).await, 2, "the read, then the lookup");
}

/// Writing a post checks the session in the insert, and reads the post
/// back with its author in the same statement: one statement, not a caller
/// lookup and then a transaction of four (`BEGIN`, insert, read,
/// `COMMIT`). An ended session is one statement too, and stores nothing.
#[tokio::test]
async fn writing_a_post_is_one_statement() {
    instrument_connections();
    let f = Fixture::new();
    let url = f.db.url().to_owned();
    watch(&url);
    let ada = f.user("Ada").await;
    let session = f.session(ada).await;
    let ended = f.session(ada).await;
    let post = || NewPost {
        author_id: ada,
        title: PostTitle::parse("Hello").unwrap(),
        content: PostContent::parse("World").unwrap(),
        published: true,
    };
    let sessions = crate::PgSessionRepository::new(f.db.database());
    assert!(
        domain::SessionRepository::revoke(&sessions, ada, ended)
            .await
            .unwrap()
    );

    let write = async {
        let view = f.posts.insert(post(), session).await.unwrap();
        assert_eq!(view.unwrap().author.name.as_str(), "Ada");
    };
    assert_eq!(counted(&url, write).await, 1, "a post written");
    let write = async {
        assert_eq!(f.posts.insert(post(), ended).await.unwrap(), None);
    };
    assert_eq!(counted(&url, write).await, 1, "an ended session");
    let all = f.titles(PostFilter::default(), None).await;
    assert_eq!(all, ["Hello"]);
}

/// A like or an unlike is two statements: the write, which checks the
/// session and the post itself, then the count it left. Not a caller
/// lookup, a read of the post, and a transaction of four.
#[tokio::test]
async fn a_like_or_an_unlike_is_two_statements() {
    instrument_connections();
    let f = Fixture::new();
    let url = f.db.url().to_owned();
    watch(&url);
    let ada = f.user("Ada").await;
    let bob = f.signed_in(f.user("Bob").await).await;
    let post = f.post(ada, "Hello", "x", true).await;

    let like = async {
        let written = f.likes.like(bob, post).await.unwrap();
        assert_eq!(written, domain::LikeWrite::Counted(1));
    };
    assert_eq!(counted(&url, like).await, 2, "a like");
    let unlike = async {
        let written = f.likes.unlike(bob, post).await.unwrap();
        assert_eq!(written, domain::LikeWrite::Counted(0));
    };
    assert_eq!(counted(&url, unlike).await, 2, "an unlike");
}
