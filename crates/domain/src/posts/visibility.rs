//! Reading one post as someone sees it: the rule that someone else's draft
//! does not exist, shared by the post and like use cases.

use crate::{Caller, ClaimedCaller, DomainError, Entity, PostId, PostRepository, PostView, UserId};

/// Post `id` as `viewer` sees it. A signed-in viewer's session is checked
/// by the read itself, so the read is one round trip.
///
/// # Errors
/// [`DomainError::NotFound`], also for someone else's draft;
/// [`DomainError::InvalidToken`] when the viewer's session has ended.
pub(crate) async fn visible_post(
    posts: &dyn PostRepository,
    id: PostId,
    viewer: Option<&ClaimedCaller>,
) -> Result<PostView, DomainError> {
    let Some(viewer) = viewer else {
        return visible(posts.find(id, None).await?, None);
    };
    let claims = viewer.claims();
    let found = posts
        .find_for_session(id, claims)
        .await?
        .ok_or(DomainError::InvalidToken)?;
    visible(found, Some(claims.user))
}

/// Post `id` as `caller`, whose session was checked already, sees it.
///
/// # Errors
/// [`DomainError::NotFound`], also for someone else's draft.
pub(crate) async fn visible_to_caller(
    posts: &dyn PostRepository,
    id: PostId,
    caller: &Caller,
) -> Result<PostView, DomainError> {
    let me = Some(caller.id());
    visible(posts.find(id, me).await?, me)
}

/// The post `found`, unless it is someone else's draft.
fn visible(found: Option<PostView>, viewer: Option<UserId>) -> Result<PostView, DomainError> {
    found
        .filter(|view| view.post.is_visible_to(viewer))
        .ok_or(DomainError::NotFound(Entity::Post))
}
