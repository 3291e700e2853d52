use domain::{DomainError, FieldError, Page, PageLimit, PageRequest, PostQuery, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{
    IntoParams, PartialSchema, ToSchema,
    openapi::{ArrayBuilder, ObjectBuilder, Ref, RefOr, Type, schema::Schema},
};

use crate::cursor_token::{self, InvalidCursor};
use crate::openapi::fields;

/// `?limit=&cursor=`. Parameters arrive as text so that a bad value is a
/// 422 naming its parameter rather than a bare deserialisation failure.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    #[param(schema_with = fields::limit)]
    limit: Option<String>,
    /// Where the page starts: the `next_cursor` of the page before. Opaque;
    /// absent for the first page.
    cursor: Option<String>,
}

impl PageQuery {
    /// Errors: [`DomainError::Validation`] naming `limit` and/or `cursor`.
    pub(crate) fn parse(self) -> Result<PageRequest, DomainError> {
        let (page, errors) = self.parse_collecting();
        reject_any(errors)?;
        Ok(page)
    }

    fn parse_collecting(self) -> (PageRequest, Vec<FieldError>) {
        let mut errors = Vec::new();
        let limit = match given(self.limit) {
            None => PageLimit::DEFAULT,
            Some(raw) => raw
                .parse::<i64>()
                .map_err(|_| "must be an integer between 1 and 100".to_owned())
                .and_then(|n| PageLimit::new(n).map_err(|e| e.0))
                .unwrap_or_else(|message| {
                    errors.push(FieldError {
                        field: "limit",
                        message,
                    });
                    PageLimit::DEFAULT
                }),
        };
        let after = given(self.cursor).and_then(|raw| {
            cursor_token::decode(&raw)
                .map_err(|_| {
                    errors.push(FieldError {
                        field: "cursor",
                        message: InvalidCursor::MESSAGE.to_owned(),
                    })
                })
                .ok()
        });
        (PageRequest { limit, after }, errors)
    }
}

/// `GET /posts`: a page, with an optional search text and author.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PostListQuery {
    #[param(schema_with = fields::limit)]
    limit: Option<String>,
    /// Where the page starts: the `next_cursor` of the page before. Opaque;
    /// absent for the first page.
    cursor: Option<String>,
    /// Only posts whose title or content contains this text, compared
    /// case-insensitively; `%` and `_` match themselves. Trimmed; blank means no
    /// filter. At least 3 characters besides spaces, `%`, `_` and `\` (a
    /// shorter term is a 422); no NUL characters. A search cut short after
    /// 3 seconds is a 503.
    // The pattern says the same to machines: blank (Unicode White_Space, as
    // Rust's `char::is_whitespace`), or three characters besides those and
    // `%`, `_`, `\`; never NUL.
    #[param(
        max_length = 200,
        pattern = r"^(?:[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*|(?:[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000%_\\]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000%_\\\u0000]){3}[^\u0000]*)$"
    )]
    search: Option<String>,
    /// Only the posts of the user with this id (an `id` from `/users/{id}`).
    #[param(value_type = Option<i64>, minimum = 1)]
    author_id: Option<String>,
}

impl PostListQuery {
    /// Errors: [`DomainError::Validation`] naming every bad parameter.
    pub(crate) fn parse(self) -> Result<PostQuery, DomainError> {
        let (page, mut errors) = PageQuery {
            limit: self.limit,
            cursor: self.cursor,
        }
        .parse_collecting();
        let author = given(self.author_id).and_then(|raw| {
            let id = raw
                .parse::<i64>()
                .ok()
                .filter(|id| *id >= 1)
                .map(UserId::new);
            if id.is_none() {
                errors.push(FieldError {
                    field: "author_id",
                    message: "must be a user id (a positive integer)".to_owned(),
                });
            }
            id
        });
        reject_any(errors)?;
        Ok(PostQuery {
            search: self.search,
            author,
            page,
        })
    }
}

/// An empty parameter (`?cursor=`) counts as absent, as forms send them.
fn given(raw: Option<String>) -> Option<String> {
    raw.map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn reject_any(errors: Vec<FieldError>) -> Result<(), DomainError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(DomainError::Validation(errors))
    }
}

/// What the page types are called where utoipa's macros read them: a
/// generic type there would need utoipa's own derive.
pub(crate) type PostPage = PageBody<super::PostBody>;
pub(crate) type LikerPage = PageBody<super::LikerBody>;

#[derive(Debug, Serialize)]
pub(crate) struct PageBody<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

/// Written out rather than derived: utoipa's derive would copy the item
/// schema into every page instead of referring to it, and name the page
/// `PageBody_Post` rather than `PostPage`.
impl<T: ToSchema> PartialSchema for PageBody<T> {
    fn schema() -> RefOr<Schema> {
        let items = ArrayBuilder::new().items(Ref::from_schema_name(T::name()));
        let next_cursor = ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                Type::String,
                Type::Null,
            ]))
            .description(Some(
                "Pass it as `cursor` to read the next page; null on the last page.",
            ));
        ObjectBuilder::new()
            .description(Some("One page of a newest-first list."))
            .property("items", items)
            .property("next_cursor", next_cursor)
            .required("items")
            .required("next_cursor")
            .into()
    }
}

impl<T: ToSchema> ToSchema for PageBody<T> {
    fn name() -> std::borrow::Cow<'static, str> {
        format!("{}Page", T::name()).into()
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
    }
}

impl<T> PageBody<T> {
    pub(crate) fn from_page<U>(page: Page<U>) -> Self
    where
        T: From<U>,
    {
        Self {
            items: page.items.into_iter().map(T::from).collect(),
            next_cursor: page.next_cursor.as_ref().map(cursor_token::encode),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use domain::Cursor;

    use super::*;

    fn fields(error: DomainError) -> Vec<&'static str> {
        match error {
            DomainError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn defaults_to_twenty_from_the_start() {
        let page = PageQuery::default().parse().unwrap();
        assert_eq!(page, PageRequest::default());
        let page = PageQuery {
            limit: Some(String::new()),
            cursor: Some(" ".into()),
        }
        .parse()
        .unwrap();
        assert_eq!(page, PageRequest::default());
    }

    #[test]
    fn reads_a_limit_and_a_cursor_it_issued() {
        let cursor = Cursor {
            created_at: UNIX_EPOCH,
            id: 9,
        };
        let page = PageQuery {
            limit: Some("5".into()),
            cursor: Some(cursor_token::encode(&cursor)),
        }
        .parse()
        .unwrap();
        assert_eq!(page.limit.get(), 5);
        assert_eq!(page.after, Some(cursor));
    }

    #[test]
    fn names_every_bad_parameter() {
        let error = PostListQuery {
            limit: Some("abc".into()),
            cursor: Some("forged".into()),
            search: None,
            author_id: Some("x".into()),
        }
        .parse()
        .err()
        .unwrap();
        assert_eq!(fields(error), ["limit", "cursor", "author_id"]);
        let error = PageQuery {
            limit: Some("101".into()),
            cursor: None,
        }
        .parse()
        .unwrap_err();
        assert_eq!(fields(error), ["limit"]);
    }

    /// The document says `minimum: 1`: no user has a smaller id.
    #[test]
    fn an_author_id_below_one_is_refused() {
        for raw in ["0", "-3"] {
            let error = PostListQuery {
                author_id: Some(raw.into()),
                ..PostListQuery::default()
            }
            .parse()
            .err()
            .unwrap();
            assert_eq!(fields(error), ["author_id"], "{raw}");
        }
    }
}
