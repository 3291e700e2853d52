//! The ports' contracts, written once against the traits, for every adapter
//! set to pass: the in-memory one here, PostgreSQL's in `agora-infra`.
//!
//! Each contract is an `async fn(Adapters)` in one of the modules below,
//! one per port (and `services` for rules that need the use cases on top).
//! [`conformance_tests!`](crate::conformance_tests) expands every contract
//! into one `#[test]`, each on a fresh set of adapters:
//!
//! ```text
//! mod conformance {
//!     testkit::conformance_tests!(testkit::conformance::Adapters::in_memory());
//! }
//! ```
//!
//! Test code: a broken expectation panics, which is the test failing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod attempts;
pub mod hashers;
pub mod health;
pub mod likes;
pub mod posts;
pub mod services;
pub mod sessions;
pub mod tokens;
pub mod users;

use std::{
    any::Any,
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use domain::{
    AccountService, CredentialThrottle, Email, HealthCheck, LikeRepository, LikeService, LikeWrite,
    LoginAttempts, NewPost, NewUser, PasswordHash, PostContent, PostId, PostRepository,
    PostService, PostTitle, PostView, SessionRepository, ThrottlePolicy, Timestamp, TokenClaims,
    UserId, UserName, UserRepository,
};

use crate::{FakePasswordHasher, FakeTokenService, InMemoryLoginAttempts, InMemoryStore};

/// One adapter per port, all over one fresh store.
pub struct Adapters {
    /// Users.
    pub users: Arc<dyn UserRepository>,
    /// Posts, sharing the users' store.
    pub posts: Arc<dyn PostRepository>,
    /// Likes, sharing the posts' store.
    pub likes: Arc<dyn LikeRepository>,
    /// Sessions, sharing the users' store.
    pub sessions: Arc<dyn SessionRepository>,
    /// The store's health.
    pub health: Arc<dyn HealthCheck>,
    /// The throttle's counters.
    pub attempts: Arc<dyn LoginAttempts>,
    /// Whatever must live as long as the adapters (a test database).
    pub keep_alive: Option<Box<dyn Any>>,
}

/// The use cases on a set of adapters, with the fake hasher and token service.
pub struct Services {
    /// Accounts and sessions.
    pub accounts: AccountService,
    /// Posts.
    pub posts: PostService,
    /// Likes.
    pub likes: LikeService,
}

impl Adapters {
    /// The in-memory adapters of this crate, on a new store.
    pub fn in_memory() -> Self {
        let store = Arc::new(InMemoryStore::new());
        Self {
            users: store.clone(),
            posts: store.clone(),
            likes: store.clone(),
            sessions: store.clone(),
            health: store,
            attempts: Arc::new(InMemoryLoginAttempts::new()),
            keep_alive: None,
        }
    }

    /// The domain's services on these adapters.
    pub fn services(&self) -> Services {
        Services {
            accounts: AccountService::new(
                self.users.clone(),
                self.sessions.clone(),
                Arc::new(FakePasswordHasher),
                Arc::new(FakeTokenService::new()),
                CredentialThrottle::new(self.attempts.clone(), ThrottlePolicy::default()),
            ),
            posts: PostService::new(self.posts.clone(), self.users.clone()),
            likes: LikeService::new(self.posts.clone(), self.likes.clone()),
        }
    }
}

/// Runs one contract on what `make` builds (a set of [`Adapters`], a
/// hasher, a token service), on a runtime of its own: PostgreSQL's adapters
/// wait for their connection with tokio's timer.
pub fn run<T, F: Future<Output = ()>>(make: impl FnOnce() -> T, contract: impl FnOnce(T) -> F) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime for the contract");
    runtime.block_on(async move { contract(make()).await });
}

/// One `#[test]` per contract, in a module per port, each on what the
/// expression builds (evaluated once per test; paths in it are resolved in
/// the invoking module): `conformance_tests!(adapters)` for the storage
/// ports and the services on them (an [`Adapters`](crate::conformance::Adapters)),
/// `conformance_tests!(hasher: h)` for an `Arc<dyn PasswordHasher>`,
/// `conformance_tests!(tokens: t)` for an `Arc<dyn TokenService>`.
#[macro_export]
macro_rules! conformance_tests {
    (hasher: $make:expr) => {
        $crate::conformance_tests!(@each $make;
            hashers {
                a_hash_verifies_its_password_only,
                the_dummy_hash_matches_nothing,
                the_limit_is_read_whole_and_longer_candidates_never_match,
            },
        );
    };
    (tokens: $make:expr) => {
        $crate::conformance_tests!(@each $make;
            tokens {
                an_issued_token_names_its_user_and_session,
                a_token_it_did_not_issue_is_invalid,
                refresh_tokens_are_new_each_time_with_a_stable_digest,
            },
        );
    };
    (@each $make:expr; $($port:ident { $($contract:ident),* $(,)? }),* $(,)?) => {
        $(
            mod $port {
                #[allow(unused_imports)]
                use super::*;
                $(
                    #[test]
                    fn $contract() {
                        $crate::conformance::run(|| $make, $crate::conformance::$port::$contract);
                    }
                )*
            }
        )*
    };
    ($make:expr) => {
        $crate::conformance_tests!(@each $make;
            users {
                inserted_users_are_found_by_id_and_email,
                an_email_is_registered_once,
                updates_apply_only_what_is_set,
                deleting_a_user_takes_their_posts_likes_and_sessions,
                deleting_a_user_keeps_every_other_like_count_exact,
                a_profile_counts_published_posts_only,
            },
            posts {
                an_inserted_post_is_seen_by_its_author,
                a_post_is_stored_only_in_its_authors_live_session,
                find_returns_drafts_and_whether_the_viewer_likes_the_post,
                lists_are_newest_first_and_pages_start_strictly_after_the_cursor,
                posts_made_in_one_burst_are_all_paged,
                a_full_last_page_has_no_next_cursor,
                lists_filter_by_author_drafts_and_search,
                a_signed_in_list_is_answered_only_for_a_live_session,
                a_signed_in_read_of_a_post_is_answered_only_for_a_live_session,
                every_signed_in_page_reports_the_readers_likes,
                search_matches_wildcards_literally_and_ignores_case,
                updates_apply_what_is_set_and_move_updated_at,
                deleting_a_post_takes_its_likes,
                times_are_kept_to_the_microsecond,
            },
            likes {
                liking_is_idempotent_and_counts,
                unliking_is_idempotent_and_counts,
                a_missing_post_is_no_post,
                only_its_author_can_like_a_draft,
                an_ended_session_likes_nothing,
                one_can_unlike_a_draft,
                likers_are_newest_first_and_paged,
            },
            sessions {
                a_new_session_names_its_caller,
                a_session_for_an_unknown_user_is_caller_gone,
                rotation_spends_the_token_and_stores_its_successor,
                a_reused_token_revokes_its_session,
                an_expired_session_does_not_rotate_and_is_forgotten,
                live_sessions_are_listed_most_recently_used_first,
                revoking_ends_only_ones_own_sessions,
                a_digest_of_another_length_is_refused,
            },
            attempts {
                counters_start_at_zero_and_count_in_order,
                a_closed_window_counts_nothing,
                clearing_forgets_a_counter,
                entering_waits_for_a_free_turn,
            },
            health {
                the_health_check_answers,
            },
            services {
                a_registered_user_logs_in_and_is_authenticated,
                a_liker_can_unlike_a_post_that_became_a_draft,
                acting_for_a_deleted_account_is_a_typed_error,
                refreshing_twice_with_one_token_ends_the_session,
            },
        );
    };
}

/// A user named `name` with the email `<name>@example.com`.
pub async fn user(adapters: &Adapters, name: &str) -> UserId {
    let user = NewUser {
        name: UserName::parse(name).unwrap(),
        email: Email::parse(&format!("{}@example.com", name.to_lowercase())).unwrap(),
        password_hash: PasswordHash::new("not a real hash"),
    };
    adapters.users.insert(user).await.unwrap().id
}

/// A post by `author` titled `title`, with `title` as its content too.
pub async fn post(adapters: &Adapters, author: UserId, title: &str, published: bool) -> PostId {
    write(adapters, new_post(author, title, published))
        .await
        .post
        .id
}

/// `user`'s like of `post`, in a live session of theirs made for it; the
/// post's like count afterwards.
pub async fn like(adapters: &Adapters, user: UserId, post: PostId) -> i64 {
    let claims = signed_in(adapters, user).await;
    match adapters.likes.like(claims, post).await.unwrap() {
        LikeWrite::Counted(count) => count,
        refused => panic!("{user} could not like {post}: {refused:?}"),
    }
}

/// The claims of a new live session of `user`.
pub async fn signed_in(adapters: &Adapters, user: UserId) -> TokenClaims {
    static SESSIONS: AtomicUsize = AtomicUsize::new(0);
    let token = format!("signed in {}", SESSIONS.fetch_add(1, Ordering::Relaxed));
    let session = sessions::session(adapters, user, &token, sessions::HOUR).await;
    TokenClaims { user, session }
}

/// Writes `post` as its author would: in a live session of theirs, made
/// for it.
pub async fn write(adapters: &Adapters, post: NewPost) -> PostView {
    let session = signed_in(adapters, post.author_id).await.session;
    adapters
        .posts
        .insert(post, session)
        .await
        .unwrap()
        .expect("the author's new session is live")
}

/// What [`post`] inserts.
pub fn new_post(author: UserId, title: &str, published: bool) -> NewPost {
    NewPost {
        author_id: author,
        title: PostTitle::parse(title).unwrap(),
        content: PostContent::parse(title).unwrap(),
        published,
    }
}

/// Whether `at` has no finer part than a microsecond.
pub fn whole_microseconds(at: Timestamp) -> bool {
    at.duration_since(std::time::UNIX_EPOCH)
        .map(|since| since.subsec_nanos() % 1_000 == 0)
        .unwrap_or(false)
}
