use std::{sync::Arc, time::SystemTime};

use futures_executor::block_on;
use mockall::predicate::eq;

use super::*;
use crate::{
    Author, Email, Entity, MockPostRepository, MockUserRepository, PasswordHash, Post, SessionId,
    User, UserName, test_support::caller,
};

const ALICE: UserId = UserId::new(1);
const BOB: UserId = UserId::new(2);

fn search(text: &str) -> PostQuery {
    PostQuery {
        search: Some(text.to_owned()),
        ..PostQuery::default()
    }
}

fn view(id: i64, author: UserId, published: bool) -> PostView {
    PostView {
        post: Post {
            id: PostId::new(id),
            author_id: author,
            title: PostTitle::parse("Title").unwrap(),
            content: PostContent::parse("Content").unwrap(),
            published,
            created_at: SystemTime::UNIX_EPOCH,
            updated_at: SystemTime::UNIX_EPOCH,
            like_count: 3,
        },
        author: Author {
            id: author,
            name: UserName::parse("Author").unwrap(),
        },
        liked_by_me: true,
    }
}

fn user(id: UserId) -> User {
    User {
        id,
        name: UserName::parse("Someone").unwrap(),
        email: Email::parse("someone@example.com").unwrap(),
        password_hash: PasswordHash::new("h"),
        created_at: SystemTime::UNIX_EPOCH,
    }
}

/// Posts whose `find`, and `find_for_session` for a live session, answer
/// any id with a post by `author`.
fn finding(author: UserId, published: bool) -> MockPostRepository {
    let mut posts = MockPostRepository::new();
    posts
        .expect_find()
        .returning(move |id, _| Ok(Some(view(id.get(), author, published))));
    posts
        .expect_find_for_session()
        .returning(move |id, _| Ok(Some(Some(view(id.get(), author, published)))));
    posts
}

fn service(posts: MockPostRepository) -> PostService {
    PostService::new(Arc::new(posts), Arc::new(MockUserRepository::new()))
}

fn input(title: &str, content: &str) -> PostInput {
    PostInput {
        title: title.into(),
        content: content.into(),
        published: true,
    }
}

fn fields(error: DomainError) -> Vec<&'static str> {
    match error {
        DomainError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn create_trims_the_title_and_keeps_content_verbatim() {
    let mut posts = MockPostRepository::new();
    posts
        .expect_insert()
        .withf(|new, session| {
            new.author_id == ALICE
                && new.title.as_str() == "Hello"
                && new.content.as_str() == "  body\n"
                && !new.published
                && *session == SessionId::new(1)
        })
        .returning(|_, _| Ok(Some(view(1, ALICE, false))));
    let post = PostInput {
        title: "  Hello ".into(),
        content: "  body\n".into(),
        published: false,
    };
    block_on(service(posts).create(&(&caller(ALICE)).into(), post)).unwrap();
}

/// The insert checks the session: a revoked one stores nothing, and is
/// the token's error, with no other read.
#[test]
fn creating_in_an_ended_session_is_an_invalid_token() {
    let mut posts = MockPostRepository::new();
    posts.expect_insert().times(1).returning(|_, _| Ok(None));
    let error =
        block_on(service(posts).create(&(&caller(ALICE)).into(), input("T", "C"))).unwrap_err();
    assert!(matches!(error, DomainError::InvalidToken), "{error:?}");
}

#[test]
fn create_reports_title_and_content_rules_together() {
    let error = block_on(
        service(MockPostRepository::new())
            .create(&(&caller(ALICE)).into(), input(&"t".repeat(201), "   ")),
    )
    .unwrap_err();
    assert_eq!(fields(error), ["title", "content"]);
    let error = block_on(
        service(MockPostRepository::new())
            .create(&(&caller(ALICE)).into(), input("ok", &"c".repeat(10_001))),
    )
    .unwrap_err();
    assert_eq!(fields(error), ["content"]);
}

#[test]
fn nul_characters_are_a_validation_error_not_a_storage_failure() {
    let error = block_on(
        service(MockPostRepository::new()).create(&(&caller(ALICE)).into(), input("a\0b", "c\0d")),
    )
    .unwrap_err();
    assert_eq!(fields(error), ["title", "content"]);
}

#[test]
fn someone_elses_draft_is_not_found_but_the_author_sees_it() {
    let posts = finding(ALICE, false);
    let posts = service(posts);
    let (alice, bob) = (caller(ALICE), caller(BOB));
    assert!(matches!(
        block_on(posts.get(PostId::new(1), Some(&(&bob).into()))),
        Err(DomainError::NotFound(Entity::Post))
    ));
    assert!(matches!(
        block_on(posts.get(PostId::new(1), None)),
        Err(DomainError::NotFound(Entity::Post))
    ));
    assert!(block_on(posts.get(PostId::new(1), Some(&(&alice).into()))).is_ok());
}

/// A signed-in read of a post checks the session in the read: the claims
/// go to storage as they are, and an ended session is a bad token whether
/// or not the post exists.
#[test]
fn a_signed_in_read_of_a_post_whose_session_ended_is_an_invalid_token() {
    let mut posts = MockPostRepository::new();
    posts.expect_find().never();
    posts
        .expect_find_for_session()
        .withf(|id, claims| {
            *id == PostId::new(4) && claims.user == BOB && claims.session == SessionId::new(1)
        })
        .times(1)
        .returning(|_, _| Ok(None));
    let viewer = ClaimedCaller::from(&caller(BOB));
    let error = block_on(service(posts).get(PostId::new(4), Some(&viewer))).unwrap_err();
    assert!(matches!(error, DomainError::InvalidToken), "{error:?}");
}

/// A live session with no such post is a missing post, not a bad token.
#[test]
fn a_signed_in_read_of_a_missing_post_is_not_found() {
    let mut posts = MockPostRepository::new();
    posts
        .expect_find_for_session()
        .times(1)
        .returning(|_, _| Ok(Some(None)));
    let viewer = ClaimedCaller::from(&caller(BOB));
    let error = block_on(service(posts).get(PostId::new(4), Some(&viewer))).unwrap_err();
    assert!(
        matches!(error, DomainError::NotFound(Entity::Post)),
        "{error:?}"
    );
}

#[test]
fn an_anonymous_read_of_a_post_checks_no_session() {
    let mut posts = MockPostRepository::new();
    posts.expect_find_for_session().never();
    posts
        .expect_find()
        .withf(|id, viewer| *id == PostId::new(4) && viewer.is_none())
        .times(1)
        .returning(|id, _| Ok(Some(view(id.get(), ALICE, true))));
    let found = block_on(service(posts).get(PostId::new(4), None)).unwrap();
    assert_eq!(found.post.id, PostId::new(4));
}

fn empty_page() -> Page<PostView> {
    Page {
        items: vec![],
        next_cursor: None,
    }
}

#[test]
fn list_never_includes_drafts_and_validates_search() {
    let mut posts = MockPostRepository::new();
    posts
        .expect_list_for_session()
        .withf(|filter, claims, _| {
            !filter.include_drafts
                && filter.search.as_deref() == Some("50%_off")
                && claims.user == ALICE
                && claims.session == SessionId::new(1)
        })
        .times(1)
        .returning(|_, _, _| Ok(Some(empty_page())));
    let posts = service(posts);
    let query = PostQuery {
        search: Some("  50%_off ".into()),
        author: Some(ALICE),
        page: PageRequest::default(),
    };
    block_on(posts.list(query, Some(&(&caller(ALICE)).into()))).unwrap();
    let error = block_on(posts.list(search(&"s".repeat(201)), None)).unwrap_err();
    assert_eq!(fields(error), ["search"]);
}

/// The session is checked by the read: an ended one is a bad token, and
/// input that breaks a rule never reaches storage.
#[test]
fn a_signed_in_list_whose_session_ended_is_an_invalid_token() {
    let mut posts = MockPostRepository::new();
    posts.expect_list().never();
    posts
        .expect_list_for_session()
        .times(1)
        .returning(|_, _, _| Ok(None));
    let posts = service(posts);
    let viewer = ClaimedCaller::from(&caller(BOB));
    let error = block_on(posts.list(PostQuery::default(), Some(&viewer))).unwrap_err();
    assert!(matches!(error, DomainError::InvalidToken), "{error:?}");
    let error = block_on(posts.list(search("ab"), Some(&viewer))).unwrap_err();
    assert_eq!(fields(error), ["search"]);
}

#[test]
fn an_anonymous_list_checks_no_session() {
    let mut posts = MockPostRepository::new();
    posts.expect_list_for_session().never();
    posts
        .expect_list()
        .withf(|_, viewer, _| viewer.is_none())
        .times(1)
        .returning(|_, _, _| Ok(empty_page()));
    block_on(service(posts).list(PostQuery::default(), None)).unwrap();
}

#[test]
fn a_search_needs_three_characters_besides_spaces_and_wildcards() {
    let mut posts = MockPostRepository::new();
    posts
        .expect_list()
        .withf(|filter, _, _| filter.search.as_deref() == Some("a%b_c"))
        .returning(|_, _, _| Ok(empty_page()));
    let posts = service(posts);
    for short in [
        "a", "ab", "%", "%%%", "__", "\\\\\\", "a _%", "a b", "%a%b%",
    ] {
        let error = block_on(posts.list(search(short), None)).unwrap_err();
        assert_eq!(fields(error), ["search"], "{short:?}");
    }
    block_on(posts.list(search("a%b_c"), None)).unwrap();
}

#[test]
fn blank_search_means_no_search() {
    let mut posts = MockPostRepository::new();
    posts
        .expect_list()
        .withf(|filter, _, _| filter.search.is_none())
        .returning(|_, _, _| Ok(empty_page()));
    block_on(service(posts).list(search("   "), None)).unwrap();
}

#[test]
fn an_authors_own_list_includes_drafts_only_for_them() {
    let mut posts = MockPostRepository::new();
    posts
        .expect_list_for_session()
        .withf(|filter, claims, _| {
            filter.author_id == Some(ALICE) && filter.include_drafts == (claims.user == ALICE)
        })
        .times(2)
        .returning(|_, _, _| Ok(Some(empty_page())));
    posts
        .expect_list()
        .withf(|filter, viewer, _| {
            filter.author_id == Some(ALICE) && !filter.include_drafts && viewer.is_none()
        })
        .times(1)
        .returning(|_, _, _| Ok(empty_page()));
    let mut users = MockUserRepository::new();
    users
        .expect_find_by_id()
        .with(eq(ALICE))
        .returning(|id| Ok(Some(user(id))));
    let posts = PostService::new(Arc::new(posts), Arc::new(users));
    for viewer in [Some(caller(ALICE)), Some(caller(BOB)), None] {
        let viewer = viewer.as_ref().map(ClaimedCaller::from);
        block_on(posts.list_by_author(ALICE, viewer.as_ref(), PageRequest::default())).unwrap();
    }
}

/// An empty page may be nobody's: only then is the author looked up.
#[test]
fn the_posts_of_an_unknown_user_are_not_found() {
    let mut posts = MockPostRepository::new();
    posts.expect_list().returning(|_, _, _| Ok(empty_page()));
    let mut users = MockUserRepository::new();
    users.expect_find_by_id().returning(|_| Ok(None));
    let posts = PostService::new(Arc::new(posts), Arc::new(users));
    let error =
        block_on(posts.list_by_author(UserId::new(99), None, PageRequest::default())).unwrap_err();
    assert!(matches!(error, DomainError::NotFound(Entity::User)));
}

/// A page with posts has its author: reading it is the only read.
#[test]
fn an_authors_page_with_posts_reads_nothing_else() {
    let mut posts = MockPostRepository::new();
    posts.expect_list().times(1).returning(|_, _, _| {
        Ok(Page {
            items: vec![view(1, ALICE, true)],
            next_cursor: None,
        })
    });
    let mut users = MockUserRepository::new();
    users.expect_find_by_id().never();
    let posts = PostService::new(Arc::new(posts), Arc::new(users));
    let page = block_on(posts.list_by_author(ALICE, None, PageRequest::default())).unwrap();
    assert_eq!(page.items.len(), 1);
}

/// The author's own live session names an author who exists: their empty
/// page costs no lookup.
#[test]
fn an_authors_own_empty_page_reads_nothing_else() {
    let mut posts = MockPostRepository::new();
    posts
        .expect_list_for_session()
        .times(1)
        .returning(|_, _, _| Ok(Some(empty_page())));
    let mut users = MockUserRepository::new();
    users.expect_find_by_id().never();
    let posts = PostService::new(Arc::new(posts), Arc::new(users));
    let viewer = ClaimedCaller::from(&caller(ALICE));
    let page = block_on(posts.list_by_author(ALICE, Some(&viewer), PageRequest::default()));
    assert_eq!(page.unwrap().items.len(), 0);
}

/// A signed-in reader's ended session is a bad token, not an unknown
/// author, and is told before the author is looked up.
#[test]
fn an_authors_list_for_an_ended_session_is_an_invalid_token() {
    let mut posts = MockPostRepository::new();
    posts
        .expect_list_for_session()
        .times(1)
        .returning(|_, _, _| Ok(None));
    let mut users = MockUserRepository::new();
    users.expect_find_by_id().never();
    let posts = PostService::new(Arc::new(posts), Arc::new(users));
    let viewer = ClaimedCaller::from(&caller(BOB));
    let error =
        block_on(posts.list_by_author(ALICE, Some(&viewer), PageRequest::default())).unwrap_err();
    assert!(matches!(error, DomainError::InvalidToken), "{error:?}");
}

#[test]
fn only_the_owner_may_change_a_published_post() {
    let mut posts = finding(ALICE, true);
    posts.expect_update().never();
    posts.expect_delete().never();
    let posts = service(posts);
    let patch = PostPatch {
        title: Some("New".into()),
        ..Default::default()
    };
    assert!(matches!(
        block_on(posts.patch(PostId::new(1), &caller(BOB), patch)),
        Err(DomainError::Forbidden)
    ));
    assert!(matches!(
        block_on(posts.replace(PostId::new(1), &caller(BOB), input("a", "b"))),
        Err(DomainError::Forbidden)
    ));
    assert!(matches!(
        block_on(posts.delete(PostId::new(1), &caller(BOB))),
        Err(DomainError::Forbidden)
    ));
}

#[test]
fn changing_someone_elses_draft_is_not_found_rather_than_forbidden() {
    let posts = finding(ALICE, false);
    let error = block_on(service(posts).delete(PostId::new(1), &caller(BOB))).unwrap_err();
    assert!(matches!(error, DomainError::NotFound(Entity::Post)));
}

#[test]
fn patch_changes_only_the_given_fields_and_keeps_the_readers_view() {
    let mut posts = finding(ALICE, true);
    posts
        .expect_update()
        .withf(|id, changes| {
            *id == PostId::new(1)
                && changes.title.is_none()
                && changes.content.as_ref().map(PostContent::as_str) == Some("new body")
                && changes.published == Some(false)
        })
        .returning(|_, _| Ok(Some(view(1, ALICE, false).post)));
    let patch = PostPatch {
        content: Some("new body".into()),
        published: Some(false),
        ..Default::default()
    };
    let updated = block_on(service(posts).patch(PostId::new(1), &caller(ALICE), patch)).unwrap();
    assert!(!updated.post.published);
    assert!(updated.liked_by_me, "the reader's like survives an edit");
    assert_eq!(updated.author.id, ALICE);
}

#[test]
fn replace_sets_every_field() {
    let mut posts = finding(ALICE, true);
    posts
        .expect_update()
        .withf(|_, changes| {
            changes.title.is_some() && changes.content.is_some() && changes.published == Some(true)
        })
        .returning(|_, _| Ok(Some(view(1, ALICE, true).post)));
    block_on(service(posts).replace(PostId::new(1), &caller(ALICE), input("T", "C"))).unwrap();
}

#[test]
fn a_post_deleted_meanwhile_is_not_found() {
    let mut posts = finding(ALICE, true);
    posts.expect_update().returning(|_, _| Ok(None));
    posts.expect_delete().returning(|_| Ok(false));
    let posts = service(posts);
    let patch = PostPatch {
        published: Some(true),
        ..Default::default()
    };
    assert!(matches!(
        block_on(posts.patch(PostId::new(1), &caller(ALICE), patch)),
        Err(DomainError::NotFound(Entity::Post))
    ));
    assert!(matches!(
        block_on(posts.delete(PostId::new(1), &caller(ALICE))),
        Err(DomainError::NotFound(Entity::Post))
    ));
}

#[test]
fn an_empty_patch_changes_nothing_but_is_still_owner_checked() {
    let mut posts = finding(ALICE, true);
    posts.expect_update().never();
    let posts = service(posts);
    let unchanged =
        block_on(posts.patch(PostId::new(1), &caller(ALICE), PostPatch::default())).unwrap();
    assert_eq!(unchanged, view(1, ALICE, true));
    let error =
        block_on(posts.patch(PostId::new(1), &caller(BOB), PostPatch::default())).unwrap_err();
    assert!(matches!(error, DomainError::Forbidden));
}

/// An account deleted while its post is written is a typed error, not a
/// storage failure.
#[test]
fn creating_as_a_caller_whose_account_is_gone_is_a_typed_error() {
    let mut posts = MockPostRepository::new();
    posts
        .expect_insert()
        .returning(|_, _| Err(DomainError::CallerGone));
    let error =
        block_on(service(posts).create(&(&caller(ALICE)).into(), input("T", "C"))).unwrap_err();
    assert!(matches!(error, DomainError::CallerGone), "{error:?}");
}
