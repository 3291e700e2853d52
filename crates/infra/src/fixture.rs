//! Repositories over one fresh test database, with shorthands for the rows
//! the post and like tests need.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use diesel::prelude::*;
use domain::{
    Email, LikeRepository, LikeWrite, NewPost, NewSession, NewUser, PasswordHash, PostContent,
    PostId, PostRepository, PostTitle, SessionId, SessionRepository, TokenClaims, TokenDigest,
    UserAgent, UserId, UserName, UserRepository,
};

use crate::testing::TestDatabase;
use crate::{PgLikeRepository, PgPostRepository, PgSessionRepository, PgUserRepository};

pub(crate) struct Fixture {
    pub(crate) db: TestDatabase,
    pub(crate) users: PgUserRepository,
    pub(crate) posts: PgPostRepository,
    pub(crate) likes: PgLikeRepository,
}

impl Fixture {
    pub(crate) fn new() -> Self {
        let db = TestDatabase::new();
        let database = db.database();
        Self {
            users: PgUserRepository::new(database.clone()),
            posts: PgPostRepository::new(database.clone()),
            likes: PgLikeRepository::new(database),
            db,
        }
    }

    /// A user called `name`, with the email `<name>@example.com`.
    pub(crate) async fn user(&self, name: &str) -> UserId {
        let user = NewUser {
            name: UserName::parse(name).unwrap(),
            email: Email::parse(&format!("{}@example.com", name.to_lowercase())).unwrap(),
            password_hash: PasswordHash::new("$2b$04$hash"),
        };
        self.users.insert(user).await.unwrap().id
    }

    pub(crate) async fn post(
        &self,
        author: UserId,
        title: &str,
        content: &str,
        published: bool,
    ) -> PostId {
        let post = NewPost {
            author_id: author,
            title: PostTitle::parse(title).unwrap(),
            content: PostContent::parse(content).unwrap(),
            published,
        };
        let session = self.session(author).await;
        let view = self.posts.insert(post, session).await.unwrap();
        view.expect("the author's new session is live").post.id
    }

    /// `user`'s like of `post`, in a new session of theirs; the count after.
    pub(crate) async fn like(&self, user: UserId, post: PostId) -> i64 {
        let claims = self.signed_in(user).await;
        match self.likes.like(claims, post).await.unwrap() {
            LikeWrite::Counted(count) => count,
            refused => panic!("{user} could not like {post}: {refused:?}"),
        }
    }

    /// The claims of a new live session of `user`.
    pub(crate) async fn signed_in(&self, user: UserId) -> TokenClaims {
        let session = self.session(user).await;
        TokenClaims { user, session }
    }

    /// A live session of `user`, for an hour; a new one each call.
    pub(crate) async fn session(&self, user: UserId) -> SessionId {
        static SESSIONS: AtomicU64 = AtomicU64::new(0);
        let mut digest = vec![7; 32];
        digest[..8].copy_from_slice(&SESSIONS.fetch_add(1, Ordering::Relaxed).to_be_bytes());
        let session = NewSession {
            user,
            refresh: TokenDigest::new(digest),
            lifetime: Duration::from_secs(3600),
            client_address: None,
            user_agent: UserAgent::new(None),
        };
        let sessions = PgSessionRepository::new(self.db.database());
        sessions.create(session).await.unwrap()
    }

    /// The number of `likes` rows of a post, counted apart from `like_count`.
    pub(crate) fn like_rows(&self, post: PostId) -> i64 {
        let mut conn = PgConnection::establish(self.db.url()).unwrap();
        crate::schema::likes::table
            .filter(crate::schema::likes::post_id.eq(post.get()))
            .count()
            .get_result(&mut conn)
            .unwrap()
    }
}
