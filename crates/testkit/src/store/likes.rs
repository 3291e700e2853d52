use domain::async_trait;
use domain::{
    Author, Cursor, DomainError, Entity, LikeRepository, Liker, Page, PageRequest, PostId, UserId,
};

use super::{InMemoryStore, now, posts::newest_first_page};

#[async_trait]
impl LikeRepository for InMemoryStore {
    async fn like(&self, user: UserId, post: PostId) -> Result<i64, DomainError> {
        let mut data = self.data();
        if !data.posts.contains_key(&post.get()) {
            return Err(DomainError::NotFound(Entity::Post));
        }
        if !data.user_exists(user) {
            return Err(DomainError::CallerGone);
        }
        let added = !data.likes.contains_key(&(post.get(), user.get()));
        if added {
            data.likes.insert((post.get(), user.get()), now());
        }
        let post = data
            .posts
            .get_mut(&post.get())
            .ok_or(DomainError::NotFound(Entity::Post))?;
        post.like_count += i64::from(added);
        Ok(post.like_count)
    }

    async fn unlike(&self, user: UserId, post: PostId) -> Result<i64, DomainError> {
        let mut data = self.data();
        let removed = data.likes.remove(&(post.get(), user.get())).is_some();
        let post = data
            .posts
            .get_mut(&post.get())
            .ok_or(DomainError::NotFound(Entity::Post))?;
        post.like_count -= i64::from(removed);
        Ok(post.like_count)
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
