//! [`domain::LikeRepository`]: counts kept exact, the session and the post
//! checked by the write, likers' pages.

use domain::{LikeWrite, PageLimit, PageRequest, PostChanges, PostId, UserId};

use super::sessions::{HOUR, session};
use super::{Adapters, like, post, signed_in, user};

const fn counted(count: i64) -> LikeWrite {
    LikeWrite::Counted(count)
}

/// Liking twice is one like: the count is 1, then 2 with a second liker;
/// the post's `like_count` agrees.
pub async fn liking_is_idempotent_and_counts(adapters: Adapters) {
    let ada = signed_in(&adapters, user(&adapters, "Ada").await).await;
    let bob = signed_in(&adapters, user(&adapters, "Bob").await).await;
    let id = post(&adapters, ada.user, "Likeable", true).await;
    assert_eq!(adapters.likes.like(bob, id).await.unwrap(), counted(1));
    assert_eq!(adapters.likes.like(bob, id).await.unwrap(), counted(1));
    assert_eq!(adapters.likes.like(ada, id).await.unwrap(), counted(2));
    let view = adapters.posts.find(id, None).await.unwrap().unwrap();
    assert_eq!(view.post.like_count, 2);
}

/// Unliking removes one's own like only, once; unliking what one does not
/// like leaves the count.
pub async fn unliking_is_idempotent_and_counts(adapters: Adapters) {
    let ada = signed_in(&adapters, user(&adapters, "Ada").await).await;
    let bob = signed_in(&adapters, user(&adapters, "Bob").await).await;
    let id = post(&adapters, ada.user, "Likeable", true).await;
    adapters.likes.like(bob, id).await.unwrap();
    adapters.likes.like(ada, id).await.unwrap();
    assert_eq!(adapters.likes.unlike(bob, id).await.unwrap(), counted(1));
    assert_eq!(adapters.likes.unlike(bob, id).await.unwrap(), counted(1));
    let view = adapters
        .posts
        .find(id, Some(ada.user))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(view.post.like_count, 1);
    assert!(view.liked_by_me);
}

/// Liking or unliking a post that does not exist is `NoPost`.
pub async fn a_missing_post_is_no_post(adapters: Adapters) {
    let ada = signed_in(&adapters, user(&adapters, "Ada").await).await;
    let existing = post(&adapters, ada.user, "Exists", true).await;
    let missing = PostId::new(existing.get() + 1000);
    let liked = adapters.likes.like(ada, missing).await.unwrap();
    assert_eq!(liked, LikeWrite::NoPost);
    let unliked = adapters.likes.unlike(ada, missing).await.unwrap();
    assert_eq!(unliked, LikeWrite::NoPost);
}

/// Someone else's draft cannot be liked, nor unliked by one who does not
/// like it: to them it does not exist. Its author may like it, and unlike
/// it without liking it.
pub async fn only_its_author_can_like_a_draft(adapters: Adapters) {
    let ada = signed_in(&adapters, user(&adapters, "Ada").await).await;
    let bob = signed_in(&adapters, user(&adapters, "Bob").await).await;
    let draft = post(&adapters, ada.user, "Draft", false).await;
    assert_eq!(
        adapters.likes.like(bob, draft).await.unwrap(),
        LikeWrite::NoPost
    );
    assert_eq!(
        adapters.likes.unlike(bob, draft).await.unwrap(),
        LikeWrite::NoPost
    );
    let other_draft = post(&adapters, ada.user, "Other draft", false).await;
    assert_eq!(
        adapters.likes.unlike(ada, other_draft).await.unwrap(),
        counted(0)
    );
    assert_eq!(adapters.likes.like(ada, draft).await.unwrap(), counted(1));
    let view = adapters.posts.find(draft, None).await.unwrap().unwrap();
    assert_eq!(view.post.like_count, 1);
}

/// A like or an unlike in a session that is not live (revoked, someone
/// else's, or of a deleted account) is `SessionEnded` and changes nothing,
/// whether the post exists, is a draft, or is liked already.
pub async fn an_ended_session_likes_nothing(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let carol = user(&adapters, "Carol").await;
    let id = post(&adapters, ada, "Likeable", true).await;
    let liked = post(&adapters, ada, "Liked", true).await;
    like(&adapters, bob, liked).await;
    let draft = post(&adapters, ada, "Draft", false).await;
    let missing = PostId::new(liked.get() + 1000);
    let revoked = session(&adapters, bob, "bob revoked", HOUR).await;
    assert!(adapters.sessions.revoke(bob, revoked).await.unwrap());
    let adas = session(&adapters, ada, "ada", HOUR).await;
    let carols = session(&adapters, carol, "carol", HOUR).await;
    assert!(adapters.users.delete(carol).await.unwrap());
    for (user, session) in [(bob, revoked), (bob, adas), (carol, carols)] {
        let claims = domain::TokenClaims { user, session };
        for post in [id, liked, draft, missing] {
            let like = adapters.likes.like(claims, post).await.unwrap();
            assert_eq!(like, LikeWrite::SessionEnded, "{user} liking {post}");
            let unlike = adapters.likes.unlike(claims, post).await.unwrap();
            assert_eq!(unlike, LikeWrite::SessionEnded, "{user} unliking {post}");
        }
    }
    let count = async |post| {
        let view = adapters.posts.find(post, Some(bob)).await.unwrap().unwrap();
        (view.post.like_count, view.liked_by_me)
    };
    assert_eq!(count(id).await, (0, false));
    assert_eq!(count(liked).await, (1, true));
}

/// A like on a post that became a draft can be taken back.
pub async fn one_can_unlike_a_draft(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = signed_in(&adapters, user(&adapters, "Bob").await).await;
    let id = post(&adapters, ada, "Soon a draft", true).await;
    adapters.likes.like(bob, id).await.unwrap();
    let unpublish = PostChanges {
        published: Some(false),
        ..Default::default()
    };
    adapters.posts.update(id, unpublish).await.unwrap().unwrap();
    assert_eq!(adapters.likes.unlike(bob, id).await.unwrap(), counted(0));
    assert_eq!(
        adapters.likes.unlike(bob, id).await.unwrap(),
        LikeWrite::NoPost
    );
}

/// Likers come most recent first (`liked_at`, then user id), paged strictly
/// after the cursor; liking again does not move one's place.
pub async fn likers_are_newest_first_and_paged(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let id = post(&adapters, ada, "Popular", true).await;
    let mut likers = Vec::new();
    for name in ["Bob", "Cy", "Di", "Ed", "Flo"] {
        let liker = user(&adapters, name).await;
        like(&adapters, liker, id).await;
        likers.push(liker);
    }
    like(&adapters, likers[0], id).await;
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
