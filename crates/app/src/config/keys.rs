//! Every configuration key, with what error messages say about it.

/// One setting. `field` is its name in `agora.toml` and in the figment;
/// `env` its name in the environment and `.env`, which messages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Key {
    pub field: &'static str,
    pub env: &'static str,
    /// Whether the value may be printed in an error.
    pub secret: bool,
    pub expected: &'static str,
}

const fn key(field: &'static str, env: &'static str, expected: &'static str) -> Key {
    Key {
        field,
        env,
        secret: false,
        expected,
    }
}

const fn secret(field: &'static str, env: &'static str, expected: &'static str) -> Key {
    Key {
        field,
        env,
        secret: true,
        expected,
    }
}

pub(super) const DATABASE_URL: Key = secret(
    "database_url",
    "DATABASE_URL",
    "a PostgreSQL URL like postgres://user:password@host:5432/db",
);
pub(super) const DB_DRIVER: Key = key(
    "db_driver",
    "DB_DRIVER",
    "a PostgreSQL driver name such as postgresql or psycopg2 (Agora only speaks PostgreSQL), or no DB_DRIVER at all",
);
pub(super) const DB_USER: Key = key("db_user", "DB_USER", "a non-empty user name");
pub(super) const DB_PASSWORD: Key = secret("db_password", "DB_PASSWORD", "a string");
pub(super) const DB_HOST: Key = key(
    "db_host",
    "DB_HOST",
    "a host name, an IP address or a socket directory",
);
pub(super) const DB_PORT: Key = key("db_port", "DB_PORT", "an integer 1..=65535");
pub(super) const DB_NAME: Key = key("db_name", "DB_NAME", "a non-empty database name");
pub(super) const DATABASE_POOL_SIZE: Key = key(
    "database_pool_size",
    "DATABASE_POOL_SIZE",
    "an integer >= 1",
);
pub(super) const DATABASE_TIMEOUT_SECONDS: Key = key(
    "database_timeout_seconds",
    "DATABASE_TIMEOUT_SECONDS",
    "an integer number of seconds 1..=86400",
);
pub(super) const DATABASE_PREPARED_STATEMENTS: Key = key(
    "database_prepared_statements",
    "DATABASE_PREPARED_STATEMENTS",
    "true, or false behind a pooler in transaction mode such as PgBouncer",
);
pub(super) const JWT_SECRET: Key =
    secret("jwt_secret", "JWT_SECRET", "a string of at least 32 bytes");
pub(super) const JWT_EXPIRE_MINUTES: Key = key(
    "jwt_expire_minutes",
    "JWT_EXPIRE_MINUTES",
    "an integer number of minutes 1..=525600 (one year)",
);
pub(super) const JWT_ISSUER: Key = key(
    "jwt_issuer",
    "JWT_ISSUER",
    "a non-empty name without spaces, written to and required in every token's `iss`",
);
pub(super) const REFRESH_EXPIRE_DAYS: Key = key(
    "refresh_expire_days",
    "REFRESH_EXPIRE_DAYS",
    "an integer number of days 1..=3650",
);
pub(super) const BCRYPT_COST: Key = key("bcrypt_cost", "BCRYPT_COST", "an integer 4..=31");
pub(super) const HOST: Key = key(
    "host",
    "HOST",
    "an IP address or host name to listen on, like 127.0.0.1 or 0.0.0.0",
);
pub(super) const PORT: Key = key("port", "PORT", "an integer 0..=65535");
pub(super) const CORS_ALLOWED_ORIGINS: Key = key(
    "cors_allowed_origins",
    "CORS_ALLOWED_ORIGINS",
    "a comma-separated list of origins like https://example.com,http://localhost:3000",
);
pub(super) const BODY_TIMEOUT_SECONDS: Key = key(
    "body_timeout_seconds",
    "BODY_TIMEOUT_SECONDS",
    "an integer number of seconds 1..=3600",
);
pub(super) const TRUSTED_PROXIES: Key = key(
    "trusted_proxies",
    "TRUSTED_PROXIES",
    "a comma-separated list of proxy CIDRs or addresses like 10.0.0.0/8,2001:db8::1",
);
pub(super) const RUST_LOG: Key = key(
    "rust_log",
    "RUST_LOG",
    "a log filter like info or agora=debug,actix_web=info",
);

pub(super) const ALL: [Key; 21] = [
    DATABASE_URL,
    DB_DRIVER,
    DB_USER,
    DB_PASSWORD,
    DB_HOST,
    DB_PORT,
    DB_NAME,
    DATABASE_POOL_SIZE,
    DATABASE_TIMEOUT_SECONDS,
    DATABASE_PREPARED_STATEMENTS,
    JWT_SECRET,
    JWT_EXPIRE_MINUTES,
    JWT_ISSUER,
    REFRESH_EXPIRE_DAYS,
    BCRYPT_COST,
    HOST,
    PORT,
    CORS_ALLOWED_ORIGINS,
    BODY_TIMEOUT_SECONDS,
    TRUSTED_PROXIES,
    RUST_LOG,
];
