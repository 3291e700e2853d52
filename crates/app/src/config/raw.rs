use serde::Deserialize;

/// The merged layers as read, before the checks that need more than a
/// type. Deliberately not `Debug`: it holds secrets in plain strings.
#[derive(Deserialize)]
#[serde(default)]
pub(super) struct Raw {
    pub database_url: Option<String>,
    pub db_driver: Option<String>,
    pub db_user: Option<String>,
    pub db_password: Option<String>,
    pub db_host: Option<String>,
    pub db_port: Option<u16>,
    pub db_name: Option<String>,
    pub database_pool_size: u32,
    pub database_timeout_seconds: u64,
    pub database_prepared_statements: bool,
    pub jwt_secret: Option<String>,
    pub jwt_expire_minutes: u64,
    pub jwt_issuer: String,
    pub refresh_expire_days: u64,
    pub bcrypt_cost: u32,
    pub host: String,
    pub port: u16,
    pub cors_allowed_origins: CommaList,
    pub body_timeout_seconds: u64,
    pub trusted_proxies: CommaList,
    pub rust_log: String,
}

/// The built-in defaults, the lowest layer.
impl Default for Raw {
    fn default() -> Self {
        Self {
            database_url: None,
            db_driver: None,
            db_user: None,
            db_password: None,
            db_host: None,
            db_port: None,
            db_name: None,
            database_pool_size: 16,
            database_timeout_seconds: 5,
            database_prepared_statements: true,
            jwt_secret: None,
            jwt_expire_minutes: 30,
            jwt_issuer: "agora".to_owned(),
            refresh_expire_days: 30,
            bcrypt_cost: 12,
            host: "127.0.0.1".to_owned(),
            port: 8000,
            cors_allowed_origins: CommaList::Joined(String::new()),
            body_timeout_seconds: 10,
            trusted_proxies: CommaList::Joined(String::new()),
            rust_log: "info".to_owned(),
        }
    }
}

/// The environment can only say `a,b`; `agora.toml` may also say `["a", "b"]`.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum CommaList {
    List(Vec<String>),
    Joined(String),
}

impl CommaList {
    /// Entries trimmed, empty ones dropped.
    pub fn entries(&self) -> Vec<String> {
        let pieces: Vec<&str> = match self {
            Self::List(list) => list.iter().flat_map(|item| item.split(',')).collect(),
            Self::Joined(joined) => joined.split(',').collect(),
        };
        pieces
            .into_iter()
            .map(str::trim)
            .filter(|piece| !piece.is_empty())
            .map(str::to_owned)
            .collect()
    }
}
