use std::sync::Arc;

use crate::{
    Author, ClaimedCaller, DomainError, Entity, LikeRepository, Page, PageRequest, PostId,
    PostRepository, Timestamp, posts::visible_post,
};

/// Someone who liked a post, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Liker {
    /// Who liked the post.
    pub user: Author,
    /// When they liked it; liking again does not move it.
    pub liked_at: Timestamp,
}

/// A post's like count after a like or unlike, and whether the caller likes it now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LikeState {
    /// The post liked or unliked.
    pub post_id: PostId,
    /// The post's like count right after the change.
    pub like_count: i64,
    /// True after a like, false after an unlike.
    pub liked: bool,
}

/// What storage did with a like or an unlike asked for in a session it
/// checked itself ([`LikeRepository`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LikeWrite {
    /// Done, or already so: the post's like count right after.
    Counted(i64),
    /// No post the user may like or unlike; nothing changed.
    NoPost,
    /// The session is not live; nothing changed.
    SessionEnded,
}

impl LikeWrite {
    /// The count, or the error a caller gets.
    fn count(self) -> Result<i64, DomainError> {
        match self {
            Self::Counted(count) => Ok(count),
            Self::NoPost => Err(DomainError::NotFound(Entity::Post)),
            Self::SessionEnded => Err(DomainError::InvalidToken),
        }
    }
}

/// Liking, unliking and listing likers, on posts the caller may see.
#[derive(Clone)]
pub struct LikeService {
    posts: Arc<dyn PostRepository>,
    likes: Arc<dyn LikeRepository>,
}

impl LikeService {
    /// Builds the service on its ports.
    pub fn new(posts: Arc<dyn PostRepository>, likes: Arc<dyn LikeRepository>) -> Self {
        Self { posts, likes }
    }

    /// Idempotent. The session, and whether the caller may see the post,
    /// are checked by the write itself.
    ///
    /// # Errors
    /// [`DomainError::InvalidToken`] when the caller's session has ended;
    /// [`DomainError::NotFound`] for a missing post or someone else's draft;
    /// [`DomainError::CallerGone`] when the caller's account is deleted
    /// while the like is written.
    pub async fn like(
        &self,
        caller: &ClaimedCaller,
        post: PostId,
    ) -> Result<LikeState, DomainError> {
        let like_count = self.likes.like(caller.claims(), post).await?.count()?;
        Ok(LikeState {
            post_id: post,
            like_count,
            liked: true,
        })
    }

    /// Idempotent. One's own like can always be taken back, even after the
    /// post became a draft; to anyone else, someone else's draft still does
    /// not exist. The session is checked by the write itself.
    ///
    /// # Errors
    /// [`DomainError::InvalidToken`] when the caller's session has ended;
    /// [`DomainError::NotFound`] for a missing post, or someone else's draft
    /// the caller does not like.
    pub async fn unlike(
        &self,
        caller: &ClaimedCaller,
        post: PostId,
    ) -> Result<LikeState, DomainError> {
        let like_count = self.likes.unlike(caller.claims(), post).await?.count()?;
        Ok(LikeState {
            post_id: post,
            like_count,
            liked: false,
        })
    }

    /// Most recent likes first. A signed-in viewer's session is checked by
    /// the read of the post.
    ///
    /// # Errors
    /// [`DomainError::NotFound`] for a missing post or someone else's draft;
    /// [`DomainError::InvalidToken`] when the viewer's session has ended.
    pub async fn likers(
        &self,
        post: PostId,
        viewer: Option<&ClaimedCaller>,
        page: PageRequest,
    ) -> Result<Page<Liker>, DomainError> {
        visible_post(self.posts.as_ref(), post, viewer).await?;
        self.likes.likers(post, page).await
    }
}

#[cfg(test)]
mod tests;
