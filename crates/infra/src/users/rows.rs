//! The `users` table's rows, and their conversion to and from domain values.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use domain::{
    DomainError, Email, NewUser, PasswordHash, User, UserChanges, UserId, UserName, UserProfile,
};

use crate::db::CorruptRow;
use crate::schema::users;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub(crate) struct UserRow {
    id: i64,
    name: String,
    email: String,
    password_hash: String,
    created_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = DomainError;

    /// Stored values pass through the domain's parsers again: a row that
    /// breaks a rule is reported, never handed on as if valid.
    fn try_from(row: UserRow) -> Result<Self, DomainError> {
        Ok(User {
            id: UserId::new(row.id),
            name: UserName::parse(row.name).map_err(CorruptRow::of("users", row.id, "name"))?,
            email: Email::parse(&row.email).map_err(CorruptRow::of("users", row.id, "email"))?,
            password_hash: PasswordHash::new(row.password_hash),
            created_at: row.created_at.into(),
        })
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = users, check_for_backend(diesel::pg::Pg))]
pub(super) struct ProfileRow {
    id: i64,
    name: String,
    created_at: DateTime<Utc>,
}

impl ProfileRow {
    pub(super) fn into_profile(self, post_count: i64) -> Result<UserProfile, DomainError> {
        Ok(UserProfile {
            id: UserId::new(self.id),
            name: UserName::parse(self.name).map_err(CorruptRow::of("users", self.id, "name"))?,
            created_at: self.created_at.into(),
            post_count,
        })
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub(super) struct NewUserRow<'a> {
    name: &'a str,
    email: &'a str,
    password_hash: &'a str,
}

impl<'a> From<&'a NewUser> for NewUserRow<'a> {
    fn from(user: &'a NewUser) -> Self {
        Self {
            name: user.name.as_str(),
            email: user.email.as_str(),
            password_hash: user.password_hash.as_str(),
        }
    }
}

/// `None` fields are left out of the UPDATE.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = users)]
pub(super) struct UserChangesRow<'a> {
    name: Option<&'a str>,
    password_hash: Option<&'a str>,
}

impl UserChangesRow<'_> {
    pub(super) fn is_empty(&self) -> bool {
        self.name.is_none() && self.password_hash.is_none()
    }
}

impl<'a> From<&'a UserChanges> for UserChangesRow<'a> {
    fn from(changes: &'a UserChanges) -> Self {
        Self {
            name: changes.name.as_ref().map(UserName::as_str),
            password_hash: changes.password_hash.as_ref().map(PasswordHash::as_str),
        }
    }
}
