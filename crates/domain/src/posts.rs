//! Posts: the entities and values in `model`, the use cases in `service`,
//! the draft rule for reading one post in `visibility`.

mod model;
mod service;
mod visibility;

pub use model::{Author, NewPost, Post, PostChanges, PostContent, PostFilter, PostTitle, PostView};
pub use service::{
    MAX_SEARCH_CHARS, MIN_SEARCH_CHARS, PostInput, PostPatch, PostQuery, PostService,
};
pub(crate) use visibility::{visible_post, visible_to_caller};
