//! Every test runs in a `figment::Jail`: a fresh current directory and an
//! environment that is restored afterwards (and cleared first here, so the
//! machine's own variables cannot leak in).

mod database;
mod errors;

use std::time::Duration;

use figment::Jail;

use super::{ConfigError, Secret, Settings};

/// Runs `test` in a jail with an empty environment.
#[allow(clippy::result_large_err, reason = "figment::Jail's own signature")]
fn jailed(test: impl FnOnce(&mut Jail)) {
    Jail::expect_with(|jail| {
        jail.clear_env();
        test(jail);
        Ok(())
    });
}

fn file(jail: &Jail, name: &str, contents: &str) {
    jail.create_file(name, contents).unwrap();
}

fn load() -> Settings {
    Settings::load().unwrap()
}

fn load_err() -> ConfigError {
    Settings::load().unwrap_err()
}

#[test]
fn defaults_apply_with_no_configuration_at_all() {
    jailed(|_| {
        let settings = load();
        assert_eq!(settings.database.url, None);
        assert_eq!(settings.database.pool_size, 16);
        assert_eq!(settings.database.timeout, Duration::from_secs(5));
        assert!(settings.database.prepared_statements);
        assert_eq!(settings.jwt.secret, None);
        assert_eq!(settings.jwt.expire, Duration::from_secs(30 * 60));
        assert_eq!(settings.bcrypt_cost, 12);
        assert_eq!(settings.host, "127.0.0.1");
        assert_eq!(settings.port, 8000);
        assert!(settings.cors_allowed_origins.is_empty());
        assert_eq!(settings.log_filter, "info");
    });
}

#[test]
fn agora_toml_sets_values_with_lower_case_keys() {
    jailed(|jail| {
        file(
            jail,
            "agora.toml",
            r#"
                database_url = "postgres://agora:pw@db:5432/agora"
                database_pool_size = 4
                database_timeout_seconds = 2
                jwt_secret = "0123456789abcdef0123456789abcdef"
                jwt_expire_minutes = 60
                bcrypt_cost = 10
                host = "0.0.0.0"
                port = 9000
                cors_allowed_origins = ["https://a.example", "http://localhost:3000"]
                rust_log = "agora=debug,info"
            "#,
        );
        let settings = load();
        assert_eq!(
            settings.database.url,
            Some(Secret::new("postgres://agora:pw@db:5432/agora"))
        );
        assert_eq!(settings.database.pool_size, 4);
        assert_eq!(settings.database.timeout, Duration::from_secs(2));
        assert_eq!(
            settings.jwt.secret,
            Some(Secret::new("0123456789abcdef0123456789abcdef"))
        );
        assert_eq!(settings.jwt.expire, Duration::from_secs(3600));
        assert_eq!(settings.bcrypt_cost, 10);
        assert_eq!(settings.host, "0.0.0.0");
        assert_eq!(settings.port, 9000);
        assert_eq!(
            settings.cors_allowed_origins,
            ["https://a.example", "http://localhost:3000"]
        );
        assert_eq!(settings.log_filter, "agora=debug,info");
    });
}

#[test]
fn dotenv_overrides_agora_toml() {
    jailed(|jail| {
        file(jail, "agora.toml", "port = 9000\nbcrypt_cost = 10\n");
        file(
            jail,
            ".env",
            "# comment\nPORT=9001\nUNRELATED_TOOL_SETTING=x\n",
        );
        let settings = load();
        assert_eq!(settings.port, 9001);
        assert_eq!(
            settings.bcrypt_cost, 10,
            "agora.toml still counts where .env is silent"
        );
    });
}

#[test]
fn environment_overrides_dotenv() {
    jailed(|jail| {
        file(jail, ".env", "PORT=9001\nHOST=0.0.0.0\n");
        jail.set_env("PORT", "9002");
        let settings = load();
        assert_eq!(settings.port, 9002);
        assert_eq!(settings.host, "0.0.0.0");
    });
}

#[test]
fn reading_dotenv_leaves_the_process_environment_alone() {
    jailed(|jail| {
        file(jail, ".env", "PORT=9001\n");
        load();
        assert!(std::env::var_os("PORT").is_none());
    });
}

#[test]
fn load_from_reads_files_in_the_given_directory() {
    jailed(|jail| {
        let dir = jail.create_dir("project").unwrap();
        file(jail, "project/agora.toml", "port = 9100\n");
        file(jail, "project/.env", "HOST=0.0.0.0\n");
        file(jail, "agora.toml", "port = 1\n");
        let settings = Settings::load_from(&dir).unwrap();
        assert_eq!(settings.port, 9100);
        assert_eq!(settings.host, "0.0.0.0");
    });
}

#[test]
fn dotenv_values_may_be_quoted_and_exported() {
    jailed(|jail| {
        file(
            jail,
            ".env",
            "export RUST_LOG=\"agora=debug, info\"\nJWT_SECRET='with spaces and a # hash, 32+ bytes'\n",
        );
        let settings = load();
        assert_eq!(settings.log_filter, "agora=debug, info");
        assert_eq!(
            settings.jwt.secret.unwrap().expose(),
            "with spaces and a # hash, 32+ bytes"
        );
    });
}

#[test]
fn strings_that_look_like_numbers_stay_strings() {
    jailed(|jail| {
        jail.set_env("JWT_SECRET", "00000000000000000000000000000000001");
        assert_eq!(
            load().jwt.secret.unwrap().expose(),
            "00000000000000000000000000000000001"
        );
    });
}

#[test]
fn cors_list_is_split_on_commas_trimmed_and_empties_dropped() {
    jailed(|jail| {
        jail.set_env(
            "CORS_ALLOWED_ORIGINS",
            " https://a.example , ,http://localhost:3000,, ",
        );
        assert_eq!(
            load().cors_allowed_origins,
            ["https://a.example", "http://localhost:3000"]
        );
    });
}

#[test]
fn cors_may_be_empty_but_never_a_wildcard() {
    jailed(|jail| {
        jail.set_env("CORS_ALLOWED_ORIGINS", "");
        assert!(load().cors_allowed_origins.is_empty());
        jail.set_env("CORS_ALLOWED_ORIGINS", "*");
        let error = load_err().to_string();
        assert!(error.contains("CORS_ALLOWED_ORIGINS"), "{error}");
    });
}

#[test]
fn trusted_proxies_are_cidrs_or_addresses_and_none_by_default() {
    jailed(|jail| {
        assert!(load().trusted_proxies.is_empty());
        jail.set_env("TRUSTED_PROXIES", " 10.0.0.0/8, 2001:db8::1 ,");
        let proxies: Vec<String> = load()
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(proxies, ["10.0.0.0/8", "2001:db8::1/128"]);
        jail.set_env("TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal");
        let error = load_err().to_string();
        assert!(
            error.contains("TRUSTED_PROXIES") && error.contains("proxy.internal"),
            "{error}"
        );
    });
}

#[test]
fn valid_edges_are_accepted() {
    jailed(|jail| {
        jail.set_env("BCRYPT_COST", "4");
        jail.set_env("PORT", "0");
        jail.set_env("DATABASE_POOL_SIZE", "1");
        jail.set_env("DATABASE_TIMEOUT_SECONDS", "1");
        jail.set_env("JWT_EXPIRE_MINUTES", "1");
        jail.set_env("JWT_SECRET", "x".repeat(32));
        jail.set_env("HOST", "::");
        jail.set_env("DATABASE_PREPARED_STATEMENTS", "false");
        let settings = load();
        assert!(!settings.database.prepared_statements);
        assert_eq!(settings.bcrypt_cost, 4);
        assert_eq!(settings.port, 0);
        assert_eq!(settings.jwt.expire, Duration::from_secs(60));
        assert_eq!(settings.host, "::");
    });
}

#[test]
fn debug_of_settings_shows_no_secret() {
    jailed(|jail| {
        jail.set_env("JWT_SECRET", "jwt-secret-jwt-secret-jwt-secret-0001");
        jail.set_env("DB_USER", "agora");
        jail.set_env("DB_PASSWORD", "db-password-42");
        jail.set_env("DB_HOST", "localhost");
        jail.set_env("DB_NAME", "agora");
        let settings = load();
        let shown = format!("{settings:?} {settings:#?}");
        assert!(!shown.contains("jwt-secret"), "{shown}");
        assert!(!shown.contains("db-password"), "{shown}");
        assert!(shown.contains("<redacted>"));
    });
}

#[test]
fn secret_prints_redacted_both_ways() {
    let secret = Secret::new("hunter2");
    assert_eq!(format!("{secret}"), "<redacted>");
    assert_eq!(format!("{secret:?}"), "<redacted>");
    assert_eq!(secret.expose(), "hunter2");
}

#[test]
fn from_figment_takes_defaults_for_what_is_missing_and_overrides_on_top() {
    jailed(|jail| {
        file(jail, "agora.toml", "port = 9000\n");
        let figment = Settings::figment(jail.directory())
            .unwrap()
            .merge(("port", 9999));
        let settings = Settings::from_figment(figment).unwrap();
        assert_eq!(settings.port, 9999);
        assert_eq!(settings.bcrypt_cost, 12);
        let empty = Settings::from_figment(figment::Figment::new()).unwrap();
        assert_eq!(empty.port, 8000);
    });
}
