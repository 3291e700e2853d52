use domain::{LikeState, Liker};
use serde::Serialize;

use super::{posts::AuthorBody, time::rfc3339};

#[derive(Debug, Serialize)]
pub(crate) struct LikeStateBody {
    post_id: i64,
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

#[derive(Debug, Serialize)]
pub(crate) struct LikerBody {
    user: AuthorBody,
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
