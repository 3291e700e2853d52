use actix_web::web::{Data, Json, Path, Query};
use domain::{LikeService, PostId};

use crate::{
    auth::{AuthenticatedUser, MaybeUser},
    dto::{LikeStateBody, LikerBody, PageBody, PageQuery},
    error::ApiError,
};

pub(crate) async fn like(
    likes: Data<LikeService>,
    caller: AuthenticatedUser,
    id: Path<i64>,
) -> Result<Json<LikeStateBody>, ApiError> {
    let state = likes
        .like(caller.id(), PostId::new(id.into_inner()))
        .await?;
    Ok(Json(state.into()))
}

pub(crate) async fn unlike(
    likes: Data<LikeService>,
    caller: AuthenticatedUser,
    id: Path<i64>,
) -> Result<Json<LikeStateBody>, ApiError> {
    let state = likes
        .unlike(caller.id(), PostId::new(id.into_inner()))
        .await?;
    Ok(Json(state.into()))
}

pub(crate) async fn likers(
    likes: Data<LikeService>,
    viewer: MaybeUser,
    id: Path<i64>,
    query: Query<PageQuery>,
) -> Result<Json<PageBody<LikerBody>>, ApiError> {
    let page = query.into_inner().parse()?;
    let found = likes
        .likers(PostId::new(id.into_inner()), viewer.id(), page)
        .await?;
    Ok(Json(PageBody::from_page(found)))
}
