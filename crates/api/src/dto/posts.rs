use domain::{Author, PostInput, PostPatch, PostView};
use serde::{Deserialize, Serialize};

use super::time::rfc3339;

#[derive(Debug, Deserialize)]
pub(crate) struct NewPostBody {
    title: String,
    content: String,
    #[serde(default = "published_unless_said_otherwise")]
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
#[derive(Debug, Deserialize)]
pub(crate) struct ReplacePostBody {
    title: String,
    content: String,
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

#[derive(Debug, Deserialize)]
pub(crate) struct PatchPostBody {
    title: Option<String>,
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

#[derive(Debug, Serialize)]
pub(crate) struct PostBody {
    id: i64,
    title: String,
    content: String,
    published: bool,
    created_at: String,
    updated_at: String,
    author: AuthorBody,
    like_count: i64,
    liked_by_me: bool,
}

impl From<PostView> for PostBody {
    fn from(view: PostView) -> Self {
        let post = view.post;
        Self {
            id: post.id.get(),
            title: post.title.as_str().to_owned(),
            content: post.content.as_str().to_owned(),
            published: post.published,
            created_at: rfc3339(post.created_at),
            updated_at: rfc3339(post.updated_at),
            author: view.author.into(),
            like_count: post.like_count,
            liked_by_me: view.liked_by_me,
        }
    }
}

/// A user as shown beside their posts and likes.
#[derive(Debug, Serialize)]
pub(crate) struct AuthorBody {
    id: i64,
    name: String,
}

impl From<Author> for AuthorBody {
    fn from(author: Author) -> Self {
        Self {
            id: author.id.get(),
            name: author.name.as_str().to_owned(),
        }
    }
}
