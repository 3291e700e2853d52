use std::collections::btree_map::Entry;

use domain::async_trait;
use domain::{
    Author, Cursor, DomainError, LikeRepository, LikeWrite, Liker, Page, PageRequest, PostId,
    TokenClaims,
};

use super::{InMemoryStore, now, posts::newest_first_page};

#[async_trait]
impl LikeRepository for InMemoryStore {
    async fn like(&self, claims: TokenClaims, post: PostId) -> Result<LikeWrite, DomainError> {
        let mut guard = self.data();
        let data = &mut *guard;
        let user = claims.user;
        if !data.is_live(user, claims.session) {
            return Ok(LikeWrite::SessionEnded);
        }
        let Some(stored) = data.posts.get_mut(&post.get()) else {
            return Ok(LikeWrite::NoPost);
        };
        if !stored.is_visible_to(Some(user)) {
            return Ok(LikeWrite::NoPost);
        }
        if let Entry::Vacant(absent) = data.likes.entry((post.get(), user.get())) {
            absent.insert(now());
            stored.like_count += 1;
        }
        Ok(LikeWrite::Counted(stored.like_count))
    }

    async fn unlike(&self, claims: TokenClaims, post: PostId) -> Result<LikeWrite, DomainError> {
        let mut guard = self.data();
        let data = &mut *guard;
        let user = claims.user;
        if !data.is_live(user, claims.session) {
            return Ok(LikeWrite::SessionEnded);
        }
        let Some(stored) = data.posts.get_mut(&post.get()) else {
            return Ok(LikeWrite::NoPost);
        };
        if data.likes.remove(&(post.get(), user.get())).is_some() {
            stored.like_count -= 1;
        } else if !stored.is_visible_to(Some(user)) {
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
