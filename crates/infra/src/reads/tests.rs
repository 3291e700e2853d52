//! Routing over two fresh databases: the second stands in for a replica (a
//! server that is not a standby counts as caught up), so a row written to
//! only one of them shows where a read went.

use std::time::Duration;

use diesel::prelude::*;
use domain::{
    DomainError, LikeRepository, Page, PageLimit, PageRequest, PostId, PostRepository, PostView,
    SessionId, SessionRepository, TokenClaims, UserId, UserRepository,
};

use super::ReadRouter;
use super::health::PrimaryPositions;
use crate::fixture::Fixture;
use crate::{
    PgHealthCheck, PgLikeRepository, PgPostRepository, PgSessionRepository, PgUserRepository,
};
use domain::HealthCheck;

const MAX_LAG: Duration = Duration::from_secs(2);

/// A primary and a stand-in replica, each with its own post by a user of
/// the same id, so a read tells which one answered by the title it finds.
struct Cluster {
    primary: Fixture,
    replica: Fixture,
    reads: ReadRouter,
    posts: PgPostRepository,
    users: PgUserRepository,
    likes: PgLikeRepository,
    sessions: PgSessionRepository,
    ada: UserId,
    post: PostId,
    session: SessionId,
}

impl Cluster {
    async fn new() -> Self {
        let primary = Fixture::new();
        let replica = Fixture::new();
        let ada = primary.user("Ada").await;
        assert_eq!(replica.user("Ada").await, ada, "the same first id on both");
        let post = primary.post(ada, "on the primary", "text", true).await;
        let on_replica = replica.post(ada, "on the replica", "text", true).await;
        assert_eq!(on_replica, post, "the same first id on both");
        let reads = ReadRouter::new(primary.db.database(), vec![replica.db.database()], MAX_LAG);
        let sessions = PgSessionRepository::routed(reads.clone());
        // Sessions are written to the primary, as the routed repository would.
        let session = primary.session(ada).await;
        Self {
            posts: PgPostRepository::routed(reads.clone()),
            users: PgUserRepository::routed(reads.clone()),
            likes: PgLikeRepository::routed(reads.clone()),
            sessions,
            reads,
            primary,
            replica,
            ada,
            post,
            session,
        }
    }

    /// Ada's claims in her session.
    fn claims(&self) -> TokenClaims {
        TokenClaims {
            user: self.ada,
            session: self.session,
        }
    }

    /// Ends Ada's session, on the primary.
    async fn revoke_adas_session(&self) {
        let revoked = self.sessions.revoke(self.ada, self.session).await;
        assert!(revoked.unwrap(), "Ada's session was live");
    }

    /// The title of the post as the router's read finds it.
    async fn title_seen_by(&self, viewer: Option<UserId>) -> String {
        let view = self.posts.find(self.post, viewer).await.unwrap().unwrap();
        view.post.title.as_str().to_owned()
    }

    /// Makes Ada's last write an hour old on the primary.
    fn age_adas_last_write(&self) {
        let mut conn = PgConnection::establish(self.primary.db.url()).unwrap();
        diesel::sql_query("UPDATE user_writes SET written_at = now() - interval '1 hour'")
            .execute(&mut conn)
            .unwrap();
    }
}

fn page() -> PageRequest {
    PageRequest {
        limit: PageLimit::new(10).unwrap(),
        after: None,
    }
}

#[tokio::test]
async fn reads_go_to_the_replica_once_it_is_found_healthy() {
    let cluster = Cluster::new().await;
    assert_eq!(
        cluster.title_seen_by(None).await,
        "on the primary",
        "a replica not checked yet is not used"
    );
    cluster.reads.check_replicas().await;
    assert!(cluster.reads.any_replica_healthy());
    assert_eq!(cluster.title_seen_by(None).await, "on the replica");
    let listed = cluster
        .posts
        .list(Default::default(), None, page())
        .await
        .unwrap();
    assert_eq!(listed.items[0].post.title.as_str(), "on the replica");
}

#[tokio::test]
async fn a_replica_that_goes_down_costs_no_failed_read_and_is_skipped() {
    let cluster = Cluster::new().await;
    cluster.reads.check_replicas().await;
    assert_eq!(cluster.title_seen_by(None).await, "on the replica");

    let Cluster {
        replica,
        reads,
        posts,
        users,
        likes,
        post,
        ada,
        primary,
        ..
    } = cluster;
    // Drops the replica's database and ends its connections: the pool the
    // router holds now finds nothing to connect to.
    drop(replica);

    let view = posts
        .find(post, None)
        .await
        .expect("retried on the primary");
    assert_eq!(view.unwrap().post.title.as_str(), "on the primary");
    assert!(
        !reads.any_replica_healthy(),
        "marked down by the failed read"
    );
    users
        .profile(ada)
        .await
        .expect("no error after the replica died");
    likes
        .likers(post, page())
        .await
        .expect("no error after the replica died");
    reads.check_replicas().await;
    assert!(!reads.any_replica_healthy(), "the health check agrees");
    drop(primary);
}

#[tokio::test]
async fn a_callers_reads_stay_on_the_primary_just_after_their_own_write() {
    let cluster = Cluster::new().await;
    cluster.reads.check_replicas().await;
    assert_eq!(
        cluster.title_seen_by(Some(cluster.ada)).await,
        "on the replica"
    );

    // Ada wrote (registered, posted) a moment ago: her lookup says so.
    let caller = cluster.sessions.caller(cluster.ada, cluster.session).await;
    assert_eq!(caller.unwrap().unwrap().id, cluster.ada);
    assert_eq!(
        cluster.title_seen_by(Some(cluster.ada)).await,
        "on the primary"
    );
    assert_eq!(
        cluster.title_seen_by(None).await,
        "on the replica",
        "others are not held back"
    );
    let profile = cluster.users.profile(cluster.ada).await.unwrap().unwrap();
    assert_eq!(profile.post_count, 1);

    // An hour after her last write, her reads go back to the replica.
    cluster.age_adas_last_write();
    cluster
        .sessions
        .caller(cluster.ada, cluster.session)
        .await
        .unwrap();
    assert_eq!(
        cluster.title_seen_by(Some(cluster.ada)).await,
        "on the replica"
    );
}

/// With replicas, a signed-in list checks the session on the primary (the
/// stand-in replica has no sessions at all) and reads the page where the
/// caller's writes allow.
#[tokio::test]
async fn a_signed_in_list_checks_the_session_on_the_primary_and_the_page_where_routed() {
    let cluster = Cluster::new().await;
    cluster.reads.check_replicas().await;
    let claims = cluster.claims();
    let list_as_ada = || async {
        cluster
            .posts
            .list_for_session(Default::default(), claims, page())
            .await
            .unwrap()
    };
    let first_title = |page: Option<Page<PostView>>| {
        let page = page.expect("Ada's session is live");
        page.items[0].post.title.as_str().to_owned()
    };

    assert_eq!(first_title(list_as_ada().await), "on the primary");
    cluster.age_adas_last_write();
    assert_eq!(first_title(list_as_ada().await), "on the replica");

    cluster.revoke_adas_session().await;
    assert_eq!(list_as_ada().await, None, "revoked");
}

/// The same for a signed-in read of a post.
#[tokio::test]
async fn a_signed_in_read_of_a_post_checks_the_session_on_the_primary_and_the_post_where_routed() {
    let cluster = Cluster::new().await;
    cluster.reads.check_replicas().await;
    let claims = cluster.claims();
    let title_seen_by_ada = || async {
        let found = cluster.posts.find_for_session(cluster.post, claims).await;
        let view = found.unwrap().expect("Ada's session is live");
        view.expect("the post exists")
            .post
            .title
            .as_str()
            .to_owned()
    };

    assert_eq!(title_seen_by_ada().await, "on the primary");
    cluster.age_adas_last_write();
    assert_eq!(title_seen_by_ada().await, "on the replica");

    cluster.revoke_adas_session().await;
    let found = cluster.posts.find_for_session(cluster.post, claims).await;
    assert_eq!(found.unwrap(), None, "revoked");
}

#[tokio::test]
async fn every_read_of_a_request_follows_its_callers_recent_write() {
    let cluster = std::sync::Arc::new(Cluster::new().await);
    cluster.reads.check_replicas().await;
    cluster
        .primary
        .likes
        .like(cluster.claims(), cluster.post)
        .await
        .unwrap();

    // likers names no user: only the request (its task) ties it to Ada.
    let request = {
        let cluster = cluster.clone();
        tokio::spawn(async move {
            cluster
                .sessions
                .caller(cluster.ada, cluster.session)
                .await
                .unwrap();
            cluster.likes.likers(cluster.post, page()).await.unwrap()
        })
    };
    let likers = request.await.unwrap();
    assert_eq!(
        likers.items.len(),
        1,
        "read from the primary, where Ada's like is"
    );
    let anonymous = {
        let cluster = cluster.clone();
        tokio::spawn(async move { cluster.likes.likers(cluster.post, page()).await.unwrap() })
    };
    assert!(
        anonymous.await.unwrap().items.is_empty(),
        "another request reads the replica"
    );
}

#[tokio::test]
async fn with_the_primary_down_reads_come_from_the_replica_and_writes_are_unavailable() {
    let cluster = Cluster::new().await;
    cluster.reads.check_replicas().await;
    let Cluster {
        replica,
        reads,
        posts,
        likes,
        post,
        ada,
        session,
        primary,
        ..
    } = cluster;
    drop(primary);
    reads.check_replicas().await;
    assert!(reads.any_replica_healthy());
    PgHealthCheck::routed(reads.clone())
        .check()
        .await
        .expect("ready: reads can be served");
    let view = posts.find(post, None).await.unwrap().unwrap();
    assert_eq!(view.post.title.as_str(), "on the replica");
    let claims = TokenClaims { user: ada, session };
    let error = likes.like(claims, post).await.unwrap_err();
    assert!(matches!(error, DomainError::Unavailable(_)), "{error:?}");
    drop(replica);
}

#[tokio::test]
async fn each_own_write_is_noted_and_its_side_effects_are_not() {
    let f = Fixture::new();
    let ada = f.user("Ada").await;
    let bob = f.user("Bob").await;
    let post = f.post(ada, "title", "text", true).await;
    let written = |user: UserId| -> Option<f64> {
        let mut conn = PgConnection::establish(f.db.url()).unwrap();
        #[derive(QueryableByName)]
        struct Age {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
            age: Option<f64>,
        }
        diesel::sql_query(
            "SELECT (SELECT EXTRACT(EPOCH FROM now() - written_at)::float8 \
             FROM user_writes WHERE user_id = $1) AS age",
        )
        .bind::<diesel::sql_types::BigInt, _>(user.get())
        .get_result::<Age>(&mut conn)
        .unwrap()
        .age
    };
    let forget = || {
        let mut conn = PgConnection::establish(f.db.url()).unwrap();
        diesel::sql_query("DELETE FROM user_writes")
            .execute(&mut conn)
            .unwrap();
    };
    assert!(
        written(ada).is_some() && written(bob).is_some(),
        "registration"
    );

    forget();
    f.like(bob, post).await;
    assert!(written(bob).is_some(), "a like is Bob's write");
    assert_eq!(written(ada), None, "the like count it moves is not Ada's");

    forget();
    let bob_signed_in = f.signed_in(bob).await;
    f.likes.unlike(bob_signed_in, post).await.unwrap();
    assert!(written(bob).is_some(), "an unlike");
    f.like(bob, post).await;

    forget();
    assert!(f.posts.delete(post).await.unwrap());
    assert!(written(ada).is_some(), "deleting a post");
    assert_eq!(
        written(bob),
        None,
        "the likes its deletion removed are not Bob's"
    );

    let post = f.post(ada, "another", "text", true).await;
    f.like(bob, post).await;
    forget();
    assert!(f.users.delete(ada).await.unwrap());
    assert_eq!(
        written(bob),
        None,
        "nor those the deletion of an account removed"
    );
}

#[test]
fn lag_is_the_age_of_the_oldest_position_not_replayed() {
    let positions = PrimaryPositions::default();
    assert_eq!(positions.lag_of(0), None, "unknown without a sample");
    let keep = Duration::from_secs(60);
    positions.record(100, keep);
    std::thread::sleep(Duration::from_millis(30));
    positions.record(200, keep);
    assert_eq!(positions.lag_of(200), Some(Duration::ZERO));
    assert_eq!(positions.lag_of(250), Some(Duration::ZERO));
    assert_eq!(
        positions.lag_of(150),
        Some(Duration::ZERO),
        "only the newest is missing"
    );
    let lag = positions.lag_of(50).unwrap();
    assert!(lag >= Duration::from_millis(30), "{lag:?}");
    positions.forget();
    assert_eq!(positions.lag_of(50), None);
}
