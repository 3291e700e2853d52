use std::{sync::Arc, time::SystemTime};

use futures_executor::block_on;
use mockall::predicate::eq;

use super::*;
use crate::{
    Entity, MockLikeRepository, MockPostRepository, Post, PostContent, PostTitle, PostView, UserId,
    UserName, test_support::caller,
};

const ALICE: UserId = UserId::new(1);
const BOB: UserId = UserId::new(2);
const POST: PostId = PostId::new(10);

fn posts_returning(published: bool) -> MockPostRepository {
    posts_returning_liked(published, false)
}

fn posts_returning_liked(published: bool, liked_by_me: bool) -> MockPostRepository {
    let mut posts = MockPostRepository::new();
    posts.expect_find().returning(move |id, _| {
        Ok(Some(PostView {
            post: Post {
                id,
                author_id: ALICE,
                title: PostTitle::parse("T").unwrap(),
                content: PostContent::parse("C").unwrap(),
                published,
                created_at: SystemTime::UNIX_EPOCH,
                updated_at: SystemTime::UNIX_EPOCH,
                like_count: 0,
            },
            author: Author {
                id: ALICE,
                name: UserName::parse("Alice").unwrap(),
            },
            liked_by_me,
        }))
    });
    posts
}

#[test]
fn like_and_unlike_report_the_count_the_store_returns() {
    let mut likes = MockLikeRepository::new();
    likes
        .expect_like()
        .with(eq(BOB), eq(POST))
        .returning(|_, _| Ok(5));
    likes
        .expect_unlike()
        .with(eq(BOB), eq(POST))
        .returning(|_, _| Ok(4));
    let service = LikeService::new(Arc::new(posts_returning(true)), Arc::new(likes));
    assert_eq!(
        block_on(service.like(&caller(BOB), POST)).unwrap(),
        LikeState {
            post_id: POST,
            like_count: 5,
            liked: true
        }
    );
    assert_eq!(
        block_on(service.unlike(&caller(BOB), POST)).unwrap(),
        LikeState {
            post_id: POST,
            like_count: 4,
            liked: false
        }
    );
}

#[test]
fn someone_elses_draft_cannot_be_liked_or_inspected() {
    let mut likes = MockLikeRepository::new();
    likes.expect_like().never();
    likes.expect_likers().never();
    let service = LikeService::new(Arc::new(posts_returning(false)), Arc::new(likes));
    assert!(matches!(
        block_on(service.like(&caller(BOB), POST)),
        Err(DomainError::NotFound(Entity::Post))
    ));
    assert!(matches!(
        block_on(service.likers(POST, None, PageRequest::default())),
        Err(DomainError::NotFound(Entity::Post))
    ));
}

/// Likers for a signed-in reader: the post is read with the session
/// checked, and an ended session reads no likers.
#[test]
fn likers_for_an_ended_session_are_an_invalid_token() {
    let mut posts = MockPostRepository::new();
    posts.expect_find().never();
    posts
        .expect_find_for_session()
        .withf(|id, claims| *id == POST && claims.user == BOB)
        .times(1)
        .returning(|_, _| Ok(None));
    let mut likes = MockLikeRepository::new();
    likes.expect_likers().never();
    let service = LikeService::new(Arc::new(posts), Arc::new(likes));
    let viewer = ClaimedCaller::from(&caller(BOB));
    let error = block_on(service.likers(POST, Some(&viewer), PageRequest::default())).unwrap_err();
    assert!(matches!(error, DomainError::InvalidToken), "{error:?}");
}

#[test]
fn the_author_may_like_their_own_draft() {
    let mut likes = MockLikeRepository::new();
    likes.expect_like().returning(|_, _| Ok(1));
    let service = LikeService::new(Arc::new(posts_returning(false)), Arc::new(likes));
    assert!(block_on(service.like(&caller(ALICE), POST)).is_ok());
}

#[test]
fn a_missing_post_is_not_found() {
    let mut likes = MockLikeRepository::new();
    likes.expect_unlike().never();
    let mut posts = MockPostRepository::new();
    posts.expect_find().returning(|_, _| Ok(None));
    let service = LikeService::new(Arc::new(posts), Arc::new(likes));
    assert!(matches!(
        block_on(service.unlike(&caller(BOB), POST)),
        Err(DomainError::NotFound(Entity::Post))
    ));
}

/// The bug: a like given while the post was published could not be taken
/// back once the post became a draft (unlike answered NotFound).
#[test]
fn unlike_removes_ones_own_like_after_the_post_became_a_draft() {
    let mut likes = MockLikeRepository::new();
    likes
        .expect_unlike()
        .with(eq(BOB), eq(POST))
        .times(1)
        .returning(|_, _| Ok(0));
    let service = LikeService::new(
        Arc::new(posts_returning_liked(false, true)),
        Arc::new(likes),
    );
    let state = block_on(service.unlike(&caller(BOB), POST)).unwrap();
    assert_eq!((state.like_count, state.liked), (0, false));
}

/// Unliking is no way to learn that someone else's draft exists.
#[test]
fn unliking_someone_elses_draft_one_does_not_like_is_not_found() {
    let mut likes = MockLikeRepository::new();
    likes.expect_unlike().never();
    let service = LikeService::new(Arc::new(posts_returning(false)), Arc::new(likes));
    assert!(matches!(
        block_on(service.unlike(&caller(BOB), POST)),
        Err(DomainError::NotFound(Entity::Post))
    ));
}

#[test]
fn liking_as_a_caller_whose_account_is_gone_is_a_typed_error() {
    let mut likes = MockLikeRepository::new();
    likes
        .expect_like()
        .returning(|_, _| Err(DomainError::CallerGone));
    let service = LikeService::new(Arc::new(posts_returning(true)), Arc::new(likes));
    assert!(matches!(
        block_on(service.like(&caller(BOB), POST)),
        Err(DomainError::CallerGone)
    ));
}

#[test]
fn likers_come_from_the_store_for_visible_posts() {
    let mut likes = MockLikeRepository::new();
    likes
        .expect_likers()
        .with(eq(POST), eq(PageRequest::default()))
        .returning(|_, _| {
            Ok(Page {
                items: vec![Liker {
                    user: Author {
                        id: BOB,
                        name: UserName::parse("Bob").unwrap(),
                    },
                    liked_at: SystemTime::UNIX_EPOCH,
                }],
                next_cursor: None,
            })
        });
    let service = LikeService::new(Arc::new(posts_returning(true)), Arc::new(likes));
    let page = block_on(service.likers(POST, None, PageRequest::default())).unwrap();
    assert_eq!(page.items.len(), 1);
}
