//! What every pooled connection gets when it is opened.

use std::time::Duration;

use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, Error, HandleError};

use super::gate::PgConn;

/// No statement may hold a connection (and a request) longer than this.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub(super) struct SessionSettings;

impl CustomizeConnection<PgConn, Error> for SessionSettings {
    fn on_acquire(&self, PgConn { conn, .. }: &mut PgConn) -> Result<(), Error> {
        diesel::sql_query(format!(
            "SET statement_timeout = {}",
            STATEMENT_TIMEOUT.as_millis()
        ))
        .execute(conn)
        .map(drop)
        .map_err(Error::QueryError)
    }
}

/// r2d2 reports failed connection attempts through the `log` crate by
/// default; the application logs with tracing.
#[derive(Debug)]
pub(super) struct LogPoolErrors;

impl HandleError<Error> for LogPoolErrors {
    fn handle_error(&self, error: Error) {
        tracing::warn!(error = %super::one_line(&error.to_string()), "database connection failed");
    }
}
