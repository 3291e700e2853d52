//! Request and response bodies, and their conversions to and from domain types.

mod likes;
mod login;
mod page;
mod posts;
mod time;
mod users;

pub(crate) use likes::{LikeStateBody, LikerBody};
pub(crate) use login::{Credentials, TokenBody};
pub(crate) use page::{PageBody, PageQuery, PostListQuery};
pub(crate) use posts::{NewPostBody, PatchPostBody, PostBody, ReplacePostBody};
pub(crate) use users::{AccountBody, ProfileBody, RegisterBody, UpdateAccountBody};
