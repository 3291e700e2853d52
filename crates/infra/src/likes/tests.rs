use domain::{
    DomainError, Entity, LikeRepository, PageLimit, PageRequest, PostId, PostRepository, UserId,
    UserRepository,
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
    let ada = f.user("Ada").await;
    let bob = f.user("Bob").await;
    let post = f.published(ada).await;
    assert_eq!(f.likes.like(bob, post).await.unwrap(), 1);
    assert_eq!(f.likes.like(bob, post).await.unwrap(), 1);
    assert_eq!(f.likes.like(ada, post).await.unwrap(), 2);
    assert_eq!(f.likes.unlike(bob, post).await.unwrap(), 1);
    assert_eq!(f.likes.unlike(bob, post).await.unwrap(), 1);
    assert_eq!(f.like_count(post).await, f.like_rows(post));
}

#[tokio::test]
async fn liking_a_missing_post_is_not_found() {
    let f = fixture();
    let ada = f.user("Ada").await;
    let missing = PostId::new(999_999);
    assert!(matches!(
        f.likes.like(ada, missing).await,
        Err(DomainError::NotFound(Entity::Post))
    ));
    assert!(matches!(
        f.likes.unlike(ada, missing).await,
        Err(DomainError::NotFound(Entity::Post))
    ));
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
        f.likes.like(user, post).await.unwrap();
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
        f.likes.like(user, post).await.unwrap();
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
