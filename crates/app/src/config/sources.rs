//! The layers under the defaults, and messages that say where a value came from.
//!
//! `.env` and the environment reach figment as plain strings: figment's own
//! `Env` provider would guess types, reading a `DB_PASSWORD` of `007` as 7.

use std::path::Path;

use figment::error::Kind;
use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};

use super::{ConfigError, DEFAULTS, Settings};

pub(super) fn layered(dir: &Path) -> Result<Figment, ConfigError> {
    let toml = Toml::file(dir.join("agora.toml"));
    // A syntax error leaves no settings to check: it is the one problem.
    if let Err(error) = toml.data() {
        let what = without_excerpts(&error.kind.to_string());
        return Err(ConfigError(vec![format!("agora.toml: {what}")]));
    }
    Ok(Figment::from(defaults())
        .merge(toml)
        .merge(dotenv(&dir.join(".env"))?)
        .merge(environment()))
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
        let known = known_keys();
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

/// The keys of [`Settings`], as serde's `deny_unknown_fields` lists them
/// when it refuses another.
fn known_keys() -> &'static [&'static str] {
    let probe = Figment::from(Serialized::default("?", 0));
    match probe.extract::<Settings>().map_err(|error| error.kind) {
        Err(Kind::UnknownField(_, known)) => known,
        _ => &[],
    }
}

fn defaults() -> Strings {
    let pairs = DEFAULTS.map(|(key, value)| (key.to_owned(), value.to_owned()));
    Strings::new(Metadata::named("the built-in default of"), pairs)
}

fn environment() -> Strings {
    let pairs = std::env::vars_os()
        .filter_map(|(name, value)| Some((name.into_string().ok()?, value.into_string().ok()?)));
    Strings::new(Metadata::named("environment variable"), pairs)
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

/// The keys of the wrong type, or unknown, each tried alone over the
/// defaults, and the settings without them: the constructors then find the
/// other problems, and a start reports all of them.
pub(super) fn type_problems(
    figment: &Figment,
    error: figment::Error,
) -> Result<(Settings, Vec<(String, String)>), ConfigError> {
    let (mut problems, mut valid) = (Vec::new(), Dict::new());
    let data = figment.data().unwrap_or_default().remove(&Profile::Default);
    for (key, value) in data.unwrap_or_default() {
        let alone = Figment::from(defaults()).merge(Serialized::default(&key, &value));
        let Err(error) = alone.extract_lossy::<Settings>() else {
            valid.insert(key, value);
            continue;
        };
        // No message quotes a value: it may be a secret.
        let what = match error.kind {
            Kind::UnknownField(..) => {
                "not a key Agora reads (agora.toml spells the keys in lower case, like `port`)"
                    .to_owned()
            }
            Kind::InvalidType(_, expected) | Kind::InvalidValue(_, expected) => {
                format!("expected {expected}")
            }
            kind => kind.to_string(),
        };
        problems.push((key.to_ascii_uppercase(), what));
    }
    let valid = Figment::from(defaults()).merge(Serialized::defaults(valid));
    match valid.extract_lossy() {
        Ok(settings) => Ok((settings, problems)),
        Err(_) => Err(ConfigError(vec![error.to_string()])),
    }
}

/// TOML parser messages quote the offending line, which may hold a secret:
/// keep only their own lines.
fn without_excerpts(message: &str) -> String {
    let lines = message.lines().map(str::trim);
    let own: Vec<_> = lines
        .filter(|l| !l.is_empty() && !l.contains('|'))
        .collect();
    own.join(": ")
}
