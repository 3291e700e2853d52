//! The layers under the defaults, and messages that say where a value came from.
//!
//! `.env` and the environment reach figment as plain strings: figment's own
//! `Env` provider would guess types, reading a `DB_PASSWORD` of `007` as 7.

use std::path::Path;

use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Empty, Map, Tag, Value};
use figment::{Figment, Metadata, Profile, Provider};

use super::{ConfigError, DEFAULTS, Settings};

/// Keys whose values no message may quote.
const SECRET_KEYS: [&str; 3] = ["database_url", "db_password", "jwt_secret"];

pub(super) fn layered(dir: &Path) -> Result<Figment, ConfigError> {
    Ok(Figment::from(defaults())
        .merge(Toml::file(dir.join("agora.toml")))
        .merge(dotenv(&dir.join(".env"))?)
        .merge(environment()))
}

/// `KEY=value` pairs as strings under lower-case keys; keys that are not
/// ours (`.env` is often shared with docker compose or the diesel CLI) are
/// simply never read.
struct Strings {
    metadata: Metadata,
    values: Dict,
}

impl Strings {
    fn new(metadata: Metadata, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let values = pairs
            .into_iter()
            .filter(|(name, _)| !name.chars().any(|c| c.is_ascii_lowercase()))
            .map(|(name, value)| (name.to_ascii_lowercase(), Value::from(value)))
            .collect();
        Self { metadata, values }
    }
}

impl Provider for Strings {
    fn metadata(&self) -> Metadata {
        self.metadata.clone()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.values.clone()))
    }
}

fn defaults() -> Strings {
    let pairs = DEFAULTS.map(|(key, value)| (key.to_owned(), value.to_owned()));
    Strings::new(Metadata::named("built-in default"), pairs)
}

fn environment() -> Strings {
    let pairs = std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)));
    Strings::new(Metadata::named("environment variable"), pairs)
}

fn dotenv(path: &Path) -> Result<Strings, ConfigError> {
    let metadata = Metadata::from(".env file", path);
    let unreadable = |what: String| ConfigError(vec![format!("{}: {what}", path.display())]);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => return Err(unreadable(error.to_string())),
    };
    let pairs: Result<Vec<_>, _> = dotenvy::from_read_iter(text.as_bytes()).collect();
    match pairs {
        Ok(pairs) => Ok(Strings::new(metadata, pairs)),
        // dotenvy's message quotes the line, value and all: give its number.
        Err(dotenvy::Error::LineParse(line, _)) => {
            let number = text.lines().position(|l| l.trim_end() == line.trim_end());
            let at = number.map_or_else(String::new, |n| format!("line {} ", n + 1));
            Err(unreadable(format!("{at}is not KEY=VALUE syntax")))
        }
        Err(error) => Err(unreadable(error.to_string())),
    }
}

/// Every key of the wrong type, each tried alone over the defaults, and the
/// figment with each of them back at its default (or unset), so that the
/// constructors can still find the other problems; or, with no figment, the
/// files that could not be read at all.
pub(super) fn type_problems(
    figment: &Figment,
    error: figment::Error,
) -> (Vec<String>, Option<Figment>) {
    let unreadable: Vec<String> = error
        .into_iter()
        .filter(|error| error.path.is_empty())
        .map(|error| {
            let source = error.metadata.and_then(|m| m.source);
            let source = source.map_or("configuration".into(), |s| s.to_string());
            format!("{source}: {}", without_excerpts(&error.kind.to_string()))
        })
        .collect();
    if !unreadable.is_empty() {
        return (unreadable, None);
    }
    let data = figment.data().unwrap_or_default();
    let keys = data.get(&Profile::Default).into_iter().flat_map(Dict::iter);
    let mut repaired = figment.clone();
    let problems = keys
        .filter_map(|(key, value)| {
            let alone = Figment::from(defaults()).merge(Serialized::default(key, value));
            let error = alone.extract_lossy::<Settings>().err()?;
            let default = defaults().values.get(key).cloned();
            let unset = Value::Empty(Tag::Default, Empty::None);
            repaired = repaired
                .clone()
                .merge(Serialized::default(key, default.unwrap_or(unset)));
            let what = if SECRET_KEYS.contains(&key.as_str()) {
                "must be a string".to_owned()
            } else {
                error.kind.to_string()
            };
            let env = key.to_ascii_uppercase();
            Some(format!("{env} ({}): {what}", describe(figment, &env)))
        })
        .collect();
    (problems, Some(repaired))
}

/// `from environment variable PORT`, `from agora.toml`, or `not set`.
pub(super) fn describe(figment: &Figment, env_key: &str) -> String {
    let Some(metadata) = figment.find_metadata(&env_key.to_ascii_lowercase()) else {
        return "not set".to_owned();
    };
    match &metadata.source {
        Some(file) => format!("from {file}"),
        None if metadata.name == "environment variable" => {
            format!("from {} {env_key}", metadata.name)
        }
        None => metadata.name.to_string(),
    }
}

/// TOML parser messages quote the offending line, which may hold a secret:
/// keep only their own lines.
fn without_excerpts(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.contains('|'))
        .collect::<Vec<_>>()
        .join(": ")
}
