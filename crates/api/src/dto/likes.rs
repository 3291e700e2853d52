use domain::{LikeState, Liker};
use serde::Serialize;
use utoipa::ToSchema;

use super::{posts::AuthorBody, time::Rfc3339};

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
    #[schema(value_type = String, format = DateTime)]
    liked_at: Rfc3339,
}

impl From<Liker> for LikerBody {
    fn from(liker: Liker) -> Self {
        Self {
            user: liker.user.into(),
            liked_at: Rfc3339(liker.liked_at),
        }
    }
}
