use std::{sync::Arc, time::SystemTime};

use futures_executor::block_on;
use mockall::predicate::eq;

use super::*;
use crate::{
    Entity, MockLikeRepository, MockPostRepository, Post, PostContent, PostTitle, PostView,
    TokenClaims, UserId, UserName, test_support::caller,
};

const ALICE: UserId = UserId::new(1);
const BOB: UserId = UserId::new(2);
const POST: PostId = PostId::new(10);

fn posts_returning(published: bool) -> MockPostRepository {
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
            liked_by_me: false,
        }))
    });
    posts
}

fn claims(user: UserId) -> TokenClaims {
    ClaimedCaller::from(&caller(user)).claims()
}

/// A post store that must not be read: like and unlike check the session
/// and the post in the store's own write.
fn posts_unread() -> MockPostRepository {
    let mut posts = MockPostRepository::new();
    posts.expect_find().never();
    posts.expect_find_for_session().never();
    posts
}

#[test]
fn like_and_unlike_report_the_count_the_store_returns() {
    let mut likes = MockLikeRepository::new();
    likes
        .expect_like()
        .with(eq(claims(BOB)), eq(POST))
        .times(1)
        .returning(|_, _| Ok(LikeWrite::Counted(5)));
    likes
        .expect_unlike()
        .with(eq(claims(BOB)), eq(POST))
        .times(1)
        .returning(|_, _| Ok(LikeWrite::Counted(4)));
    let service = LikeService::new(Arc::new(posts_unread()), Arc::new(likes));
    let bob = ClaimedCaller::from(&caller(BOB));
    assert_eq!(
        block_on(service.like(&bob, POST)).unwrap(),
        LikeState {
            post_id: POST,
            like_count: 5,
            liked: true
        }
    );
    assert_eq!(
        block_on(service.unlike(&bob, POST)).unwrap(),
        LikeState {
            post_id: POST,
            like_count: 4,
            liked: false
        }
    );
}

/// What the store refused is the caller's error: no post to like is a
/// 404's `NotFound`, an ended session the token's error.
#[test]
fn what_the_store_refuses_is_the_callers_error() {
    let refused = |write: LikeWrite| {
        let mut likes = MockLikeRepository::new();
        likes
            .expect_like()
            .times(1)
            .returning(move |_, _| Ok(write));
        likes
            .expect_unlike()
            .times(1)
            .returning(move |_, _| Ok(write));
        let service = LikeService::new(Arc::new(posts_unread()), Arc::new(likes));
        let bob = ClaimedCaller::from(&caller(BOB));
        let liked = block_on(service.like(&bob, POST)).unwrap_err();
        let unliked = block_on(service.unlike(&bob, POST)).unwrap_err();
        [liked, unliked]
    };
    for error in refused(LikeWrite::NoPost) {
        assert!(
            matches!(error, DomainError::NotFound(Entity::Post)),
            "{error:?}"
        );
    }
    for error in refused(LikeWrite::SessionEnded) {
        assert!(matches!(error, DomainError::InvalidToken), "{error:?}");
    }
}

#[test]
fn someone_elses_draft_has_no_likers_to_show() {
    let mut likes = MockLikeRepository::new();
    likes.expect_likers().never();
    let service = LikeService::new(Arc::new(posts_returning(false)), Arc::new(likes));
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
fn liking_as_a_caller_whose_account_is_gone_is_a_typed_error() {
    let mut likes = MockLikeRepository::new();
    likes
        .expect_like()
        .returning(|_, _| Err(DomainError::CallerGone));
    let service = LikeService::new(Arc::new(posts_unread()), Arc::new(likes));
    assert!(matches!(
        block_on(service.like(&(&caller(BOB)).into(), POST)),
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
