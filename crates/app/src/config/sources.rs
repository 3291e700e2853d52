//! The layers over the defaults, and the keys of the wrong type. `.env` and
//! the environment reach figment as strings (see `figment_strings`), only
//! the keys of [`Settings`]: they often hold other tools' keys.

use std::path::Path;

use figment::error::Kind;
use figment::providers::{Format, Serialized, Toml};
use figment::{Figment, Metadata, Profile, Provider};
use figment_strings::Strings;

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
    let dotenv =
        Strings::dotenv(&dir.join(".env")).map_err(|e| ConfigError(vec![e.to_string()]))?;
    Ok(Figment::from(defaults())
        .merge(toml)
        .merge(dotenv.only(known_keys()))
        .merge(Strings::environment().only(known_keys())))
}

/// The keys of [`Settings`], as `deny_unknown_fields` lists them on refusal.
pub(super) fn known_keys() -> &'static [&'static str] {
    let probe = Figment::from(Serialized::default("?", 0)).extract::<Settings>();
    match probe.map_err(|error| error.kind) {
        Err(Kind::UnknownField(_, known)) => known,
        _ => unreachable!("Settings denies unknown fields"),
    }
}

fn defaults() -> Strings {
    let pairs = dotenvy::from_read_iter(DEFAULTS.as_bytes()).filter_map(Result::ok);
    Strings::new(Metadata::named("the built-in default of"), pairs)
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
