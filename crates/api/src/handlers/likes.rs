use actix_web::web::{Data, Json, Path, Query};
use domain::{LikeService, PostId};

use crate::{
    caller_extractors::{Claimed, MaybeClaimed},
    dto::{LikeStateBody, LikerBody, LikerPage, PageBody, PageQuery},
    error::ApiError,
    openapi::responses::{BadRequest, NotFound, Unauthorized, Unavailable, Unprocessable},
};

/// Like a post
///
/// Idempotent: liking a post twice counts once.
#[utoipa::path(
    put,
    path = "/posts/{id}/like",
    operation_id = "like_post",
    tag = "likes",
    params(("id" = i64, Path, description = "The post's id.", minimum = 1)),
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The caller likes the post.", body = LikeStateBody),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn like(
    likes: Data<LikeService>,
    caller: Claimed,
    id: Path<i64>,
) -> Result<Json<LikeStateBody>, ApiError> {
    let state = likes.like(&caller.0, PostId::new(id.into_inner())).await?;
    Ok(Json(state.into()))
}

/// Unlike a post
///
/// Idempotent: unliking a post the caller does not like changes nothing.
#[utoipa::path(
    delete,
    path = "/posts/{id}/like",
    operation_id = "unlike_post",
    tag = "likes",
    params(("id" = i64, Path, description = "The post's id.", minimum = 1)),
    security(("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "The caller does not like the post.", body = LikeStateBody),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn unlike(
    likes: Data<LikeService>,
    caller: Claimed,
    id: Path<i64>,
) -> Result<Json<LikeStateBody>, ApiError> {
    let state = likes
        .unlike(&caller.0, PostId::new(id.into_inner()))
        .await?;
    Ok(Json(state.into()))
}

/// Who likes a post
///
/// Newest like first.
#[utoipa::path(
    get,
    path = "/posts/{id}/likes",
    operation_id = "list_likers",
    tag = "likes",
    params(("id" = i64, Path, description = "The post's id.", minimum = 1), PageQuery),
    security((), ("oauth2" = []), ("bearer" = [])),
    responses(
        (status = 200, description = "A page of likers.", body = LikerPage),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
        (status = 503, response = Unavailable),
    ),
)]
pub(crate) async fn likers(
    likes: Data<LikeService>,
    viewer: MaybeClaimed,
    id: Path<i64>,
    query: Query<PageQuery>,
) -> Result<PageBody<LikerBody>, ApiError> {
    let page = query.into_inner().parse()?;
    let found = likes
        .likers(PostId::new(id.into_inner()), viewer.0.as_ref(), page)
        .await?;
    Ok(PageBody::from_page(found))
}
