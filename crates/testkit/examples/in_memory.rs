//! Agora's use cases on in-memory adapters: no database, no bcrypt, no JWT.
//! Registers two people, logs in with the fake token service, posts, likes,
//! pages through the posts and deletes, printing each step.
//!
//! `cargo run -p agora-testkit --example in_memory`

use std::sync::Arc;

use agora_testkit::{FakePasswordHasher, FakeTokenService, InMemoryLoginAttempts, InMemoryStore};
use domain::{
    AccountService, ClientAddress, CredentialThrottle, LikeService, PageLimit, PageRequest,
    PostInput, PostQuery, PostService, Registration, ThrottlePolicy, UserAgent,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The wiring an adopter writes: one store behind every storage port.
    let store = Arc::new(InMemoryStore::new());
    let throttle = CredentialThrottle::new(
        Arc::new(InMemoryLoginAttempts::new()),
        ThrottlePolicy::default(),
    );
    let accounts = AccountService::new(
        store.clone(),
        store.clone(),
        Arc::new(FakePasswordHasher),
        Arc::new(FakeTokenService::new()),
        throttle,
    );
    let posts = PostService::new(store.clone(), store.clone());
    let likes = LikeService::new(store.clone(), store);
    // End of the wiring.

    let client = ClientAddress::unknown();
    let mut signed_in = Vec::new();
    for (name, email) in [("Ada", "ada@example.com"), ("Bob", "bob@example.com")] {
        let registration = Registration {
            name: name.into(),
            email: email.into(),
            password: "correct horse battery".into(),
        };
        let user = accounts.register(registration, &client).await?;
        println!("registered {} as user {}", user.name, user.id);
        let sign_in = accounts
            .login(
                email,
                "correct horse battery",
                &client,
                UserAgent::default(),
            )
            .await?;
        println!("{name} logged in: access token {:?}", sign_in.access.token);
        signed_in.push(accounts.authenticate(&sign_in.access.token).await?);
    }
    let (ada, bob) = (&signed_in[0], &signed_in[1]);

    let wrong = accounts
        .login(
            "ada@example.com",
            "not her password",
            &client,
            UserAgent::default(),
        )
        .await;
    println!("a wrong password: {}", describe(wrong.map(|_| ())));

    let mut ids = Vec::new();
    for (title, published) in [
        ("First", true),
        ("Second", true),
        ("Third", true),
        ("Draft", false),
    ] {
        let input = PostInput {
            title: title.into(),
            content: format!("{title} post, by Ada."),
            published,
        };
        let view = posts.create(&ada.into(), input).await?;
        println!(
            "Ada posted {:?} (post {}, published: {published})",
            title, view.post.id
        );
        ids.push(view.post.id);
    }

    let state = likes.like(&bob.into(), ids[0]).await?;
    println!(
        "Bob liked post {}: {} like(s)",
        state.post_id, state.like_count
    );

    let mut query = PostQuery {
        page: PageRequest {
            limit: PageLimit::new(2)?,
            after: None,
        },
        ..Default::default()
    };
    for number in 1.. {
        let page = posts.list(query.clone(), Some(&bob.into())).await?;
        let shown: Vec<String> = page
            .items
            .iter()
            .map(|view| {
                let liked = if view.liked_by_me {
                    ", liked by Bob"
                } else {
                    ""
                };
                format!(
                    "{:?} ({} like(s){liked})",
                    view.post.title.as_str(),
                    view.post.like_count
                )
            })
            .collect();
        println!("page {number} as Bob sees it: {}", shown.join(", "));
        match page.next_cursor {
            Some(after) => query.page.after = Some(after),
            None => break,
        }
    }

    let draft = posts.get(ids[3], Some(&bob.into())).await;
    println!("Bob reads Ada's draft: {}", describe(draft.map(|_| ())));

    posts.delete(ids[1], ada).await?;
    println!("Ada deleted post {}", ids[1]);
    let not_hers = posts.delete(ids[0], bob).await;
    println!("Bob deletes Ada's post: {}", describe(not_hers));

    accounts
        .delete(bob, Some("correct horse battery"), &client)
        .await?;
    let first = posts.get(ids[0], Some(&ada.into())).await?;
    println!(
        "Bob deleted his account: post {} has {} like(s)",
        first.post.id, first.post.like_count
    );
    let gone = likes.like(&bob.into(), ids[0]).await;
    println!(
        "Bob's old session likes a post: {}",
        describe(gone.map(|_| ()))
    );
    let profile = accounts.profile(ada.id()).await?;
    println!(
        "{} has {} published post(s)",
        profile.name, profile.post_count
    );
    Ok(())
}

fn describe(outcome: Result<(), domain::DomainError>) -> String {
    match outcome {
        Ok(()) => "ok".to_owned(),
        Err(error) => format!("refused: {error}"),
    }
}
