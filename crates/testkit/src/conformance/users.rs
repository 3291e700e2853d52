//! [`domain::UserRepository`]: users, their deletion's cascade, profiles.

use domain::{
    DomainError, Email, NewSession, NewUser, PageRequest, PasswordHash, PostFilter, TokenService,
    UserAgent, UserChanges, UserId, UserName,
};

use super::{Adapters, like, post, signed_in, user};

/// Insert returns the stored user, and both lookups find it; unknown ones are `None`.
pub async fn inserted_users_are_found_by_id_and_email(adapters: Adapters) {
    let new = NewUser {
        name: UserName::parse("Ada").unwrap(),
        email: Email::parse("ada@example.com").unwrap(),
        password_hash: PasswordHash::new("hash of ada's password"),
    };
    let ada = adapters.users.insert(new.clone()).await.unwrap();
    assert_eq!(
        (&ada.name, &ada.email, &ada.password_hash),
        (&new.name, &new.email, &new.password_hash)
    );
    assert_eq!(
        adapters.users.find_by_id(ada.id).await.unwrap(),
        Some(ada.clone())
    );
    assert_eq!(
        adapters.users.find_by_email(&new.email).await.unwrap(),
        Some(ada.clone())
    );
    let unknown = Email::parse("nobody@example.com").unwrap();
    assert_eq!(adapters.users.find_by_email(&unknown).await.unwrap(), None);
    let missing = UserId::new(ada.id.get() + 1000);
    assert_eq!(adapters.users.find_by_id(missing).await.unwrap(), None);
}

/// A second account with the same (normalised) email is `EmailTaken`.
pub async fn an_email_is_registered_once(adapters: Adapters) {
    user(&adapters, "Ada").await;
    let again = NewUser {
        name: UserName::parse("Other Ada").unwrap(),
        email: Email::parse("ADA@example.com").unwrap(),
        password_hash: PasswordHash::new("another hash"),
    };
    let error = adapters.users.insert(again).await.unwrap_err();
    assert!(matches!(error, DomainError::EmailTaken), "{error:?}");
}

/// Set changes apply, unset ones keep the value; an unknown user is `None`.
pub async fn updates_apply_only_what_is_set(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let before = adapters.users.find_by_id(ada).await.unwrap().unwrap();
    let renamed = adapters
        .users
        .update(
            ada,
            UserChanges {
                name: Some(UserName::parse("Ada L.").unwrap()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(renamed.name.as_str(), "Ada L.");
    assert_eq!(renamed.password_hash, before.password_hash);
    let rehashed = adapters
        .users
        .update(
            ada,
            UserChanges {
                password_hash: Some(PasswordHash::new("new hash")),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rehashed.password_hash, PasswordHash::new("new hash"));
    assert_eq!(rehashed.name.as_str(), "Ada L.");
    let unchanged = adapters
        .users
        .update(ada, UserChanges::default())
        .await
        .unwrap();
    assert_eq!(unchanged, Some(rehashed));
    let missing = UserId::new(ada.get() + 1000);
    let none = adapters
        .users
        .update(missing, UserChanges::default())
        .await
        .unwrap();
    assert_eq!(none, None);
}

/// The user goes with their posts, likes and sessions; deleting again is false.
pub async fn deleting_a_user_takes_their_posts_likes_and_sessions(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let own = post(&adapters, ada, "Ada's post", true).await;
    let session = adapters
        .sessions
        .create(NewSession {
            user: ada,
            refresh: crate::FakeTokenService::new().digest("ada's first token"),
            lifetime: std::time::Duration::from_secs(3600),
            client_address: None,
            user_agent: UserAgent::default(),
        })
        .await
        .unwrap();
    assert!(adapters.users.delete(ada).await.unwrap());
    assert_eq!(adapters.users.find_by_id(ada).await.unwrap(), None);
    assert_eq!(adapters.posts.find(own, None).await.unwrap(), None);
    assert_eq!(adapters.sessions.caller(ada, session).await.unwrap(), None);
    let all = PostFilter {
        include_drafts: true,
        ..Default::default()
    };
    let left = adapters
        .posts
        .list(all, None, PageRequest::default())
        .await
        .unwrap();
    assert!(left.items.is_empty());
    assert!(!adapters.users.delete(ada).await.unwrap());
}

/// Every post the deleted user liked loses exactly that one like; the
/// other likers' likes stay.
pub async fn deleting_a_user_keeps_every_other_like_count_exact(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let cy = user(&adapters, "Cy").await;
    let bobs = post(&adapters, bob, "Bob's post", true).await;
    let cys = post(&adapters, cy, "Cy's post", true).await;
    let adas = post(&adapters, ada, "Ada's post", true).await;
    for (liker, liked) in [(ada, bobs), (cy, bobs), (ada, cys), (bob, adas), (bob, cys)] {
        like(&adapters, liker, liked).await;
    }
    assert!(adapters.users.delete(ada).await.unwrap());
    let count = |view: Option<domain::PostView>| view.unwrap().post.like_count;
    assert_eq!(count(adapters.posts.find(bobs, None).await.unwrap()), 1);
    assert_eq!(count(adapters.posts.find(cys, None).await.unwrap()), 1);
    let bobs_likers = adapters
        .likes
        .likers(bobs, PageRequest::default())
        .await
        .unwrap();
    let ids: Vec<UserId> = bobs_likers.items.iter().map(|l| l.user.id).collect();
    assert_eq!(ids, [cy]);
    // The count stays in step with the likes afterwards too.
    let cy = signed_in(&adapters, cy).await;
    let unliked = adapters.likes.unlike(cy, bobs).await.unwrap();
    assert_eq!(unliked, domain::LikeWrite::Counted(0));
}

/// `post_count` counts published posts only; an unknown user has no profile.
pub async fn a_profile_counts_published_posts_only(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    for (title, published) in [("one", true), ("two", true), ("draft", false)] {
        post(&adapters, ada, title, published).await;
    }
    let profile = adapters.users.profile(ada).await.unwrap().unwrap();
    assert_eq!(profile.id, ada);
    assert_eq!(profile.name.as_str(), "Ada");
    assert_eq!(profile.post_count, 2);
    let created_at = adapters
        .users
        .find_by_id(ada)
        .await
        .unwrap()
        .unwrap()
        .created_at;
    assert_eq!(profile.created_at, created_at);
    let missing = UserId::new(ada.get() + 1000);
    assert_eq!(adapters.users.profile(missing).await.unwrap(), None);
}
