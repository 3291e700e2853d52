//! [`domain::PostRepository`]: views, newest-first keyset pages, filters.

use std::collections::HashSet;

use domain::{
    Cursor, Page, PageLimit, PageRequest, PostChanges, PostContent, PostFilter, PostId, PostTitle,
    PostView, TokenClaims, UserId,
};

use super::sessions::{HOUR, session};
use super::{Adapters, like, new_post, post, user, whole_microseconds, write};

fn first(limit: i64) -> PageRequest {
    PageRequest {
        limit: PageLimit::new(limit).unwrap(),
        after: None,
    }
}

/// Every page of a list, following `next_cursor` to the end.
async fn all_pages(
    adapters: &Adapters,
    filter: PostFilter,
    viewer: Option<UserId>,
    limit: i64,
) -> Vec<Page<PostView>> {
    follow_pages(limit, async |request| {
        adapters
            .posts
            .list(filter.clone(), viewer, request)
            .await
            .unwrap()
    })
    .await
}

/// Every page `read` answers, from the first of `limit` items, following
/// `next_cursor` to the end.
async fn follow_pages(
    limit: i64,
    mut read: impl AsyncFnMut(PageRequest) -> Page<PostView>,
) -> Vec<Page<PostView>> {
    let mut request = first(limit);
    let mut pages = Vec::new();
    loop {
        let page = read(request).await;
        let next = page.next_cursor;
        pages.push(page);
        match next {
            Some(after) => request.after = Some(after),
            None => return pages,
        }
        assert!(pages.len() <= 100, "paging does not end");
    }
}

fn ids(pages: &[Page<PostView>]) -> Vec<PostId> {
    pages
        .iter()
        .flat_map(|page| page.items.iter().map(|view| view.post.id))
        .collect()
}

fn titles(page: &Page<PostView>) -> Vec<&str> {
    page.items.iter().map(|v| v.post.title.as_str()).collect()
}

fn position(view: &PostView) -> (domain::Timestamp, PostId) {
    (view.post.created_at, view.post.id)
}

/// Insert returns the post as its author sees it: their name, no likes,
/// `updated_at` equal to `created_at`.
pub async fn an_inserted_post_is_seen_by_its_author(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let view = write(&adapters, new_post(ada, "Hello", false)).await;
    assert_eq!(view.author.id, ada);
    assert_eq!(view.author.name.as_str(), "Ada");
    assert!(!view.liked_by_me);
    assert_eq!(view.post.author_id, ada);
    assert_eq!(view.post.title.as_str(), "Hello");
    assert_eq!(view.post.content.as_str(), "Hello");
    assert!(!view.post.published);
    assert_eq!(view.post.like_count, 0);
    assert_eq!(view.post.updated_at, view.post.created_at);
    let found = adapters.posts.find(view.post.id, Some(ada)).await.unwrap();
    assert_eq!(found, Some(view));
}

/// A post is stored only in a live session of its author: not in a
/// revoked one, someone else's, or one of a deleted account, and then
/// nothing is stored.
pub async fn a_post_is_stored_only_in_its_authors_live_session(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let carol = user(&adapters, "Carol").await;
    let revoked = session(&adapters, ada, "ada revoked", HOUR).await;
    assert!(adapters.sessions.revoke(ada, revoked).await.unwrap());
    let bobs = session(&adapters, bob, "bob", HOUR).await;
    let carols = session(&adapters, carol, "carol", HOUR).await;
    assert!(adapters.users.delete(carol).await.unwrap());
    for (author, session) in [(ada, revoked), (ada, bobs), (carol, carols)] {
        let stored = adapters
            .posts
            .insert(new_post(author, "Refused", true), session)
            .await
            .unwrap();
        assert_eq!(stored, None, "{author} in {session}");
    }
    let all = adapters
        .posts
        .list(PostFilter::default(), None, first(10))
        .await
        .unwrap();
    assert!(all.items.is_empty(), "{:?}", titles(&all));
}

/// `find` returns drafts too (visibility is the use case's rule), with
/// `liked_by_me` for the viewer given and false for anonymous readers.
pub async fn find_returns_drafts_and_whether_the_viewer_likes_the_post(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    // Liked while published: only a live session of its author can like a draft.
    let draft = post(&adapters, ada, "Draft", true).await;
    like(&adapters, bob, draft).await;
    let unpublish = PostChanges {
        published: Some(false),
        ..Default::default()
    };
    adapters
        .posts
        .update(draft, unpublish)
        .await
        .unwrap()
        .unwrap();
    let as_bob = adapters
        .posts
        .find(draft, Some(bob))
        .await
        .unwrap()
        .unwrap();
    assert!(as_bob.liked_by_me);
    assert!(!as_bob.post.published);
    assert_eq!(as_bob.post.like_count, 1);
    let as_ada = adapters
        .posts
        .find(draft, Some(ada))
        .await
        .unwrap()
        .unwrap();
    assert!(!as_ada.liked_by_me);
    let anonymous = adapters.posts.find(draft, None).await.unwrap().unwrap();
    assert!(!anonymous.liked_by_me);
    let missing = PostId::new(draft.get() + 1000);
    assert_eq!(adapters.posts.find(missing, None).await.unwrap(), None);
}

/// A signed-in list checks the session in the same read: a live session
/// gets the page as its user sees it (an empty one too, their own drafts
/// when asked for), a session that is not theirs, has been revoked or whose
/// account is gone gets `None` whether or not posts match, even while the
/// user has other live sessions.
pub async fn a_signed_in_list_is_answered_only_for_a_live_session(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let liked = post(&adapters, ada, "Liked by Bob", true).await;
    post(&adapters, ada, "Not liked", true).await;
    post(&adapters, bob, "Bob's draft", false).await;
    like(&adapters, bob, liked).await;
    let bobs = session(&adapters, bob, "bob", HOUR).await;
    session(&adapters, bob, "bob's other device", HOUR).await;
    session(&adapters, ada, "ada", HOUR).await;
    let list = |filter: PostFilter, user: UserId| {
        let adapters = &adapters;
        let claims = TokenClaims {
            user,
            session: bobs,
        };
        async move {
            adapters
                .posts
                .list_for_session(filter, claims, first(10))
                .await
                .unwrap()
        }
    };
    let nothing = PostFilter {
        search: Some("no post says this".to_owned()),
        ..PostFilter::default()
    };
    let bobs_own = PostFilter {
        author_id: Some(bob),
        include_drafts: true,
        ..PostFilter::default()
    };

    let page = list(bobs_own.clone(), bob).await.unwrap();
    assert_eq!(titles(&page), ["Bob's draft"]);
    let page = list(PostFilter::default(), bob).await.unwrap();
    assert_eq!(titles(&page), ["Not liked", "Liked by Bob"]);
    let liked_by_me: Vec<bool> = page.items.iter().map(|view| view.liked_by_me).collect();
    assert_eq!(liked_by_me, [false, true]);
    assert_eq!(list(nothing.clone(), bob).await.unwrap().items, []);

    assert_eq!(
        list(PostFilter::default(), ada).await,
        None,
        "not her session"
    );
    assert_eq!(list(nothing.clone(), ada).await, None, "not her session");
    assert!(adapters.sessions.revoke(bob, bobs).await.unwrap());
    assert_eq!(list(PostFilter::default(), bob).await, None, "revoked");
    assert_eq!(list(nothing, bob).await, None, "revoked");
    assert_eq!(list(bobs_own, bob).await, None, "revoked: no drafts");

    let carol = user(&adapters, "Carol").await;
    post(&adapters, carol, "Carol's draft", false).await;
    let claims = TokenClaims {
        user: carol,
        session: session(&adapters, carol, "carol", HOUR).await,
    };
    assert!(adapters.users.delete(carol).await.unwrap());
    let carols_own = PostFilter {
        author_id: Some(carol),
        include_drafts: true,
        ..PostFilter::default()
    };
    let page = adapters
        .posts
        .list_for_session(carols_own, claims, first(10));
    assert_eq!(page.await.unwrap(), None, "account deleted");
}

/// A signed-in read of a post checks the session in the same read: a live
/// session gets the post as its user sees it (someone else's draft too:
/// visibility is the caller's rule) or `Some(None)` for no such post; a
/// session that is not theirs, has been revoked or whose account is gone
/// gets `None` either way, even while the user has other live sessions.
pub async fn a_signed_in_read_of_a_post_is_answered_only_for_a_live_session(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let liked = post(&adapters, ada, "Liked by Bob", true).await;
    let draft = post(&adapters, ada, "Ada's draft", false).await;
    let missing = PostId::new(draft.get() + 1000);
    like(&adapters, bob, liked).await;
    let bobs = session(&adapters, bob, "bob", HOUR).await;
    session(&adapters, bob, "bob's other device", HOUR).await;
    session(&adapters, ada, "ada", HOUR).await;
    let read = |id: PostId, user: UserId| {
        let adapters = &adapters;
        let claims = TokenClaims {
            user,
            session: bobs,
        };
        async move {
            let found = adapters.posts.find_for_session(id, claims).await.unwrap();
            found.map(|post| {
                post.map(|view| (view.post.title.as_str().to_owned(), view.liked_by_me))
            })
        }
    };

    assert_eq!(
        read(liked, bob).await,
        Some(Some(("Liked by Bob".to_owned(), true)))
    );
    assert_eq!(
        read(draft, bob).await,
        Some(Some(("Ada's draft".to_owned(), false)))
    );
    assert_eq!(read(missing, bob).await, Some(None));

    for id in [liked, missing] {
        assert_eq!(read(id, ada).await, None, "not her session");
    }
    assert!(adapters.sessions.revoke(bob, bobs).await.unwrap());
    for id in [liked, missing] {
        assert_eq!(read(id, bob).await, None, "revoked");
    }

    let carol = user(&adapters, "Carol").await;
    let claims = TokenClaims {
        user: carol,
        session: session(&adapters, carol, "carol", HOUR).await,
    };
    assert!(adapters.users.delete(carol).await.unwrap());
    let found = adapters.posts.find_for_session(liked, claims).await;
    assert_eq!(found.unwrap(), None, "account deleted");
}

/// Every page of a signed-in list reports exactly its reader's likes, the
/// feed's and an author's alike, whether the page is read with the session
/// checked or for a caller already known.
pub async fn every_signed_in_page_reports_the_readers_likes(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let carol = user(&adapters, "Carol").await;
    let mut posts = Vec::new();
    for n in 0..7 {
        posts.push(post(&adapters, ada, &format!("post {n}"), true).await);
    }
    for n in [1, 2, 5] {
        like(&adapters, bob, posts[n]).await;
    }
    for n in [0, 3, 6] {
        like(&adapters, carol, posts[n]).await;
    }
    let bobs = session(&adapters, bob, "bob", HOUR).await;
    let claims = TokenClaims {
        user: bob,
        session: bobs,
    };
    let by_ada = PostFilter {
        author_id: Some(ada),
        ..PostFilter::default()
    };
    let expected: HashSet<PostId> = [1, 2, 5].iter().map(|&n| posts[n]).collect();

    let liked = |pages: &[Page<PostView>]| -> HashSet<PostId> {
        let views = pages.iter().flat_map(|page| &page.items);
        views
            .filter(|view| view.liked_by_me)
            .map(|view| view.post.id)
            .collect()
    };

    for filter in [PostFilter::default(), by_ada] {
        let pages = follow_pages(2, async |request| {
            adapters
                .posts
                .list_for_session(filter.clone(), claims, request)
                .await
                .unwrap()
                .expect("Bob's session is live")
        })
        .await;
        let listed = ids(&pages);
        let seen: HashSet<PostId> = listed.iter().copied().collect();
        assert_eq!(seen.len(), listed.len(), "{filter:?}: listed twice");
        assert_eq!(seen, posts.iter().copied().collect(), "{filter:?}");
        assert_eq!(
            liked(&pages),
            expected,
            "{filter:?}: Bob's likes, not Carol's"
        );

        let pages = all_pages(&adapters, filter.clone(), Some(bob), 2).await;
        assert_eq!(liked(&pages), expected, "{filter:?}, caller known");
    }
}

/// Pages come newest first by `(created_at, id)`; the next page holds
/// exactly what sorts strictly after the cursor, so a post inserted
/// meanwhile neither shifts nor repeats one.
pub async fn lists_are_newest_first_and_pages_start_strictly_after_the_cursor(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    for n in 1..=5 {
        post(&adapters, ada, &format!("Post {n}"), true).await;
    }
    let page_one = adapters
        .posts
        .list(PostFilter::default(), None, first(2))
        .await
        .unwrap();
    assert_eq!(titles(&page_one), ["Post 5", "Post 4"]);
    let cursor = page_one.next_cursor.unwrap();
    let last = page_one.items.last().unwrap();
    assert_eq!(
        cursor,
        Cursor {
            created_at: last.post.created_at,
            id: last.post.id.get()
        }
    );
    post(&adapters, ada, "Newer than the cursor", true).await;
    let page_two = adapters
        .posts
        .list(
            PostFilter::default(),
            None,
            PageRequest {
                after: Some(cursor),
                ..first(2)
            },
        )
        .await
        .unwrap();
    assert_eq!(titles(&page_two), ["Post 3", "Post 2"]);
    for window in page_two.items.windows(2) {
        assert!(position(&window[0]) > position(&window[1]));
    }
}

/// Posts inserted as fast as possible, many sharing a microsecond, are all
/// paged through one at a time, none twice (a store keeping finer times
/// than its cursors would skip some).
pub async fn posts_made_in_one_burst_are_all_paged(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let session = session(&adapters, ada, "ada", HOUR).await;
    let inserts = (1..=12).map(|n| {
        adapters
            .posts
            .insert(new_post(ada, &format!("Burst {n}"), true), session)
    });
    let mut inserted: Vec<PostId> = Vec::new();
    for insert in inserts {
        inserted.push(insert.await.unwrap().unwrap().post.id);
    }
    for limit in [1, 5] {
        let pages = all_pages(&adapters, PostFilter::default(), None, limit).await;
        let seen = ids(&pages);
        assert_eq!(seen.len(), inserted.len(), "limit {limit}: {seen:?}");
        assert_eq!(
            seen.iter().collect::<HashSet<_>>(),
            inserted.iter().collect::<HashSet<_>>()
        );
        let views: Vec<&PostView> = pages.iter().flat_map(|p| &p.items).collect();
        for pair in views.windows(2) {
            assert!(position(pair[0]) > position(pair[1]), "not newest first");
        }
    }
}

/// A last page that is exactly full says there is no next page.
pub async fn a_full_last_page_has_no_next_cursor(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    for n in 1..=4 {
        post(&adapters, ada, &format!("Post {n}"), true).await;
    }
    let pages = all_pages(&adapters, PostFilter::default(), None, 2).await;
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(|page| page.items.len() == 2));
    let exact = adapters
        .posts
        .list(PostFilter::default(), None, first(4))
        .await
        .unwrap();
    assert_eq!(exact.items.len(), 4);
    assert_eq!(exact.next_cursor, None);
}

/// Drafts only with `include_drafts`; `author_id` narrows to one author;
/// `search` looks in title and content.
pub async fn lists_filter_by_author_drafts_and_search(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    post(&adapters, ada, "Ada public", true).await;
    post(&adapters, ada, "Ada draft", false).await;
    post(&adapters, bob, "Bob public", true).await;
    let list = |filter: PostFilter| {
        let adapters = &adapters;
        async move {
            let page = adapters.posts.list(filter, None, first(10)).await.unwrap();
            titles(&page)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        list(PostFilter::default()).await,
        ["Bob public", "Ada public"]
    );
    let adas = PostFilter {
        author_id: Some(ada),
        ..Default::default()
    };
    assert_eq!(list(adas.clone()).await, ["Ada public"]);
    let with_drafts = PostFilter {
        include_drafts: true,
        ..adas
    };
    assert_eq!(list(with_drafts).await, ["Ada draft", "Ada public"]);
    let in_content = write(
        &adapters,
        domain::NewPost {
            content: PostContent::parse("the word is in here: pelican").unwrap(),
            ..new_post(bob, "Plain title", true)
        },
    )
    .await;
    let search = |text: &str| PostFilter {
        search: Some(text.to_owned()),
        ..Default::default()
    };
    assert_eq!(list(search("pelican")).await, ["Plain title"]);
    assert_eq!(list(search("public")).await, ["Bob public", "Ada public"]);
    assert!(in_content.post.published);
}

/// Search ignores case and matches `%`, `_` and `\` as themselves.
pub async fn search_matches_wildcards_literally_and_ignores_case(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    for title in [
        "100% sure",
        "1000 sure",
        "snake_case",
        "snakeXcase",
        "back\\slash",
        "backslash",
        "Crème brûlée",
    ] {
        post(&adapters, ada, title, true).await;
    }
    let found = |text: &'static str| {
        let adapters = &adapters;
        async move {
            let filter = PostFilter {
                search: Some(text.to_owned()),
                ..Default::default()
            };
            let page = adapters.posts.list(filter, None, first(10)).await.unwrap();
            titles(&page)
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("0% s").await, ["100% sure"]);
    assert_eq!(found("e_c").await, ["snake_case"]);
    assert_eq!(found("k\\s").await, ["back\\slash"]);
    assert_eq!(found("SNAKE_CASE").await, ["snake_case"]);
    assert_eq!(found("SnakeX").await, ["snakeXcase"]);
    assert_eq!(found("CRÈME BRÛ").await, ["Crème brûlée"]);
}

/// Set changes apply, unset ones keep the value, `updated_at` moves (never
/// before `created_at`); an unknown post is `None`.
pub async fn updates_apply_what_is_set_and_move_updated_at(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let id = post(&adapters, ada, "Before", false).await;
    let before = adapters.posts.find(id, None).await.unwrap().unwrap().post;
    let changes = PostChanges {
        title: Some(PostTitle::parse("After").unwrap()),
        published: Some(true),
        ..Default::default()
    };
    let after = adapters.posts.update(id, changes).await.unwrap().unwrap();
    assert_eq!(after.title.as_str(), "After");
    assert_eq!(after.content, before.content);
    assert!(after.published);
    assert_eq!(after.created_at, before.created_at);
    assert!(after.updated_at >= before.updated_at);
    assert!(whole_microseconds(after.updated_at));
    let body = PostChanges {
        content: Some(PostContent::parse("  new body\n").unwrap()),
        ..Default::default()
    };
    let rewritten = adapters.posts.update(id, body).await.unwrap().unwrap();
    assert_eq!(rewritten.content.as_str(), "  new body\n");
    assert_eq!(rewritten.title.as_str(), "After");
    let missing = PostId::new(id.get() + 1000);
    let none = adapters
        .posts
        .update(missing, PostChanges::default())
        .await
        .unwrap();
    assert_eq!(none, None);
}

/// Deleting a post takes its likes with it; deleting again is false.
pub async fn deleting_a_post_takes_its_likes(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let id = post(&adapters, ada, "Short-lived", true).await;
    let kept = post(&adapters, ada, "Kept", true).await;
    like(&adapters, bob, id).await;
    like(&adapters, bob, kept).await;
    assert!(adapters.posts.delete(id).await.unwrap());
    assert_eq!(adapters.posts.find(id, Some(bob)).await.unwrap(), None);
    assert!(!adapters.posts.delete(id).await.unwrap());
    let kept = adapters.posts.find(kept, Some(bob)).await.unwrap().unwrap();
    assert!(kept.liked_by_me);
    assert_eq!(kept.post.like_count, 1);
}

/// Every time the ports return is whole microseconds.
pub async fn times_are_kept_to_the_microsecond(adapters: Adapters) {
    let ada = user(&adapters, "Ada").await;
    let bob = user(&adapters, "Bob").await;
    let view = write(&adapters, new_post(ada, "Timed", true)).await;
    like(&adapters, bob, view.post.id).await;
    let user = adapters.users.find_by_id(ada).await.unwrap().unwrap();
    let likers = adapters
        .likes
        .likers(view.post.id, PageRequest::default())
        .await
        .unwrap();
    for at in [
        user.created_at,
        view.post.created_at,
        view.post.updated_at,
        likers.items[0].liked_at,
    ] {
        assert!(whole_microseconds(at), "{at:?}");
    }
}
