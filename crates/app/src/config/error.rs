use std::fmt::Display;
use std::path::Path;

use figment::value::{Num, Value};
use figment::{Figment, Metadata};

use super::keys::{self, Key};

/// Why the settings could not be loaded, as one line that names the key
/// (in its environment spelling), where the value came from and what is
/// allowed, e.g. `invalid PORT = "eighty" (from environment variable PORT):
/// expected an integer 0..=65535`. Secret values (`JWT_SECRET`,
/// `DB_PASSWORD`, `DATABASE_URL`) are never part of it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    key: Option<&'static str>,
    message: String,
}

impl ConfigError {
    /// The offending key in its environment spelling, when one is to blame
    /// (not for an unreadable file, say).
    pub fn key(&self) -> Option<&str> {
        self.key
    }

    pub(super) fn invalid(
        key: Key,
        value: Option<&Value>,
        source: &str,
        problem: impl Display,
    ) -> Self {
        let message = match value.filter(|_| !key.secret) {
            Some(value) => format!(
                "invalid {} = {} (from {source}): {problem}",
                key.env,
                show(value)
            ),
            None => format!("invalid {} (from {source}): {problem}", key.env),
        };
        Self {
            key: Some(key.env),
            message,
        }
    }

    pub(super) fn missing(key: Key, why: impl Display) -> Self {
        Self {
            key: Some(key.env),
            message: format!("missing {}: {why}", key.env),
        }
    }

    pub(super) fn unreadable(source: &str, detail: impl Display) -> Self {
        Self {
            key: None,
            message: format!("could not read {source}: {detail}"),
        }
    }

    pub(super) fn unknown_key(source: &str, name: &str) -> Self {
        let known: Vec<&str> = keys::ALL.iter().map(|key| key.field).collect();
        Self {
            key: None,
            message: format!(
                "unknown key {name:?} in {source}: expected one of {}",
                known.join(", ")
            ),
        }
    }

    /// Translates a figment extraction error, which knows the key and the
    /// provider that supplied its value.
    pub(super) fn from_figment(figment: &Figment, error: figment::Error) -> Self {
        let key = error
            .path
            .first()
            .and_then(|field| keys::ALL.iter().find(|key| key.field == field))
            .copied();
        match key {
            Some(key) => {
                let source = error
                    .metadata
                    .as_ref()
                    .map(|metadata| describe(metadata, key))
                    .unwrap_or_else(|| source_of(figment, key));
                let value = figment.find_value(key.field).ok();
                Self::invalid(
                    key,
                    value.as_ref(),
                    &source,
                    format_args!("expected {}", key.expected),
                )
            }
            None => {
                let source = error
                    .metadata
                    .as_ref()
                    .map_or_else(|| "the configuration".to_owned(), |m| m.name.to_string());
                Self::unreadable(&source, without_excerpts(&error.kind.to_string()))
            }
        }
    }
}

/// Where the value `figment` holds for `key` came from.
pub(super) fn source_of(figment: &Figment, key: Key) -> String {
    figment
        .find_metadata(key.field)
        .map_or_else(|| "built-in default".to_owned(), |m| describe(m, key))
}

fn describe(metadata: &Metadata, key: Key) -> String {
    if let Some(path) = metadata.source.as_ref().and_then(|s| s.file_path()) {
        return display_path(path);
    }
    if metadata.name.contains("environment variable") {
        return format!("environment variable {}", key.env);
    }
    metadata.name.to_string()
}

/// A file's path as the operator would type it: relative to the current
/// directory when it is inside it.
pub(super) fn display_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    relative.as_deref().unwrap_or(path).display().to_string()
}

/// Parser messages quote the offending line, which may hold a secret: keep
/// only their own lines (position and diagnosis), drop the quoted excerpt.
pub(super) fn without_excerpts(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.contains('|'))
        .collect::<Vec<_>>()
        .join(": ")
}

fn show(value: &Value) -> String {
    match value {
        Value::String(_, s) => format!("{s:?}"),
        Value::Char(_, c) => format!("{c:?}"),
        Value::Bool(_, b) => b.to_string(),
        Value::Num(_, n) => show_number(*n),
        Value::Empty(..) => "nothing".to_owned(),
        Value::Dict(..) => "a table".to_owned(),
        Value::Array(..) => "a list".to_owned(),
    }
}

fn show_number(n: Num) -> String {
    match n {
        Num::U8(v) => v.to_string(),
        Num::U16(v) => v.to_string(),
        Num::U32(v) => v.to_string(),
        Num::U64(v) => v.to_string(),
        Num::U128(v) => v.to_string(),
        Num::USize(v) => v.to_string(),
        Num::I8(v) => v.to_string(),
        Num::I16(v) => v.to_string(),
        Num::I32(v) => v.to_string(),
        Num::I64(v) => v.to_string(),
        Num::I128(v) => v.to_string(),
        Num::ISize(v) => v.to_string(),
        Num::F32(v) => v.to_string(),
        Num::F64(v) => v.to_string(),
    }
}
