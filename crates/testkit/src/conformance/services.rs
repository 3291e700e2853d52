//! Rules of the use cases that hold only if the adapters keep their
//! contracts: run through the domain's services, with the fake hasher and
//! token service, on each adapter set.

use domain::{
    AccountUpdate, Caller, ClientAddress, DomainError, Entity, PostInput, PostPatch, Registration,
    SignIn, UserAgent,
};

use super::{Adapters, Services};

const CLIENT: ClientAddress = ClientAddress::unknown();
const PASSWORD: &str = "correct horse battery";

/// Registers `name` and signs them in: their caller, and the tokens.
async fn signed_in(services: &Services, name: &str) -> (Caller, SignIn) {
    let email = format!("{}@example.com", name.to_lowercase());
    let registration = Registration {
        name: name.to_owned(),
        email: email.clone(),
        password: PASSWORD.to_owned(),
    };
    services
        .accounts
        .register(registration, &CLIENT)
        .await
        .unwrap();
    let sign_in = services
        .accounts
        .login(&email, PASSWORD, &CLIENT, UserAgent::default())
        .await
        .unwrap();
    let caller = services.accounts.authenticate(&sign_in.access.token);
    (caller.await.unwrap(), sign_in)
}

/// A published post by `author`.
async fn published(services: &Services, author: &Caller, title: &str) -> domain::PostId {
    let view = services
        .posts
        .create(&author.into(), draft(title, true))
        .await;
    view.unwrap().post.id
}

fn draft(title: &str, published: bool) -> PostInput {
    PostInput {
        title: title.to_owned(),
        content: format!("{title}, the body"),
        published,
    }
}

/// Register, log in, authenticate: the caller is the registered user; a
/// wrong password is `InvalidCredentials`.
pub async fn a_registered_user_logs_in_and_is_authenticated(adapters: Adapters) {
    let services = adapters.services();
    let (caller, _) = signed_in(&services, "Ada").await;
    assert_eq!(caller.user().name.as_str(), "Ada");
    let wrong = services
        .accounts
        .login(
            "ada@example.com",
            "not the password",
            &CLIENT,
            UserAgent::default(),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, DomainError::InvalidCredentials),
        "{wrong:?}"
    );
    let sessions = services.accounts.sessions(&caller).await.unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].id, caller.session());
}

/// Issue 9's bug: a like is taken back after the post became a draft, while
/// a third user still cannot see that the draft exists.
pub async fn a_liker_can_unlike_a_post_that_became_a_draft(adapters: Adapters) {
    let services = adapters.services();
    let (ada, _) = signed_in(&services, "Ada").await;
    let (bob, _) = signed_in(&services, "Bob").await;
    let (cy, _) = signed_in(&services, "Cy").await;
    let id = published(&services, &ada, "Hello").await;
    services.likes.like(&(&bob).into(), id).await.unwrap();
    let unpublish = PostPatch {
        published: Some(false),
        ..Default::default()
    };
    services.posts.patch(id, &ada, unpublish).await.unwrap();
    let state = services.likes.unlike(&(&bob).into(), id).await.unwrap();
    assert_eq!((state.like_count, state.liked), (0, false));
    let stranger = services.likes.unlike(&(&cy).into(), id).await.unwrap_err();
    assert!(
        matches!(stranger, DomainError::NotFound(Entity::Post)),
        "{stranger:?}"
    );
}

/// Issue 9's bug: acting for an account deleted after authentication is
/// a typed error, whatever the storage: `CallerGone` where the caller was
/// looked up first, `InvalidToken` for the writes that check the session
/// themselves (the session went with the account).
pub async fn acting_for_a_deleted_account_is_a_typed_error(adapters: Adapters) {
    let services = adapters.services();
    let (ada, _) = signed_in(&services, "Ada").await;
    let (bob, sign_in) = signed_in(&services, "Bob").await;
    let id = published(&services, &ada, "Hello").await;
    services
        .accounts
        .delete(&bob, Some(PASSWORD), &CLIENT)
        .await
        .unwrap();
    // Writing a post or a like checks the session itself, and it went
    // with the account.
    let create = services
        .posts
        .create(&(&bob).into(), draft("Boo", true))
        .await
        .unwrap_err();
    assert!(matches!(create, DomainError::InvalidToken), "{create:?}");
    let like = services.likes.like(&(&bob).into(), id).await.unwrap_err();
    assert!(matches!(like, DomainError::InvalidToken), "{like:?}");
    let update = AccountUpdate {
        name: Some("Bobby".into()),
        ..Default::default()
    };
    let renamed = services.accounts.update(&bob, update, &CLIENT).await;
    assert!(
        matches!(renamed, Err(DomainError::CallerGone)),
        "{renamed:?}"
    );
    let token = services
        .accounts
        .authenticate(&sign_in.access.token)
        .await
        .unwrap_err();
    assert!(matches!(token, DomainError::InvalidToken), "{token:?}");
}

/// A refresh token works once; presenting it again ends the session.
pub async fn refreshing_twice_with_one_token_ends_the_session(adapters: Adapters) {
    let services = adapters.services();
    let (_, first) = signed_in(&services, "Ada").await;
    let second = services
        .accounts
        .refresh(&first.refresh.token)
        .await
        .unwrap();
    services
        .accounts
        .authenticate(&second.access.token)
        .await
        .unwrap();
    let reuse = services
        .accounts
        .refresh(&first.refresh.token)
        .await
        .unwrap_err();
    assert!(
        matches!(reuse, DomainError::InvalidRefreshToken),
        "{reuse:?}"
    );
    let ended = services
        .accounts
        .authenticate(&second.access.token)
        .await
        .unwrap_err();
    assert!(matches!(ended, DomainError::InvalidToken), "{ended:?}");
}
