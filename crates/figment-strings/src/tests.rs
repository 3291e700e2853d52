use figment::{Figment, Jail};
use serde::Deserialize;

use super::*;

#[derive(Debug, Deserialize)]
struct Typed {
    password: String,
    port: u16,
    flag: bool,
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn values_stay_strings_and_typed_fields_still_read_them() {
    let strings = Strings::new(
        Metadata::named("test"),
        pairs(&[("PASSWORD", "007"), ("PORT", "8000"), ("FLAG", "true")]),
    );
    let typed: Typed = Figment::from(strings).extract_lossy().unwrap();
    assert_eq!(
        (typed.password.as_str(), typed.port, typed.flag),
        ("007", 8000, true)
    );
}

#[test]
#[allow(clippy::result_large_err, reason = "figment::Jail's own signature")]
fn figments_own_env_would_have_lost_the_zeros() {
    Jail::expect_with(|jail| {
        jail.clear_env();
        jail.set_env("PASSWORD", "007");
        let guessed =
            Figment::from(figment::providers::Env::raw()).extract_inner::<String>("password");
        assert!(guessed.is_err(), "{guessed:?}");
        let kept = Figment::from(Strings::environment()).extract_inner::<String>("password");
        assert_eq!(kept.unwrap(), "007");
        Ok(())
    });
}

#[test]
fn lower_case_names_are_skipped_and_only_keeps_the_named_keys() {
    let strings = Strings::new(
        Metadata::named("test"),
        pairs(&[("http_proxy", "x"), ("PORT", "1"), ("PATH", "/bin")]),
    );
    let keys = |s: &Strings| s.values.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&strings), ["path", "port"]);
    assert_eq!(keys(&strings.only(&["port", "host"])), ["port"]);
}

#[test]
fn a_missing_dotenv_file_is_no_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let strings = Strings::dotenv(&dir.path().join(".env")).unwrap();
    assert!(strings.values.is_empty());
}

#[test]
fn a_dotenv_file_is_read_and_named_in_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(
        &path,
        "# a comment\nexport PORT=9000\nSECRET='with spaces # and a hash'\n",
    )
    .unwrap();
    let figment = Figment::from(Strings::dotenv(&path).unwrap());
    assert_eq!(
        figment.extract_inner::<String>("secret").unwrap(),
        "with spaces # and a hash"
    );
    let metadata = figment.find_metadata("port").unwrap();
    assert_eq!(metadata.name, ".env file");
}

#[test]
fn a_syntax_error_names_its_line_and_never_quotes_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".env");
    std::fs::write(&path, "PORT=9000\n\nSECRET hunter2\n").unwrap();
    let error = Strings::dotenv(&path).unwrap_err();
    assert_eq!(error.what, "line 3 is not KEY=VALUE syntax");
    assert!(!error.to_string().contains("hunter2"), "{error}");
}
