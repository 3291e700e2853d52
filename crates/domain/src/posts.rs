//! Posts: the entities and values in `model`, the use cases in `service`.

mod model;
mod service;

pub use model::{Author, NewPost, Post, PostChanges, PostContent, PostFilter, PostTitle, PostView};
pub use service::{
    MAX_SEARCH_CHARS, MIN_SEARCH_CHARS, PostInput, PostPatch, PostQuery, PostService,
};
