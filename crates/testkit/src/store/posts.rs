use domain::async_trait;
use domain::{
    Author, Cursor, DomainError, NewPost, Page, PageRequest, Post, PostChanges, PostFilter, PostId,
    PostRepository, PostView, SessionId, TokenClaims, UserId,
};

use super::{Data, InMemoryStore, now};

impl Data {
    fn view(&self, post: &Post, viewer: Option<UserId>) -> Result<PostView, DomainError> {
        let author = self
            .users
            .get(&post.author_id.get())
            .ok_or_else(|| DomainError::unexpected(format!("post {} has no author", post.id)))?;
        let liked_by_me =
            viewer.is_some_and(|viewer| self.likes.contains_key(&(post.id.get(), viewer.get())));
        Ok(PostView {
            post: post.clone(),
            author: Author {
                id: author.id,
                name: author.name.clone(),
            },
            liked_by_me,
        })
    }
}

/// What PostgreSQL's `ILIKE '%text%'` with escaped wildcards matches: the
/// text anywhere, ignoring case.
fn matches(post: &Post, search: &str) -> bool {
    let search = search.to_lowercase();
    post.title.as_str().to_lowercase().contains(&search)
        || post.content.as_str().to_lowercase().contains(&search)
}

/// Newest first: `(created_at, id)` descending, strictly after `after`.
pub(super) fn newest_first_page<T>(
    mut items: Vec<T>,
    page: PageRequest,
    position: impl Fn(&T) -> Cursor,
) -> Page<T> {
    let key = |cursor: Cursor| (cursor.created_at, cursor.id);
    items.sort_by_key(|item| std::cmp::Reverse(key(position(item))));
    if let Some(after) = page.after {
        items.retain(|item| key(position(item)) < key(after));
    }
    let has_more = items.len() > page.limit.get();
    items.truncate(page.limit.get());
    let next_cursor = if has_more {
        items.last().map(position)
    } else {
        None
    };
    Page { items, next_cursor }
}

impl InMemoryStore {
    /// Whether `claims` name a live session, as the caller lookup finds it.
    fn is_live(&self, claims: TokenClaims) -> bool {
        self.data().is_live(claims.user, claims.session)
    }
}

#[async_trait]
impl PostRepository for InMemoryStore {
    async fn insert(
        &self,
        post: NewPost,
        session: SessionId,
    ) -> Result<Option<PostView>, DomainError> {
        let mut data = self.data();
        if !data.is_live(post.author_id, session) {
            return Ok(None);
        }
        data.last_post_id += 1;
        let at = now();
        let stored = Post {
            id: PostId::new(data.last_post_id),
            author_id: post.author_id,
            title: post.title,
            content: post.content,
            published: post.published,
            created_at: at,
            updated_at: at,
            like_count: 0,
        };
        data.posts.insert(stored.id.get(), stored.clone());
        data.view(&stored, Some(stored.author_id)).map(Some)
    }

    async fn find(
        &self,
        id: PostId,
        viewer: Option<UserId>,
    ) -> Result<Option<PostView>, DomainError> {
        let data = self.data();
        data.posts
            .get(&id.get())
            .map(|post| data.view(post, viewer))
            .transpose()
    }

    async fn find_for_session(
        &self,
        id: PostId,
        claims: TokenClaims,
    ) -> Result<Option<Option<PostView>>, DomainError> {
        if !self.is_live(claims) {
            return Ok(None);
        }
        PostRepository::find(self, id, Some(claims.user))
            .await
            .map(Some)
    }

    async fn list(
        &self,
        filter: PostFilter,
        viewer: Option<UserId>,
        page: PageRequest,
    ) -> Result<Page<PostView>, DomainError> {
        let data = self.data();
        let views = data
            .posts
            .values()
            .filter(|post| filter.include_drafts || post.published)
            .filter(|post| {
                filter
                    .author_id
                    .is_none_or(|author| post.author_id == author)
            })
            .filter(|post| filter.search.as_deref().is_none_or(|s| matches(post, s)))
            .map(|post| data.view(post, viewer))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(newest_first_page(views, page, |view| Cursor {
            created_at: view.post.created_at,
            id: view.post.id.get(),
        }))
    }

    async fn list_for_session(
        &self,
        filter: PostFilter,
        claims: TokenClaims,
        page: PageRequest,
    ) -> Result<Option<Page<PostView>>, DomainError> {
        if !self.is_live(claims) {
            return Ok(None);
        }
        PostRepository::list(self, filter, Some(claims.user), page)
            .await
            .map(Some)
    }

    async fn update(&self, id: PostId, changes: PostChanges) -> Result<Option<Post>, DomainError> {
        let mut data = self.data();
        let Some(post) = data.posts.get_mut(&id.get()) else {
            return Ok(None);
        };
        if let Some(title) = changes.title {
            post.title = title;
        }
        if let Some(content) = changes.content {
            post.content = content;
        }
        if let Some(published) = changes.published {
            post.published = published;
        }
        post.updated_at = now().max(post.created_at);
        Ok(Some(post.clone()))
    }

    async fn delete(&self, id: PostId) -> Result<bool, DomainError> {
        Ok(self.data().remove_post(id.get()))
    }
}
