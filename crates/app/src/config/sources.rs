//! The layers under the defaults: `agora.toml`, `.env`, the environment.
//!
//! Each is read here, up front, so that its own failures (a syntax error,
//! an unknown key, a value that is not UTF-8) get a one-line message that
//! quotes no value, and then handed to figment as plain strings: figment's
//! `Env` provider would guess types, turning a `DB_PASSWORD` of `007` into
//! the number 7.

use std::env::VarError;
use std::io::ErrorKind;
use std::path::Path;

use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};

use super::error::{ConfigError, display_path, without_excerpts};
use super::keys::{self, Key};

pub(super) const TOML_FILE: &str = "agora.toml";
pub(super) const DOTENV_FILE: &str = ".env";

/// `agora.toml`, then `.env` (both optional, in `dir`), then the process
/// environment, each overriding the one before.
pub(super) fn layered(dir: &Path) -> Result<Figment, ConfigError> {
    Ok(Figment::new()
        .merge(toml_file(&dir.join(TOML_FILE))?)
        .merge(dotenv_file(&dir.join(DOTENV_FILE))?)
        .merge(process_environment()?))
}

/// Values already read and checked, with where they came from.
struct Layer {
    metadata: Metadata,
    values: Dict,
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        self.metadata.clone()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.values.clone()))
    }
}

fn toml_file(path: &Path) -> Result<Layer, ConfigError> {
    let metadata = Metadata::from("TOML file", path);
    let shown = display_path(path);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == ErrorKind::NotFound => {
            return Ok(Layer {
                metadata,
                values: Dict::new(),
            });
        }
        Err(error) => return Err(ConfigError::unreadable(&shown, error)),
    };
    let mut profiles = Toml::string(&text).data().map_err(|error| {
        ConfigError::unreadable(&shown, without_excerpts(&error.kind.to_string()))
    })?;
    let values = profiles.remove(&Profile::Default).unwrap_or_default();
    // A misspelt key would otherwise be ignored without a word.
    if let Some(unknown) = values.keys().find(|name| key_by_field(name).is_none()) {
        return Err(ConfigError::unknown_key(&shown, unknown));
    }
    Ok(Layer { metadata, values })
}

fn dotenv_file(path: &Path) -> Result<Layer, ConfigError> {
    let metadata = Metadata::from(".env file", path);
    let shown = display_path(path);
    let mut values = Dict::new();
    let entries = match dotenvy::from_path_iter(path) {
        Ok(entries) => entries,
        Err(error) if error.not_found() => return Ok(Layer { metadata, values }),
        Err(error) => return Err(dotenv_error(&shown, error)),
    };
    for entry in entries {
        let (name, value) = entry.map_err(|error| dotenv_error(&shown, error))?;
        // .env is often shared with other tools (docker compose, the diesel
        // CLI): keys that are not ours are theirs, not mistakes.
        if let Some(key) = key_by_env(&name) {
            values.insert(key.field.to_owned(), Value::from(value));
        }
    }
    Ok(Layer { metadata, values })
}

fn dotenv_error(shown: &str, error: dotenvy::Error) -> ConfigError {
    match error {
        // Its message quotes the whole line, value included.
        dotenvy::Error::LineParse(line, _) => {
            let name = line.split_once('=').map(|(name, _)| name.trim());
            match name.filter(|name| is_plain_name(name)) {
                Some(name) => ConfigError::unreadable(
                    shown,
                    format_args!("the line for {name} is not KEY=VALUE syntax"),
                ),
                None => ConfigError::unreadable(shown, "a line is not KEY=VALUE syntax"),
            }
        }
        other => ConfigError::unreadable(shown, other),
    }
}

fn is_plain_name(name: &str) -> bool {
    let name = name.strip_prefix("export ").unwrap_or(name).trim();
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

fn process_environment() -> Result<Layer, ConfigError> {
    let mut values = Dict::new();
    for key in keys::ALL {
        match std::env::var(key.env) {
            Ok(value) => {
                values.insert(key.field.to_owned(), Value::from(value));
            }
            Err(VarError::NotPresent) => {}
            Err(VarError::NotUnicode(_)) => {
                return Err(ConfigError::invalid(
                    key,
                    None,
                    &format!("environment variable {}", key.env),
                    "not valid UTF-8",
                ));
            }
        }
    }
    Ok(Layer {
        metadata: Metadata::named("environment variable"),
        values,
    })
}

fn key_by_field(field: &str) -> Option<Key> {
    keys::ALL.iter().find(|key| key.field == field).copied()
}

fn key_by_env(name: &str) -> Option<Key> {
    keys::ALL.iter().find(|key| key.env == name).copied()
}
