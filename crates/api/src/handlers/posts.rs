use actix_web::{
    HttpResponse,
    web::{Data, Json, Path, Query},
};
use domain::{PostId, PostService};

use super::created;
use crate::{
    auth::{AuthenticatedUser, MaybeUser},
    dto::{NewPostBody, PageBody, PatchPostBody, PostBody, PostListQuery, ReplacePostBody},
    error::ApiError,
};

pub(crate) async fn create(
    posts: Data<PostService>,
    caller: AuthenticatedUser,
    body: Json<NewPostBody>,
) -> Result<HttpResponse, ApiError> {
    let view = posts.create(caller.id(), body.into_inner().into()).await?;
    Ok(created(
        format!("/posts/{}", view.post.id),
        PostBody::from(view),
    ))
}

pub(crate) async fn list(
    posts: Data<PostService>,
    viewer: MaybeUser,
    query: Query<PostListQuery>,
) -> Result<Json<PageBody<PostBody>>, ApiError> {
    let listing = query.into_inner().parse()?;
    let found = posts
        .list(
            listing.search.as_deref(),
            listing.author,
            viewer.id(),
            listing.page,
        )
        .await?;
    Ok(Json(PageBody::from_page(found)))
}

pub(crate) async fn get(
    posts: Data<PostService>,
    viewer: MaybeUser,
    id: Path<i64>,
) -> Result<Json<PostBody>, ApiError> {
    let view = posts.get(PostId::new(id.into_inner()), viewer.id()).await?;
    Ok(Json(view.into()))
}

pub(crate) async fn replace(
    posts: Data<PostService>,
    caller: AuthenticatedUser,
    id: Path<i64>,
    body: Json<ReplacePostBody>,
) -> Result<Json<PostBody>, ApiError> {
    let view = posts
        .replace(
            PostId::new(id.into_inner()),
            caller.id(),
            body.into_inner().into(),
        )
        .await?;
    Ok(Json(view.into()))
}

pub(crate) async fn patch(
    posts: Data<PostService>,
    caller: AuthenticatedUser,
    id: Path<i64>,
    body: Json<PatchPostBody>,
) -> Result<Json<PostBody>, ApiError> {
    let view = posts
        .patch(
            PostId::new(id.into_inner()),
            caller.id(),
            body.into_inner().into(),
        )
        .await?;
    Ok(Json(view.into()))
}

pub(crate) async fn delete(
    posts: Data<PostService>,
    caller: AuthenticatedUser,
    id: Path<i64>,
) -> Result<HttpResponse, ApiError> {
    posts
        .delete(PostId::new(id.into_inner()), caller.id())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
