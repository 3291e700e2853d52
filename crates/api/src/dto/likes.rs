use domain::{LikeState, Liker};
use serde::Serialize;
use utoipa::ToSchema;

use super::{posts::AuthorBody, time::rfc3339};

/// Whether the caller now likes the post, and its like count.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = LikeState)]
pub(crate) struct LikeStateBody {
    #[schema(example = 1)]
    post_id: i64,
    #[schema(minimum = 0)]
    like_count: i64,
    liked: bool,
}

impl From<LikeState> for LikeStateBody {
    fn from(state: LikeState) -> Self {
        Self {
            post_id: state.post_id.get(),
            like_count: state.like_count,
            liked: state.liked,
        }
    }
}

/// Someone who likes a post, and since when.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Liker)]
pub(crate) struct LikerBody {
    user: AuthorBody,
    #[schema(format = DateTime)]
    liked_at: String,
}

impl From<Liker> for LikerBody {
    fn from(liker: Liker) -> Self {
        Self {
            user: liker.user.into(),
            liked_at: rfc3339(liker.liked_at),
        }
    }
}
