use domain::async_trait;
use domain::{DomainError, Email, NewUser, User, UserChanges, UserId, UserProfile, UserRepository};

use super::{InMemoryStore, now};

#[async_trait]
impl UserRepository for InMemoryStore {
    async fn insert(&self, user: NewUser) -> Result<User, DomainError> {
        let mut data = self.data();
        if data.users.values().any(|known| known.email == user.email) {
            return Err(DomainError::EmailTaken);
        }
        data.last_user_id += 1;
        let stored = User {
            id: UserId::new(data.last_user_id),
            name: user.name,
            email: user.email,
            password_hash: user.password_hash,
            created_at: now(),
        };
        data.users.insert(stored.id.get(), stored.clone());
        Ok(stored)
    }

    async fn find_by_id(&self, id: UserId) -> Result<Option<User>, DomainError> {
        Ok(self.data().users.get(&id.get()).cloned())
    }

    async fn find_by_email(&self, email: &Email) -> Result<Option<User>, DomainError> {
        Ok(self
            .data()
            .users
            .values()
            .find(|user| &user.email == email)
            .cloned())
    }

    async fn update(&self, id: UserId, changes: UserChanges) -> Result<Option<User>, DomainError> {
        let mut data = self.data();
        let Some(user) = data.users.get_mut(&id.get()) else {
            return Ok(None);
        };
        if let Some(name) = changes.name {
            user.name = name;
        }
        if let Some(password_hash) = changes.password_hash {
            user.password_hash = password_hash;
        }
        Ok(Some(user.clone()))
    }

    /// Takes the user's posts (with their likes), likes and sessions along,
    /// and lowers the count of every other post the user liked.
    async fn delete(&self, id: UserId) -> Result<bool, DomainError> {
        let mut data = self.data();
        if data.users.remove(&id.get()).is_none() {
            return Ok(false);
        }
        let own_posts: Vec<i64> = data
            .posts
            .values()
            .filter(|post| post.author_id == id)
            .map(|post| post.id.get())
            .collect();
        for post in own_posts {
            data.remove_post(post);
        }
        let liked: Vec<i64> = data
            .likes
            .keys()
            .filter(|(_, user)| *user == id.get())
            .map(|(post, _)| *post)
            .collect();
        for post in liked {
            data.likes.remove(&(post, id.get()));
            if let Some(post) = data.posts.get_mut(&post) {
                post.like_count -= 1;
            }
        }
        let sessions: Vec<i64> = data
            .sessions
            .iter()
            .filter(|(_, session)| session.user == id)
            .map(|(session, _)| *session)
            .collect();
        for session in sessions {
            data.remove_session(session);
        }
        Ok(true)
    }

    async fn profile(&self, id: UserId) -> Result<Option<UserProfile>, DomainError> {
        let data = self.data();
        let Some(user) = data.users.get(&id.get()) else {
            return Ok(None);
        };
        let published = data
            .posts
            .values()
            .filter(|post| post.author_id == id && post.published)
            .count();
        Ok(Some(UserProfile {
            id,
            name: user.name.clone(),
            created_at: user.created_at,
            post_count: i64::try_from(published).unwrap_or(i64::MAX),
        }))
    }
}
