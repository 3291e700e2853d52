//! Request and response bodies, and their conversions to and from domain types.

mod likes;
mod login;
mod page;
mod posts;
mod sessions;
mod time;
mod users;

pub(crate) use likes::{LikeStateBody, LikerBody};
pub(crate) use login::{Grant, JsonCredentials, PasswordForm, TokenBody, TokenType};
pub(crate) use page::{LikerPage, PageBody, PageQuery, PostListQuery, PostPage};
pub(crate) use posts::{AuthorBody, NewPostBody, PatchPostBody, PostBody, ReplacePostBody};
pub(crate) use sessions::{DeleteAccountBody, SessionBody};
pub(crate) use users::{AccountBody, ProfileBody, RegisterBody, UpdateAccountBody};
