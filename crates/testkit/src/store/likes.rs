use std::collections::btree_map::Entry;

use domain::async_trait;
use domain::{
    Author, Cursor, DomainError, LikeRepository, LikeWrite, Liker, Page, PageRequest, Post, PostId,
    TokenClaims,
};

use super::{Data, InMemoryStore, Likes, now, posts::newest_first_page};

impl Data {
    /// The post a like or an unlike in `claims`' session would change, with
    /// the likes to change; what the store answers instead when the session
    /// is not live or there is no such post.
    fn like_target(
        &mut self,
        claims: TokenClaims,
        post: PostId,
    ) -> Result<(&mut Post, &mut Likes), LikeWrite> {
        if !self.is_live(claims.user, claims.session) {
            return Err(LikeWrite::SessionEnded);
        }
        let stored = self.posts.get_mut(&post.get()).ok_or(LikeWrite::NoPost)?;
        Ok((stored, &mut self.likes))
    }
}

#[async_trait]
impl LikeRepository for InMemoryStore {
    async fn like(&self, claims: TokenClaims, post: PostId) -> Result<LikeWrite, DomainError> {
        let mut data = self.data();
        let (stored, likes) = match data.like_target(claims, post) {
            Ok(target) => target,
            Err(refused) => return Ok(refused),
        };
        if !stored.is_visible_to(Some(claims.user)) {
            return Ok(LikeWrite::NoPost);
        }
        if let Entry::Vacant(absent) = likes.entry((post.get(), claims.user.get())) {
            absent.insert(now());
            stored.like_count += 1;
        }
        Ok(LikeWrite::Counted(stored.like_count))
    }

    async fn unlike(&self, claims: TokenClaims, post: PostId) -> Result<LikeWrite, DomainError> {
        let mut data = self.data();
        let (stored, likes) = match data.like_target(claims, post) {
            Ok(target) => target,
            Err(refused) => return Ok(refused),
        };
        if likes.remove(&(post.get(), claims.user.get())).is_some() {
            stored.like_count -= 1;
        } else if !stored.is_visible_to(Some(claims.user)) {
            return Ok(LikeWrite::NoPost);
        }
        Ok(LikeWrite::Counted(stored.like_count))
    }

    async fn likers(&self, post: PostId, page: PageRequest) -> Result<Page<Liker>, DomainError> {
        let data = self.data();
        let likers = data
            .likes
            .range((post.get(), i64::MIN)..=(post.get(), i64::MAX))
            .filter_map(|(&(_, user), &liked_at)| {
                data.users.get(&user).map(|user| Liker {
                    user: Author {
                        id: user.id,
                        name: user.name.clone(),
                    },
                    liked_at,
                })
            })
            .collect();
        Ok(newest_first_page(likers, page, |liker| Cursor {
            created_at: liker.liked_at,
            id: liker.user.id.get(),
        }))
    }
}
