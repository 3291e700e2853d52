use std::fmt;

use crate::{
    InvalidValue, PostId, Timestamp, UserId, UserName,
    validation::{check_text, display_line},
};

/// A post title: one line of at most 200 characters as sent, stored trimmed
/// and in NFC, with something visible in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostTitle(String);

impl PostTitle {
    /// The longest title accepted, in characters (not bytes), counted before trimming.
    pub const MAX_CHARS: usize = 200;

    /// Trims `raw` and normalises it to NFC, then checks it. An owned `raw`
    /// already trimmed and normal is kept, not copied.
    ///
    /// # Errors
    /// [`InvalidValue`] when it is longer than [`PostTitle::MAX_CHARS`] as
    /// sent, blank, contains a control character (newlines included), a
    /// format character (zero-width space or joiner, byte-order mark, bidi
    /// override or isolate, tag), or a character that renders blank (such as
    /// the Hangul filler U+3164), or has no visible character at all.
    pub fn parse(raw: impl Into<String>) -> Result<Self, InvalidValue> {
        display_line(raw.into(), Self::MAX_CHARS).map(Self)
    }

    /// The trimmed title.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A post body: 1 to 10,000 characters, kept exactly as written, not blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostContent(String);

impl PostContent {
    /// The longest body accepted, in characters (not bytes).
    pub const MAX_CHARS: usize = 10_000;

    /// Keeps `raw` exactly, surrounding whitespace included; an owned `raw`
    /// is kept, not copied.
    /// Errors: [`InvalidValue`] when it is blank, longer than
    /// [`PostContent::MAX_CHARS`], or contains NUL or a control character
    /// other than `\n`, `\r` and `\t`.
    pub fn parse(raw: impl Into<String>) -> Result<Self, InvalidValue> {
        let raw = raw.into();
        if raw.trim().is_empty() {
            return Err(InvalidValue::new("must not be empty"));
        }
        check_text(&raw, 1, Self::MAX_CHARS, true)?;
        Ok(Self(raw))
    }

    /// The body exactly as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The title, for an adapter that no longer needs the value: moved, not copied.
impl From<PostTitle> for String {
    fn from(title: PostTitle) -> Self {
        title.0
    }
}

/// The body, for an adapter that no longer needs the value: moved, not copied.
impl From<PostContent> for String {
    fn from(content: PostContent) -> Self {
        content.0
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
    /// Assigned by storage on insert.
    pub id: PostId,
    /// Who wrote the post; only they may change or delete it.
    pub author_id: UserId,
    /// One line, trimmed.
    pub title: PostTitle,
    /// The body, exactly as written.
    pub content: PostContent,
    /// False for a draft, which only its author may see.
    pub published: bool,
    /// When the post was created; lists are ordered by it, newest first.
    pub created_at: Timestamp,
    /// When the post last changed; equal to `created_at` until then.
    pub updated_at: Timestamp,
    /// How many users like the post, kept exact by the [`crate::LikeRepository`].
    pub like_count: i64,
}

/// Who wrote a post (or liked one), as anyone may see them.
#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    /// Identifies the user.
    pub id: UserId,
    /// Public display name.
    pub name: UserName,
}

/// A post as one reader sees it: with its author and whether they like it.
#[derive(Debug, Clone, PartialEq)]
pub struct PostView {
    /// The post itself.
    pub post: Post,
    /// Who wrote it.
    pub author: Author,
    /// Always false for anonymous readers.
    pub liked_by_me: bool,
}

/// What a [`crate::PostRepository`] needs to create a post; storage sets
/// the id, both timestamps and a zero like count.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPost {
    /// Who writes the post and will own it.
    pub author_id: UserId,
    /// One line, trimmed.
    pub title: PostTitle,
    /// The body, exactly as written.
    pub content: PostContent,
    /// False to save a draft.
    pub published: bool,
}

/// A partial update of a post; `None` leaves that field as it is.
/// Applying any change moves `updated_at`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostChanges {
    /// New title.
    pub title: Option<PostTitle>,
    /// New body.
    pub content: Option<PostContent>,
    /// Publish (`true`) or turn back into a draft (`false`).
    pub published: Option<bool>,
}

/// Which posts a list holds, newest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostFilter {
    /// Only this author's posts.
    pub author_id: Option<UserId>,
    /// Case-insensitive substring of title or content; `%`, `_` and `\` match literally.
    pub search: Option<String>,
    /// Also list unpublished posts. Only ever set when the reader is, or
    /// claims to be, the author: a claimed reader's read answers nothing
    /// unless the session is theirs and live (`list_for_session`).
    pub include_drafts: bool,
}

impl Post {
    /// Published posts are public; drafts are their author's alone.
    pub fn is_visible_to(&self, viewer: Option<UserId>) -> bool {
        self.published || viewer == Some(self.author_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every post read back is parsed again: an owned text already in its
    /// stored form must move through, not be copied.
    #[test]
    fn owned_text_in_its_stored_form_is_kept_not_copied() {
        let title = String::from("Hello, Agora");
        let at = title.as_ptr();
        let kept = String::from(PostTitle::parse(title).unwrap());
        assert_eq!(kept.as_ptr(), at);
        let content = String::from("  kept exactly, spaces too  ");
        let at = content.as_ptr();
        let kept = String::from(PostContent::parse(content).unwrap());
        assert_eq!(kept.as_ptr(), at);
        let name = String::from("Ada Lovelace");
        let at = name.as_ptr();
        let kept = String::from(UserName::parse(name).unwrap());
        assert_eq!(kept.as_ptr(), at);
        // Text to trim or normalise still is.
        assert_eq!(
            String::from(PostTitle::parse(String::from(" Hi ")).unwrap()),
            "Hi"
        );
        assert_eq!(
            String::from(PostTitle::parse(String::from("Cafe\u{301}")).unwrap()),
            "Caf\u{e9}"
        );
    }

    #[test]
    fn titles_are_nfc() {
        assert_eq!(
            PostTitle::parse("Cafe\u{301}").unwrap().as_str(),
            "Caf\u{e9}"
        );
    }

    #[test]
    fn titles_refuse_invisible_misleading_and_blank_rendering_characters() {
        for raw in [
            "Hello\u{200B}world",
            "\u{FEFF}Hello",
            "Hello \u{202E}dlrow",
            "\u{2066}Hello\u{2069}",
            "Hello\u{E0068}\u{E007F}",
            "\u{3164}",
            "\u{115F}\u{1160}",
        ] {
            assert!(PostTitle::parse(raw).is_err(), "{raw:?} should be refused");
        }
    }
}
