use domain::{
    LikeRepository, LikeWrite, LikeWrite::Counted, PageLimit, PageRequest, PostId, PostRepository,
    UserId, UserRepository,
};

use crate::fixture::Fixture;

fn fixture() -> Fixture {
    Fixture::new()
}

impl Fixture {
    async fn published(&self, author: UserId) -> PostId {
        self.post(author, "Title", "Content", true).await
    }

    async fn like_count(&self, post: PostId) -> i64 {
        self.posts
            .find(post, None)
            .await
            .unwrap()
            .unwrap()
            .post
            .like_count
    }
}

#[tokio::test]
async fn like_and_unlike_are_idempotent_and_return_the_count() {
    let f = fixture();
    let ada = f.signed_in(f.user("Ada").await).await;
    let bob = f.signed_in(f.user("Bob").await).await;
    let post = f.published(ada.user).await;
    assert_eq!(f.likes.like(bob, post).await.unwrap(), Counted(1));
    assert_eq!(f.likes.like(bob, post).await.unwrap(), Counted(1));
    assert_eq!(f.likes.like(ada, post).await.unwrap(), Counted(2));
    assert_eq!(f.likes.unlike(bob, post).await.unwrap(), Counted(1));
    assert_eq!(f.likes.unlike(bob, post).await.unwrap(), Counted(1));
    assert_eq!(f.like_count(post).await, f.like_rows(post));
}

#[tokio::test]
async fn liking_a_missing_post_is_no_post() {
    let f = fixture();
    let ada = f.signed_in(f.user("Ada").await).await;
    let missing = PostId::new(999_999);
    assert_eq!(f.likes.like(ada, missing).await.unwrap(), LikeWrite::NoPost);
    assert_eq!(
        f.likes.unlike(ada, missing).await.unwrap(),
        LikeWrite::NoPost
    );
}

/// Concurrent likes of one post each get a count that includes their own
/// like, read after it committed, and the stored count ends exact: what
/// the insert and the read in one transaction gave before.
#[tokio::test]
async fn concurrent_likes_each_count_their_own() {
    let f = fixture();
    let author = f.user("Author").await;
    let post = f.published(author).await;
    let mut likers = Vec::new();
    for n in 0..8 {
        likers.push(f.signed_in(f.user(&format!("Liker{n}")).await).await);
    }
    let likes = likers.iter().map(|&liker| {
        let repository = f.likes.clone();
        tokio::spawn(async move { repository.like(liker, post).await.unwrap() })
    });
    let mut counts = Vec::new();
    for like in likes.collect::<Vec<_>>() {
        match like.await.unwrap() {
            Counted(count) => counts.push(count),
            other => panic!("{other:?}"),
        }
    }
    counts.sort_unstable();
    counts.dedup();
    assert!(
        counts.iter().all(|&count| (1..=8).contains(&count)),
        "{counts:?}"
    );
    assert!(
        counts.contains(&8),
        "the last like sees them all: {counts:?}"
    );
    assert_eq!(f.like_count(post).await, 8);
    assert_eq!(f.like_rows(post), 8);
}

#[tokio::test]
async fn deleting_a_liker_lowers_the_count_of_every_post_they_liked() {
    let f = fixture();
    let ada = f.user("Ada").await;
    let bob = f.user("Bob").await;
    let carol = f.user("Carol").await;
    let first = f.published(ada).await;
    let second = f.published(carol).await;
    for (user, post) in [(bob, first), (carol, first), (bob, second), (ada, second)] {
        f.like(user, post).await;
    }
    assert!(f.users.delete(bob).await.unwrap());
    assert_eq!(f.like_count(first).await, 1);
    assert_eq!(f.like_count(second).await, 1);
    assert_eq!(f.like_rows(first), 1);
    assert_eq!(f.like_rows(second), 1);

    // Deleting an author takes their posts, and the likes on them, along.
    assert!(f.users.delete(ada).await.unwrap());
    assert!(f.posts.find(first, None).await.unwrap().is_none());
    assert_eq!(f.like_rows(first), 0);
    assert_eq!(
        f.like_count(second).await,
        0,
        "Ada's like on Carol's post went with her"
    );
}

#[tokio::test]
async fn likers_are_paged_most_recent_first() {
    let f = fixture();
    let author = f.user("Author").await;
    let post = f.published(author).await;
    let mut likers = Vec::new();
    for n in 0..5 {
        let user = f.user(&format!("Liker{n}")).await;
        f.like(user, post).await;
        likers.push(user);
    }
    let limit = PageLimit::new(2).unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = f
            .likes
            .likers(post, PageRequest { limit, after })
            .await
            .unwrap();
        seen.extend(page.items.iter().map(|l| l.user.id));
        match page.next_cursor {
            Some(cursor) => after = Some(cursor),
            None => break,
        }
    }
    likers.reverse();
    assert_eq!(seen, likers);
}

/// What a like or an unlike answers from what it left: a change always
/// counts, even once the session has ended or the post has gone; an
/// unchanged like of a post there to like but not liked is written again.
#[test]
fn what_was_left_decides_the_answer() {
    use std::ops::ControlFlow::{Break, Continue};

    use super::Left;
    let left = |live, count, visible, liked| Left {
        live,
        count,
        visible,
        liked,
    };
    let ended = left(false, Some(3), true, true);
    assert_eq!(
        ended.after_like(true),
        Break(Counted(3)),
        "written, then revoked"
    );
    assert_eq!(ended.after_unlike(true), Counted(3));
    assert_eq!(ended.after_like(false), Break(LikeWrite::SessionEnded));
    assert_eq!(ended.after_unlike(false), LikeWrite::SessionEnded);
    let gone = left(false, None, false, false);
    assert_eq!(
        gone.after_like(true),
        Break(LikeWrite::NoPost),
        "the post went"
    );
    assert_eq!(gone.after_unlike(true), LikeWrite::NoPost);
    let liked = left(true, Some(5), true, true);
    assert_eq!(liked.after_like(false), Break(Counted(5)), "already liked");
    let raced = left(true, Some(5), true, false);
    assert_eq!(raced.after_like(false), Continue(5), "write it again");
    assert_eq!(
        raced.after_unlike(false),
        Counted(5),
        "not liked: nothing to undo"
    );
    let draft = left(true, Some(2), false, false);
    assert_eq!(draft.after_like(false), Break(LikeWrite::NoPost));
    assert_eq!(draft.after_unlike(false), LikeWrite::NoPost);
    assert_eq!(
        draft.after_unlike(true),
        Counted(2),
        "one's own like comes back"
    );
}
