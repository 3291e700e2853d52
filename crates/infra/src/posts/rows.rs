//! The `posts` table's rows, and their conversion to and from domain values.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{
    Author, DomainError, Post, PostChanges, PostContent, PostId, PostTitle, PostView, UserId,
    UserName,
};

use crate::db::CorruptRow;
use crate::schema::posts;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = posts, check_for_backend(diesel::pg::Pg))]
pub(super) struct PostRow {
    id: i64,
    author_id: i64,
    title: String,
    content: String,
    published: bool,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    like_count: i64,
}

impl TryFrom<PostRow> for Post {
    type Error = DomainError;

    fn try_from(row: PostRow) -> Result<Self, DomainError> {
        Ok(Post {
            id: PostId::new(row.id),
            author_id: UserId::new(row.author_id),
            title: PostTitle::parse(row.title).map_err(CorruptRow::of("posts", row.id, "title"))?,
            content: PostContent::parse(row.content)
                .map_err(CorruptRow::of("posts", row.id, "content"))?,
            published: row.published,
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
            like_count: row.like_count,
        })
    }
}

/// A post with its author's name and whether the reader likes it.
pub(super) type ViewRow = (PostRow, String, bool);

pub(super) fn into_view((row, author_name, liked_by_me): ViewRow) -> Result<PostView, DomainError> {
    let post = Post::try_from(row)?;
    let name = UserName::parse(author_name).map_err(CorruptRow::of(
        "users",
        post.author_id.get(),
        "name",
    ))?;
    Ok(PostView {
        author: Author {
            id: post.author_id,
            name,
        },
        post,
        liked_by_me,
    })
}

/// `None` fields are left out of the UPDATE.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = posts)]
pub(super) struct PostChangesRow<'a> {
    title: Option<&'a str>,
    content: Option<&'a str>,
    published: Option<bool>,
}

impl<'a> From<&'a PostChanges> for PostChangesRow<'a> {
    fn from(changes: &'a PostChanges) -> Self {
        Self {
            title: changes.title.as_ref().map(PostTitle::as_str),
            content: changes.content.as_ref().map(PostContent::as_str),
            published: changes.published,
        }
    }
}
