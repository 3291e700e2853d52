use actix_web::{
    HttpResponse,
    web::{Data, Json, Path, Query},
};
use domain::{AccountService, PostService, UserId};

use super::created;
use crate::{
    auth::{AuthenticatedUser, MaybeUser},
    dto::{
        AccountBody, PageBody, PageQuery, PostBody, ProfileBody, RegisterBody, UpdateAccountBody,
    },
    error::ApiError,
};

pub(crate) async fn register(
    accounts: Data<AccountService>,
    body: Json<RegisterBody>,
) -> Result<HttpResponse, ApiError> {
    let user = accounts.register(body.into_inner().into()).await?;
    Ok(created(
        format!("/users/{}", user.id),
        AccountBody::from(user),
    ))
}

/// The extractor has just loaded the caller, so no use case is needed.
pub(crate) async fn me(caller: AuthenticatedUser) -> Json<AccountBody> {
    Json(caller.0.into())
}

pub(crate) async fn update_me(
    accounts: Data<AccountService>,
    caller: AuthenticatedUser,
    body: Json<UpdateAccountBody>,
) -> Result<Json<AccountBody>, ApiError> {
    let user = accounts
        .update(caller.id(), body.into_inner().into())
        .await?;
    Ok(Json(user.into()))
}

pub(crate) async fn delete_me(
    accounts: Data<AccountService>,
    caller: AuthenticatedUser,
) -> Result<HttpResponse, ApiError> {
    accounts.delete(caller.id()).await?;
    Ok(HttpResponse::NoContent().finish())
}

pub(crate) async fn profile(
    accounts: Data<AccountService>,
    id: Path<i64>,
) -> Result<Json<ProfileBody>, ApiError> {
    let profile = accounts.profile(UserId::new(id.into_inner())).await?;
    Ok(Json(profile.into()))
}

pub(crate) async fn posts(
    posts: Data<PostService>,
    viewer: MaybeUser,
    id: Path<i64>,
    query: Query<PageQuery>,
) -> Result<Json<PageBody<PostBody>>, ApiError> {
    let page = query.into_inner().parse()?;
    let found = posts
        .list_by_author(UserId::new(id.into_inner()), viewer.id(), page)
        .await?;
    Ok(Json(PageBody::from_page(found)))
}
