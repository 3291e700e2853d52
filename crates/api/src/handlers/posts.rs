use actix_web::{
    HttpResponse,
    web::{Data, Json, Path, Query},
};
use domain::{PostId, PostService};

use super::created;
use crate::{
    caller_extractors::{AuthenticatedUser, Claimed, MaybeClaimed},
    dto::{
        NewPostBody, PageBody, PatchPostBody, PostBody, PostListQuery, PostPage, ReplacePostBody,
    },
    error::ApiError,
    openapi::responses::{
        BadRequest, Forbidden, NotFound, PayloadTooLarge, RequestTimeout, Unauthorized,
        Unavailable, Unprocessable, UnsupportedMediaType,
    },
};

/// Write a post
///
/// Publishes the post, or keeps it a draft with `"published": false`.
#[utoipa::path(
    post,
    path = "/posts",
    operation_id = "create_post",
    tag = "posts",
    request_body = NewPostBody,
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 201, description = "The new post.", body = PostBody,
            headers(("Location" = String, description = "`/posts/{id}`: the new post."))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn create(
    posts: Data<PostService>,
    author: Claimed,
    body: Json<NewPostBody>,
) -> Result<HttpResponse, ApiError> {
    let view = posts.create(&author.0, body.into_inner().into()).await?;
    Ok(created(
        format!("/posts/{}", view.post.id),
        PostBody::from(view),
    ))
}

/// List posts
///
/// Published posts, newest first, optionally by one author or matching a
/// search text. Drafts are never listed here, not even the caller's own: see
/// `GET /users/{id}/posts`.
#[utoipa::path(
    get,
    path = "/posts",
    operation_id = "list_posts",
    tag = "posts",
    params(PostListQuery),
    security((), ("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of posts.", body = PostPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 422, response = Unprocessable),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn list(
    posts: Data<PostService>,
    viewer: MaybeClaimed,
    query: Query<PostListQuery>,
) -> Result<PageBody<PostBody>, ApiError> {
    let query = query.into_inner().parse()?;
    let found = posts.list(query, viewer.0.as_ref()).await?;
    Ok(PageBody::from_page(found))
}

/// Read a post
///
/// A draft is visible to its author only; to anyone else it does not exist.
#[utoipa::path(
    get,
    path = "/posts/{id}",
    operation_id = "get_post",
    tag = "posts",
    params(("id" = i64, Path, description = "The post's id.", minimum = 1)),
    security((), ("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The post.", body = PostBody),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn get(
    posts: Data<PostService>,
    viewer: MaybeClaimed,
    id: Path<i64>,
) -> Result<Json<PostBody>, ApiError> {
    let view = posts
        .get(PostId::new(id.into_inner()), viewer.0.as_ref())
        .await?;
    Ok(Json(view.into()))
}

/// Replace a post
///
/// Sets every field; the author only.
#[utoipa::path(
    put,
    path = "/posts/{id}",
    operation_id = "replace_post",
    tag = "posts",
    params(("id" = i64, Path, description = "The post's id.", minimum = 1)),
    request_body = ReplacePostBody,
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The post as replaced.", body = PostBody),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn replace(
    posts: Data<PostService>,
    caller: AuthenticatedUser,
    id: Path<i64>,
    body: Json<ReplacePostBody>,
) -> Result<Json<PostBody>, ApiError> {
    let view = posts
        .replace(
            PostId::new(id.into_inner()),
            &caller.0,
            body.into_inner().into(),
        )
        .await?;
    Ok(Json(view.into()))
}

/// Change a post
///
/// Sets the fields given; the author only.
#[utoipa::path(
    patch,
    path = "/posts/{id}",
    operation_id = "patch_post",
    tag = "posts",
    params(("id" = i64, Path, description = "The post's id.", minimum = 1)),
    request_body = PatchPostBody,
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The post as changed.", body = PostBody),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 408, response = RequestTimeout),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn patch(
    posts: Data<PostService>,
    caller: AuthenticatedUser,
    id: Path<i64>,
    body: Json<PatchPostBody>,
) -> Result<Json<PostBody>, ApiError> {
    let view = posts
        .patch(
            PostId::new(id.into_inner()),
            &caller.0,
            body.into_inner().into(),
        )
        .await?;
    Ok(Json(view.into()))
}

/// Delete a post
///
/// Deletes the post and its likes; the author only.
#[utoipa::path(
    delete,
    path = "/posts/{id}",
    operation_id = "delete_post",
    tag = "posts",
    params(("id" = i64, Path, description = "The post's id.", minimum = 1)),
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn delete(
    posts: Data<PostService>,
    caller: AuthenticatedUser,
    id: Path<i64>,
) -> Result<HttpResponse, ApiError> {
    posts
        .delete(PostId::new(id.into_inner()), &caller.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
