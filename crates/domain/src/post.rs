use std::fmt;

use crate::{
    InvalidValue, PostId, Timestamp, UserId, UserName,
    validation::{check_text, trimmed},
};

/// A post title: one line of at most 200 characters as sent, stored trimmed
/// (and then not empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostTitle(String);

impl PostTitle {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        trimmed(raw, 1, Self::MAX_CHARS, false).map(|title| Self(title.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A post body: 1 to 10,000 characters, kept exactly as written, not blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostContent(String);

impl PostContent {
    pub const MAX_CHARS: usize = 10_000;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        if raw.trim().is_empty() {
            return Err(InvalidValue::new("must not be empty"));
        }
        check_text(raw, 1, Self::MAX_CHARS, true)?;
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PostTitle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stored post.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: PostId,
    pub author_id: UserId,
    pub title: PostTitle,
    pub content: PostContent,
    pub published: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub like_count: i64,
}

/// Who wrote a post (or liked one), as anyone may see them.
#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    pub id: UserId,
    pub name: UserName,
}

/// A post as one reader sees it: with its author and whether they like it.
#[derive(Debug, Clone, PartialEq)]
pub struct PostView {
    pub post: Post,
    pub author: Author,
    /// Always false for anonymous readers.
    pub liked_by_me: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewPost {
    pub author_id: UserId,
    pub title: PostTitle,
    pub content: PostContent,
    pub published: bool,
}

/// A partial update of a post; `None` leaves the column as it is.
/// Applying any change moves `updated_at`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostChanges {
    pub title: Option<PostTitle>,
    pub content: Option<PostContent>,
    pub published: Option<bool>,
}

/// Which posts a list holds, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostFilter {
    /// Only this author's posts.
    pub author_id: Option<UserId>,
    /// Case-insensitive substring of title or content; `%`, `_` and `\` match literally.
    pub search: Option<String>,
    /// Also list unpublished posts. Only ever set when the reader is the author.
    pub include_drafts: bool,
}

impl Post {
    /// Published posts are public; drafts are their author's alone.
    pub fn is_visible_to(&self, viewer: Option<UserId>) -> bool {
        self.published || viewer == Some(self.author_id)
    }
}
