//! [`domain::LikeRepository`]: counts kept exact, typed errors, likers' pages.

use domain::{DomainError, Entity, PageLimit, PageRequest, PostId, UserId};

use super::{Adapters, post, user};

/// Liking twice is one like: the count is 1, then 2 with a second liker;
/// the post's `like_count` agrees.
pub async fn liking_is_idempotent_and_counts(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let id = post(&adapters, ada, "Likeable", true).await;
    assert_eq!(adapters.likes.like(bob, id).await.unwrap(), 1);
    assert_eq!(adapters.likes.like(bob, id).await.unwrap(), 1);
    assert_eq!(adapters.likes.like(ada, id).await.unwrap(), 2);
    let view = adapters.posts.find(id, None).await.unwrap().unwrap();
    assert_eq!(view.post.like_count, 2);
}

/// Unliking removes one's own like only, once; unliking what one does not
/// like leaves the count.
pub async fn unliking_is_idempotent_and_counts(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let id = post(&adapters, ada, "Likeable", true).await;
    adapters.likes.like(bob, id).await.unwrap();
    adapters.likes.like(ada, id).await.unwrap();
    assert_eq!(adapters.likes.unlike(bob, id).await.unwrap(), 1);
    assert_eq!(adapters.likes.unlike(bob, id).await.unwrap(), 1);
    let view = adapters.posts.find(id, Some(ada)).await.unwrap().unwrap();
    assert_eq!(view.post.like_count, 1);
    assert!(view.liked_by_me);
}

/// Liking or unliking a post that does not exist is `NotFound(Post)`.
pub async fn a_missing_post_is_not_found(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let existing = post(&adapters, ada, "Exists", true).await;
    let missing = PostId::new(existing.get() + 1000);
    let liked = adapters.likes.like(ada, missing).await.unwrap_err();
    assert!(
        matches!(liked, DomainError::NotFound(Entity::Post)),
        "{liked:?}"
    );
    let unliked = adapters.likes.unlike(ada, missing).await.unwrap_err();
    assert!(
        matches!(unliked, DomainError::NotFound(Entity::Post)),
        "{unliked:?}"
    );
}

/// A like by a user who does not exist is `CallerGone`, and is not counted.
pub async fn an_unknown_liker_is_caller_gone(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let id = post(&adapters, ada, "Likeable", true).await;
    let ghost = UserId::new(ada.get() + 1000);
    let error = adapters.likes.like(ghost, id).await.unwrap_err();
    assert!(matches!(error, DomainError::CallerGone), "{error:?}");
    let view = adapters.posts.find(id, None).await.unwrap().unwrap();
    assert_eq!(view.post.like_count, 0);
}

/// A like on a post that became a draft can be taken back.
pub async fn one_can_unlike_a_draft(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let id = post(&adapters, ada, "Soon a draft", true).await;
    adapters.likes.like(bob, id).await.unwrap();
    let unpublish = domain::PostChanges {
        published: Some(false),
        ..Default::default()
    };
    adapters.posts.update(id, unpublish).await.unwrap().unwrap();
    assert_eq!(adapters.likes.unlike(bob, id).await.unwrap(), 0);
}

/// Likers come most recent first (`liked_at`, then user id), paged strictly
/// after the cursor; liking again does not move one's place.
pub async fn likers_are_newest_first_and_paged(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let id = post(&adapters, ada, "Popular", true).await;
    let mut likers = Vec::new();
    for name in ["Bob", "Cy", "Di", "Ed", "Flo"] {
        let liker = user(&adapters, name).await;
        adapters.likes.like(liker, id).await.unwrap();
        likers.push(liker);
    }
    adapters.likes.like(likers[0], id).await.unwrap();
    let mut request = PageRequest {
        limit: PageLimit::new(2).unwrap(),
        after: None,
    };
    let mut seen = Vec::new();
    loop {
        let page = adapters.likes.likers(id, request).await.unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|l| (l.liked_at, l.user.id)));
        match page.next_cursor {
            Some(after) => request.after = Some(after),
            None => break,
        }
    }
    let ids: Vec<UserId> = seen.iter().map(|(_, id)| *id).collect();
    likers.reverse();
    assert_eq!(ids, likers, "most recent first, each once");
    for pair in seen.windows(2) {
        assert!(pair[0] > pair[1]);
    }
    let bob = adapters
        .likes
        .likers(id, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(bob.items.last().unwrap().user.name.as_str(), "Bob");
}
