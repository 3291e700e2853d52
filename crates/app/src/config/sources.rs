//! The layers under the defaults, and the keys of the wrong type.
//!
//! `.env` and the environment reach figment as plain strings: figment's own
//! `Env` provider would guess types, reading a `DB_PASSWORD` of `007` as 7.

use std::path::Path;

use figment::error::Kind;
use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};

use super::{ConfigError, Settings};

const UNKNOWN: &str =
    "not a key Agora reads (agora.toml spells the keys in lower case, like `port`)";

/// Every key, each with its default uncommented.
pub(super) const DEFAULTS: &str = include_str!("../../../../.env.example");

pub(super) fn layered(dir: &Path) -> Result<Figment, ConfigError> {
    let toml = Toml::file(dir.join("agora.toml"));
    // A syntax error leaves no settings to check: it is the one problem.
    // The parser's message quotes the line, which may hold a secret.
    if let Err(error) = toml.data() {
        let message = error.kind.to_string();
        let own = message
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.contains('|'));
        let what = own.collect::<Vec<_>>().join(": ");
        return Err(ConfigError(vec![format!("agora.toml: {what}")]));
    }
    let environment = std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)));
    Ok(Figment::from(defaults())
        .merge(toml)
        .merge(dotenv(&dir.join(".env"))?)
        .merge(Strings::new(
            Metadata::named("environment variable"),
            environment,
        )))
}

/// `KEY=value` pairs as strings under lower-case keys, only those of
/// [`Settings`]: `.env` is often shared with docker compose or the diesel
/// CLI, and the environment holds PATH and the like.
struct Strings {
    metadata: Metadata,
    values: Dict,
}

impl Strings {
    fn new(metadata: Metadata, pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        // serde's `deny_unknown_fields` lists the known keys when it refuses another.
        let probe = Figment::from(Serialized::default("?", 0)).extract::<Settings>();
        let Err(Kind::UnknownField(_, known)) = probe.map_err(|error| error.kind) else {
            unreachable!("Settings denies unknown fields")
        };
        let values = pairs
            .into_iter()
            .filter(|(name, _)| !name.chars().any(|c| c.is_ascii_lowercase()))
            .map(|(name, value)| (name.to_ascii_lowercase(), Value::from(value)))
            .filter(|(key, _)| known.contains(&key.as_str()))
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
    let pairs = dotenvy::from_read_iter(DEFAULTS.as_bytes()).filter_map(Result::ok);
    Strings::new(Metadata::named("the built-in default of"), pairs)
}

fn dotenv(path: &Path) -> Result<Strings, ConfigError> {
    let unreadable = |what: String| ConfigError(vec![format!("{}: {what}", path.display())]);
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(error) => return Err(unreadable(error.to_string())),
    };
    match dotenvy::from_read_iter(text.as_bytes()).collect::<Result<Vec<_>, _>>() {
        Ok(pairs) => Ok(Strings::new(Metadata::from(".env file", path), pairs)),
        // dotenvy's message quotes the line, value and all: give its number.
        Err(dotenvy::Error::LineParse(line, _)) => {
            let number = text.lines().position(|l| l.trim_end() == line.trim_end());
            let at = number.map_or_else(String::new, |n| format!("line {} ", n + 1));
            Err(unreadable(format!("{at}is not KEY=VALUE syntax")))
        }
        Err(error) => Err(unreadable(error.to_string())),
    }
}

/// The settings, and each key of the wrong type or unknown with what is
/// wrong. serde stops at the first, so each is set aside in turn (its
/// default then applies) and the rest extracted again.
pub(super) fn extract(figment: &Figment) -> Result<(Settings, Vec<(String, String)>), ConfigError> {
    let mut data = figment.data().unwrap_or_default().remove(&Profile::Default);
    let (data, mut problems) = (data.get_or_insert_default(), Vec::new());
    loop {
        // Lossy: the environment and .env give strings; "8000" must read as a port.
        let valid = Figment::from(defaults()).merge(Serialized::defaults(&*data));
        let error = match valid.extract_lossy() {
            Ok(settings) => return Ok((settings, problems)),
            Err(error) => error,
        };
        // No message quotes a value: it may be a secret.
        let (key, what) = match error.kind {
            Kind::UnknownField(key, _) => (key, UNKNOWN.to_owned()),
            Kind::InvalidType(_, expected) | Kind::InvalidValue(_, expected) => {
                (error.path.concat(), format!("expected {expected}"))
            }
            kind => (error.path.concat(), kind.to_string()),
        };
        if data.remove(&key).is_none() {
            return Err(ConfigError(vec![format!("{key}: {what}")]));
        }
        problems.push((key.to_ascii_uppercase(), what));
    }
}
