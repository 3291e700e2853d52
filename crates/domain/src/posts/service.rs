use std::sync::Arc;

use super::{visible_post, visible_to_caller};
use crate::{
    Caller, ClaimedCaller, DomainError, Entity, InvalidValue, NewPost, Page, PageRequest,
    PostChanges, PostContent, PostFilter, PostId, PostRepository, PostTitle, PostView, UserId,
    UserRepository, validation::collect,
};

/// Raw input for a new post, or for replacing one whole.
#[derive(Debug, Clone)]
pub struct PostInput {
    /// Rules in [`PostTitle::parse`].
    pub title: String,
    /// Rules in [`PostContent::parse`].
    pub content: String,
    /// False for a draft.
    pub published: bool,
}

/// Raw input for changing some fields of a post.
#[derive(Debug, Clone, Default)]
pub struct PostPatch {
    /// New title; `None` keeps the current one.
    pub title: Option<String>,
    /// New body; `None` keeps the current one.
    pub content: Option<String>,
    /// Publish or unpublish; `None` keeps the current state.
    pub published: Option<bool>,
}

/// Which published posts to list: named fields, so that an author and a
/// viewer can never be swapped by position.
#[derive(Debug, Clone, Default)]
pub struct PostQuery {
    /// Case-insensitive text to find in title or content; rules in [`PostService::list`].
    pub search: Option<String>,
    /// Only this author's posts.
    pub author: Option<UserId>,
    /// Which page.
    pub page: PageRequest,
}

/// Writing, reading and listing posts, with the draft and ownership rules.
#[derive(Clone)]
pub struct PostService {
    posts: Arc<dyn PostRepository>,
    users: Arc<dyn UserRepository>,
}

/// The longest search text accepted, in characters.
pub const MAX_SEARCH_CHARS: usize = 200;

/// The fewest characters a search text must hold besides spaces and the
/// wildcard-like `%`, `_` and `\`: a shorter term matches nearly every post,
/// so answering it costs a read of them all.
pub const MIN_SEARCH_CHARS: usize = 3;

impl PostService {
    /// Builds the service on its ports; `users` is only read, to tell an
    /// unknown author from one without posts.
    pub fn new(posts: Arc<dyn PostRepository>, users: Arc<dyn UserRepository>) -> Self {
        Self { posts, users }
    }

    /// Writes a post owned by the signed-in author, whose session is
    /// checked by the write itself.
    ///
    /// # Errors
    /// [`DomainError::Validation`]; [`DomainError::InvalidToken`] when the
    /// author's session has been revoked or their account deleted;
    /// [`DomainError::CallerGone`] when the account is deleted while the
    /// post is written.
    pub async fn create(
        &self,
        author: &ClaimedCaller,
        input: PostInput,
    ) -> Result<PostView, DomainError> {
        let (title, content) = parse_title_and_content(&input.title, &input.content)?;
        let claims = author.claims();
        let post = NewPost {
            author_id: claims.user,
            title,
            content,
            published: input.published,
        };
        self.posts
            .insert(post, claims.session)
            .await?
            .ok_or(DomainError::InvalidToken)
    }

    /// A post as `viewer` sees it. A signed-in viewer's session is checked
    /// by the read itself.
    ///
    /// # Errors
    /// [`DomainError::NotFound`], also for someone else's draft;
    /// [`DomainError::InvalidToken`] when the viewer's session has been
    /// revoked or their account deleted.
    pub async fn get(
        &self,
        id: PostId,
        viewer: Option<&ClaimedCaller>,
    ) -> Result<PostView, DomainError> {
        visible_post(self.posts.as_ref(), id, viewer).await
    }

    /// Published posts, newest first, optionally by one author and/or
    /// matching a search text. A signed-in viewer's session is checked by
    /// the read itself, after the query is found valid.
    ///
    /// # Errors
    /// [`DomainError::Validation`] for a search text over
    /// [`MAX_SEARCH_CHARS`], or with fewer than [`MIN_SEARCH_CHARS`] telling
    /// characters; [`DomainError::InvalidToken`] when the viewer's session
    /// has been revoked or their account deleted.
    pub async fn list(
        &self,
        query: PostQuery,
        viewer: Option<&ClaimedCaller>,
    ) -> Result<Page<PostView>, DomainError> {
        let search =
            parse_search(query.search.as_deref()).map_err(|e| collect([("search", Some(e))]))?;
        let filter = PostFilter {
            author_id: query.author,
            search,
            include_drafts: false,
        };
        self.page(filter, viewer, query.page).await
    }

    /// One author's posts, newest first, with their drafts when the viewer
    /// is that author. A signed-in viewer's session is checked by the read
    /// itself.
    ///
    /// # Errors
    /// [`DomainError::NotFound`] for an unknown user;
    /// [`DomainError::InvalidToken`] when the viewer's session has been
    /// revoked or their account deleted.
    pub async fn list_by_author(
        &self,
        author: UserId,
        viewer: Option<&ClaimedCaller>,
        page: PageRequest,
    ) -> Result<Page<PostView>, DomainError> {
        let own = viewer.is_some_and(|viewer| viewer.claims().user == author);
        let filter = PostFilter {
            author_id: Some(author),
            search: None,
            // Safe before the session is checked: the read answers nothing
            // unless the session is live.
            include_drafts: own,
        };
        let found = self.page(filter, viewer, page).await?;
        // Only an empty page can be an unknown author's: a page with posts
        // has its author, and so does one read for the author's own live
        // session, so neither costs a second read.
        if found.items.is_empty() && !own && self.users.find_by_id(author).await?.is_none() {
            return Err(DomainError::NotFound(Entity::User));
        }
        Ok(found)
    }

    /// A page of `filter` as `viewer` sees it, the session checked by the read.
    async fn page(
        &self,
        filter: PostFilter,
        viewer: Option<&ClaimedCaller>,
        page: PageRequest,
    ) -> Result<Page<PostView>, DomainError> {
        match viewer {
            None => self.posts.list(filter, None, page).await,
            Some(viewer) => self
                .posts
                .list_for_session(filter, viewer.claims(), page)
                .await?
                .ok_or(DomainError::InvalidToken),
        }
    }

    /// Replaces title, content and published flag.
    /// Errors: [`DomainError::Validation`], [`DomainError::NotFound`], [`DomainError::Forbidden`].
    pub async fn replace(
        &self,
        id: PostId,
        caller: &Caller,
        input: PostInput,
    ) -> Result<PostView, DomainError> {
        let (title, content) = parse_title_and_content(&input.title, &input.content)?;
        let changes = PostChanges {
            title: Some(title),
            content: Some(content),
            published: Some(input.published),
        };
        self.apply(id, caller, changes).await
    }

    /// Changes the fields that are set.
    /// Errors: [`DomainError::Validation`], [`DomainError::NotFound`], [`DomainError::Forbidden`].
    pub async fn patch(
        &self,
        id: PostId,
        caller: &Caller,
        input: PostPatch,
    ) -> Result<PostView, DomainError> {
        let title = input.title.as_deref().map(PostTitle::parse).transpose();
        let content = input.content.as_deref().map(PostContent::parse).transpose();
        let (title, content) = match (title, content) {
            (Ok(title), Ok(content)) => (title, content),
            (title, content) => {
                return Err(collect([
                    ("title", title.err()),
                    ("content", content.err()),
                ]));
            }
        };
        let changes = PostChanges {
            title,
            content,
            published: input.published,
        };
        if changes == PostChanges::default() {
            // Nothing to change: the post stays as it is, updated_at included.
            return self.owned(id, caller).await;
        }
        self.apply(id, caller, changes).await
    }

    /// Errors: [`DomainError::NotFound`], [`DomainError::Forbidden`].
    pub async fn delete(&self, id: PostId, caller: &Caller) -> Result<(), DomainError> {
        self.owned(id, caller).await?;
        if self.posts.delete(id).await? {
            Ok(())
        } else {
            Err(DomainError::NotFound(Entity::Post))
        }
    }

    async fn apply(
        &self,
        id: PostId,
        caller: &Caller,
        changes: PostChanges,
    ) -> Result<PostView, DomainError> {
        let view = self.owned(id, caller).await?;
        let post = self
            .posts
            .update(id, changes)
            .await?
            .ok_or(DomainError::NotFound(Entity::Post))?;
        Ok(PostView { post, ..view })
    }

    /// The post, if `caller` may change it: someone else's draft is not
    /// found, someone else's published post is forbidden.
    async fn owned(&self, id: PostId, caller: &Caller) -> Result<PostView, DomainError> {
        let view = visible_to_caller(self.posts.as_ref(), id, caller).await?;
        if view.post.author_id != caller.id() {
            return Err(DomainError::Forbidden);
        }
        Ok(view)
    }
}

fn parse_title_and_content(
    title: &str,
    content: &str,
) -> Result<(PostTitle, PostContent), DomainError> {
    match (PostTitle::parse(title), PostContent::parse(content)) {
        (Ok(title), Ok(content)) => Ok((title, content)),
        (title, content) => Err(collect([
            ("title", title.err()),
            ("content", content.err()),
        ])),
    }
}

/// Search text is never stored, so only what storage cannot take (NUL), the
/// length limit (which holds as sent) and terms too short to narrow anything
/// down are refused.
fn parse_search(raw: Option<&str>) -> Result<Option<String>, InvalidValue> {
    let Some(raw) = raw.filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    if raw.contains('\0') {
        return Err(InvalidValue::new("must not contain NUL characters"));
    }
    if raw.chars().count() > MAX_SEARCH_CHARS {
        return Err(InvalidValue::new(format!(
            "must be at most {MAX_SEARCH_CHARS} characters long"
        )));
    }
    let telling = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '%' | '_' | '\\'))
        .count();
    if telling < MIN_SEARCH_CHARS {
        return Err(InvalidValue::new(format!(
            "must hold at least {MIN_SEARCH_CHARS} characters other than spaces, %, _ and \\"
        )));
    }
    Ok(Some(raw.trim().to_owned()))
}

#[cfg(test)]
mod tests;
