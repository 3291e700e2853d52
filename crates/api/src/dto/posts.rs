use domain::{Author, PostInput, PostPatch, PostView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::Rfc3339;
use crate::openapi::fields;

/// A new post.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = NewPost)]
pub(crate) struct NewPostBody {
    #[schema(schema_with = fields::title)]
    title: String,
    #[schema(schema_with = fields::content)]
    content: String,
    /// False keeps the post a draft that only its author sees.
    #[serde(default = "published_unless_said_otherwise")]
    #[schema(default = true)]
    published: bool,
}

fn published_unless_said_otherwise() -> bool {
    true
}

impl From<NewPostBody> for PostInput {
    fn from(body: NewPostBody) -> Self {
        Self {
            title: body.title,
            content: body.content,
            published: body.published,
        }
    }
}

/// A full replacement: every field is required.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = PostReplacement)]
pub(crate) struct ReplacePostBody {
    #[schema(schema_with = fields::title)]
    title: String,
    #[schema(schema_with = fields::content)]
    content: String,
    /// False makes the post a draft that only its author sees.
    published: bool,
}

impl From<ReplacePostBody> for PostInput {
    fn from(body: ReplacePostBody) -> Self {
        Self {
            title: body.title,
            content: body.content,
            published: body.published,
        }
    }
}

/// Any subset of a post's fields; absent or null fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(as = PostPatch)]
pub(crate) struct PatchPostBody {
    #[schema(schema_with = fields::optional_title)]
    title: Option<String>,
    #[schema(schema_with = fields::optional_content)]
    content: Option<String>,
    published: Option<bool>,
}

impl From<PatchPostBody> for PostPatch {
    fn from(body: PatchPostBody) -> Self {
        Self {
            title: body.title,
            content: body.content,
            published: body.published,
        }
    }
}

/// A post as the caller sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Post)]
pub(crate) struct PostBody {
    #[schema(example = 1)]
    id: i64,
    #[schema(example = "Hello, Agora")]
    title: String,
    #[schema(example = "My first post.")]
    content: String,
    /// False for a draft, which only its author sees.
    published: bool,
    #[schema(value_type = String, format = DateTime)]
    created_at: Rfc3339,
    #[schema(value_type = String, format = DateTime)]
    updated_at: Rfc3339,
    author: AuthorBody,
    #[schema(minimum = 0)]
    like_count: i64,
    /// Whether the caller likes the post; always false for anonymous callers.
    liked_by_me: bool,
}

impl From<PostView> for PostBody {
    fn from(view: PostView) -> Self {
        let post = view.post;
        Self {
            id: post.id.get(),
            title: post.title.into(),
            content: post.content.into(),
            published: post.published,
            created_at: Rfc3339(post.created_at),
            updated_at: Rfc3339(post.updated_at),
            author: view.author.into(),
            like_count: post.like_count,
            liked_by_me: view.liked_by_me,
        }
    }
}

/// A user as shown beside their posts and likes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Author)]
pub(crate) struct AuthorBody {
    #[schema(example = 1)]
    id: i64,
    #[schema(example = "Ada Lovelace")]
    name: String,
}

impl From<Author> for AuthorBody {
    fn from(author: Author) -> Self {
        Self {
            id: author.id.get(),
            name: author.name.into(),
        }
    }
}
