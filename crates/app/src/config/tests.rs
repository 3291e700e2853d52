//! Every test runs in a `figment::Jail`: a fresh current directory and an
//! environment that is restored afterwards (and cleared first here, so the
//! machine's own variables cannot leak in).

use std::time::Duration;

use figment::Jail;
use secrecy::ExposeSecret;

use super::{Config, ConfigError, Profile};

/// Runs `test` in a jail with an empty environment.
#[allow(clippy::result_large_err, reason = "figment::Jail's own signature")]
fn jailed(test: impl FnOnce(&mut Jail)) {
    Jail::expect_with(|jail| {
        jail.clear_env();
        test(jail);
        Ok(())
    });
}

/// Each of `wrong`, set as `key` in the environment, is the one problem
/// found, on a line naming the key and where its value came from.
fn each_refused_alone(jail: &mut Jail, key: &str, wrong: &[&str]) {
    let named = format!("{key} (from environment variable {key}): ");
    for value in wrong {
        jail.set_env(key, value);
        let lines = problems();
        assert_eq!(lines.len(), 1, "{key}={value}: {lines:?}");
        assert!(lines[0].starts_with(&named), "{key}={value}: {lines:?}");
    }
}

fn file(jail: &Jail, name: &str, contents: &str) {
    jail.create_file(name, contents).unwrap();
}

fn load() -> Config {
    Config::load(std::path::Path::new("")).unwrap()
}

/// The problems of loading, or else of building every part of the server.
fn problems() -> Vec<String> {
    match Config::load(std::path::Path::new("")) {
        Err(ConfigError(lines)) => lines,
        Ok(mut config) => match crate::serve::parts(&mut config) {
            Err(ConfigError(lines)) => lines,
            Ok(_) => Vec::new(),
        },
    }
}

fn url() -> String {
    let mut config = load();
    let url = config.database().expect("a database URL");
    config.finish().unwrap();
    url.expose().to_owned()
}

const SECRET: &str = "0123456789abcdef0123456789abcdef";

#[test]
fn defaults_apply_with_no_configuration_at_all() {
    jailed(|_| {
        let mut config = load();
        assert_eq!(config.profile(), Profile::Development, "a debug build");
        assert!(config.database().is_none(), "the local database");
        let s = &config.settings;
        assert_eq!(s.database_pool_size.get(), 16);
        assert_eq!(s.database_timeout_seconds.get(), 5);
        assert!(s.database_prepared_statements);
        assert_eq!(
            (s.bcrypt_cost, s.host.as_str(), s.port),
            (12, "127.0.0.1", 8000)
        );
        assert!(s.cors_allowed_origins.is_empty());
        assert_eq!(s.rust_log, "info");
        assert!(problems().is_empty(), "{:?}", problems());
    });
}

#[test]
fn the_defaults_are_env_example_which_names_every_key() {
    let lines: Vec<_> = dotenvy::from_read_iter(super::sources::DEFAULTS.as_bytes()).collect();
    let defaults: Vec<_> = lines.into_iter().map(Result::unwrap).collect();
    assert_eq!(defaults.len(), 15, "{defaults:?}");
    for key in super::sources::known_keys() {
        let key = key.to_ascii_uppercase();
        let named = super::sources::DEFAULTS.contains(&format!("{key}="));
        assert!(named, ".env.example does not name {key}");
    }
}

#[test]
fn agora_toml_sets_values_with_lower_case_keys() {
    jailed(|jail| {
        file(
            jail,
            "agora.toml",
            "database_url = \"postgres://agora:pw@db:5432/agora\"\nport = 9000\ncors_allowed_origins = \"https://a.example, http://localhost:3000\"\n",
        );
        let config = load();
        assert_eq!(config.settings.port, 9000);
        assert_eq!(config.source("PORT"), "from agora.toml");
        let origins: Vec<&str> = super::list(&config.settings.cors_allowed_origins).collect();
        assert_eq!(origins, ["https://a.example", "http://localhost:3000"]);
        assert_eq!(url(), "postgres://agora:pw@db:5432/agora");
    });
}

#[test]
fn the_environment_overrides_dotenv_which_overrides_agora_toml() {
    jailed(|jail| {
        file(
            jail,
            "agora.toml",
            "port = 9000\nbcrypt_cost = 10\nhost = \"::1\"\n",
        );
        file(
            jail,
            ".env",
            "# comment\nPORT=9001\nHOST=0.0.0.0\nUNRELATED_TOOL=x\n",
        );
        jail.set_env("PORT", "9002");
        let config = load();
        assert_eq!(config.settings.port, 9002);
        assert_eq!(config.source("PORT"), "from environment variable PORT");
        assert_eq!(config.settings.host, "0.0.0.0");
        assert_eq!(config.source("HOST"), "from .env");
        assert_eq!(config.settings.bcrypt_cost, 10);
        assert!(
            std::env::var_os("HOST").is_none(),
            "reading .env sets nothing"
        );
    });
}

#[test]
fn dotenv_values_may_be_quoted_and_exported_and_stay_strings() {
    jailed(|jail| {
        file(
            jail,
            ".env",
            "export RUST_LOG=\"agora=debug, info\"\nJWT_SECRET='with spaces and a # hash, 32+ bytes'\nDB_PASSWORD=007\n",
        );
        let config = load();
        assert_eq!(config.settings.rust_log, "agora=debug, info");
        let secret = config.settings.jwt_secret.as_ref().unwrap();
        assert_eq!(
            secret.expose_secret(),
            "with spaces and a # hash, 32+ bytes"
        );
        assert_eq!(
            config
                .settings
                .db_password
                .as_ref()
                .unwrap()
                .expose_secret(),
            "007"
        );
    });
}

#[test]
fn every_problem_is_reported_at_once_with_its_source() {
    jailed(|jail| {
        file(jail, ".env", "DATABASE_POOL_SIZE=0\n");
        jail.set_env("PORT", "eighty");
        let lines = problems();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("DATABASE_POOL_SIZE (from .env): "),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with("PORT (from environment variable PORT): "),
            "{lines:?}"
        );

        jail.set_env("PORT", "8000");
        file(jail, ".env", "");
        jail.set_env("BCRYPT_COST", "99");
        jail.set_env("JWT_SECRET", "short-hunter2");
        jail.set_env("JWT_ISSUER", "two words");
        jail.set_env("CORS_ALLOWED_ORIGINS", "https://ok.example,*");
        jail.set_env("TRUSTED_PROXIES", "10.0.0.0/8,proxy.internal");
        let lines = problems();
        let keys: Vec<&str> = lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
        assert_eq!(
            keys,
            [
                "BCRYPT_COST",
                "JWT_SECRET",
                "CORS_ALLOWED_ORIGINS",
                "TRUSTED_PROXIES"
            ],
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .all(|l| l.contains("(from environment variable ")),
            "{lines:?}"
        );
        assert!(!lines.join("\n").contains("hunter2"), "{lines:?}");

        jail.set_env("JWT_SECRET", SECRET);
        assert_eq!(problems().len(), 4, "the issuer now: {:?}", problems());
    });
}

#[test]
fn type_problems_and_constructor_problems_come_together() {
    jailed(|jail| {
        jail.set_env("PORT", "eighty");
        jail.set_env("DB_PORT", "x");
        jail.set_env("BCRYPT_COST", "99");
        let lines = problems();
        let keys: Vec<&str> = lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
        assert_eq!(
            keys,
            [
                "DB_PORT",
                "PORT",
                "DB_USER",
                "DB_HOST",
                "DB_NAME",
                "BCRYPT_COST"
            ],
            "{lines:?}"
        );
    });
}

#[test]
fn valid_edges_and_lists_are_accepted() {
    jailed(|jail| {
        jail.set_env("BCRYPT_COST", "4");
        jail.set_env("PORT", "0");
        jail.set_env("DATABASE_POOL_SIZE", "1");
        jail.set_env("JWT_EXPIRE_MINUTES", "1");
        jail.set_env("HOST", "::");
        jail.set_env("DATABASE_PREPARED_STATEMENTS", "false");
        jail.set_env(
            "CORS_ALLOWED_ORIGINS",
            " https://a.example/ , ,http://localhost:3000,, ",
        );
        jail.set_env("TRUSTED_PROXIES", " 10.0.0.0/8, 2001:db8::1 ,");
        let mut config = load();
        assert!(!config.settings.database_prepared_statements);
        let parts = crate::serve::parts(&mut config).unwrap();
        assert_eq!(
            parts.http.cors_allowed_origins,
            ["https://a.example", "http://localhost:3000"]
        );
        let proxies: Vec<String> = parts
            .http
            .trusted_proxies
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(proxies, ["10.0.0.0/8", "2001:db8::1/128"]);
        assert_eq!(parts.tokens.lifetime(), Duration::from_secs(60));
    });
}

#[test]
fn production_needs_a_database_and_a_secret_one_line_each() {
    jailed(|jail| {
        jail.set_env("AGORA_PROFILE", "production");
        let lines = problems();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].starts_with("DATABASE_URL (not set): required in the production profile"));
        assert!(lines[1].starts_with("JWT_SECRET (not set): required in the production profile"));
        jail.set_env("DATABASE_URL", "postgres://u@db/agora");
        jail.set_env("JWT_SECRET", SECRET);
        assert!(problems().is_empty(), "{:?}", problems());
        jail.set_env("AGORA_PROFILE", "staging");
        let lines = problems();
        assert!(
            lines.len() == 1
                && lines[0]
                    .starts_with("AGORA_PROFILE (from environment variable AGORA_PROFILE): "),
            "{lines:?}"
        );
    });
}

#[test]
fn development_invents_a_secret() {
    jailed(|jail| {
        jail.set_env("AGORA_PROFILE", "development");
        let mut config = load();
        assert_eq!(config.jwt_secret().unwrap().expose_secret().len(), 64);
        config.finish().unwrap();
    });
}

#[test]
fn debug_of_the_settings_shows_no_secret() {
    jailed(|jail| {
        jail.set_env("JWT_SECRET", "jwt-secret-jwt-secret-jwt-secret-0001");
        jail.set_env("DATABASE_URL", "postgres://u:db-password-42@h/db");
        let shown = format!("{:?}", load().settings);
        assert!(
            !shown.contains("jwt-secret") && !shown.contains("db-password"),
            "{shown}"
        );
    });
}

#[test]
fn syntax_errors_name_the_file_and_line_but_quote_nothing() {
    jailed(|jail| {
        file(jail, "agora.toml", "jwt_secret = \"hunter2-hunter2\n");
        let lines = problems();
        assert!(
            lines.len() == 1 && lines[0].starts_with("agora.toml: TOML parse error at line 1"),
            "{lines:?}"
        );
        assert!(!lines[0].contains("hunter2"), "{lines:?}");

        file(jail, "agora.toml", "");
        file(jail, ".env", "PORT=1\n\nJWT_SECRET='hunter2-hunter2\n");
        let lines = problems();
        assert_eq!(lines, [".env: line 3 is not KEY=VALUE syntax"]);
    });
}

#[test]
fn a_secret_of_the_wrong_type_in_toml_is_not_quoted() {
    jailed(|jail| {
        file(
            jail,
            "agora.toml",
            "jwt_secret = 12345\ncors_allowed_origins = 5\n",
        );
        let lines = problems();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines
                .iter()
                .any(|l| l == "JWT_SECRET (from agora.toml): expected a string"),
            "{lines:?}"
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("CORS_ALLOWED_ORIGINS (from agora.toml): ")),
            "{lines:?}"
        );
    });
}

#[test]
fn an_unknown_key_in_agora_toml_is_one_problem_line_and_the_rest_still_checked() {
    jailed(|jail| {
        file(jail, "agora.toml", "prot = 9000\nbcrypt_cost = 99\n");
        file(jail, ".env", "UNRELATED_TOOL=x\n");
        jail.set_env("UNRELATED_VARIABLE", "x");
        let lines = problems();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with("PROT (from agora.toml): not a key Agora reads"),
            "{lines:?}"
        );
        assert!(
            lines[1].starts_with("BCRYPT_COST (from agora.toml): "),
            "{lines:?}"
        );
    });
}

mod database {
    use super::*;

    fn set_parts(jail: &mut Jail, password: &str) {
        jail.set_env("DB_USER", "agora");
        jail.set_env("DB_PASSWORD", password);
        jail.set_env("DB_HOST", "db.example");
        jail.set_env("DB_PORT", "5433");
        jail.set_env("DB_NAME", "agora_db");
    }

    #[test]
    fn url_is_built_from_parts_percent_encoded() {
        jailed(|jail| {
            set_parts(jail, "p@ss:w/rd%");
            assert_eq!(
                url(),
                "postgres://agora:p%40ss%3Aw%2Frd%25@db.example:5433/agora_db"
            );
            jail.set_env("DB_USER", "me@corp:x");
            jail.set_env("DB_NAME", "a/b c");
            assert!(url().starts_with("postgres://me%40corp%3Ax:"), "{}", url());
            assert!(url().ends_with("@db.example:5433/a%2Fb%20c"), "{}", url());
        });
    }

    #[test]
    fn parts_from_dotenv_build_the_url_like_the_original_design() {
        jailed(|jail| {
            file(
                jail,
                ".env",
                "DB_DRIVER=psycopg2\nDB_USER=agora\nDB_PASSWORD=007\nDB_HOST=localhost\nDB_PORT=5432\nDB_NAME=agora\n",
            );
            assert_eq!(url(), "postgres://agora:007@localhost:5432/agora");
            let mut config = load();
            let named = config.database().unwrap();
            assert_eq!(named.origin, "DB_* parts (DB_USER from .env)");
            assert_eq!(named.describe(), "localhost:5432/agora");
        });
    }

    #[test]
    fn password_and_port_are_optional_and_hosts_may_be_sockets_or_ipv6() {
        jailed(|jail| {
            jail.set_env("DB_USER", "agora");
            jail.set_env("DB_HOST", "/run/postgresql");
            jail.set_env("DB_NAME", "agora");
            assert_eq!(url(), "postgres://agora@%2Frun%2Fpostgresql/agora");
            jail.set_env("DB_HOST", "::1");
            jail.set_env("DB_PORT", "5433");
            assert_eq!(url(), "postgres://agora@[::1]:5433/agora");
        });
    }

    #[test]
    fn database_url_wins_over_parts_and_may_name_a_driver() {
        jailed(|jail| {
            set_parts(jail, "pw");
            jail.set_env("DATABASE_URL", "postgres://u:p@elsewhere/db");
            assert_eq!(url(), "postgres://u:p@elsewhere/db");
            jail.set_env("DATABASE_URL", "postgresql+psycopg2://u:p@h:5432/db");
            assert_eq!(url(), "postgres://u:p@h:5432/db");
        });
    }

    #[test]
    fn another_database_or_no_url_is_refused_without_showing_it() {
        jailed(|jail| {
            for given in ["mysql://root:hunter2@db/agora", "hunter2", ""] {
                jail.set_env("DATABASE_URL", given);
                let lines = problems();
                assert!(
                    lines.len() == 1
                        && lines[0]
                            .starts_with("DATABASE_URL (from environment variable DATABASE_URL): "),
                    "{lines:?}"
                );
                assert!(!lines[0].contains("hunter2"), "{lines:?}");
            }
        });
    }

    #[test]
    fn postgres_driver_names_are_accepted_and_others_refused() {
        jailed(|jail| {
            set_parts(jail, "pw");
            for driver in ["postgresql", "PostgreSQL+psycopg2", "asyncpg", "pg"] {
                jail.set_env("DB_DRIVER", driver);
                assert!(url().starts_with("postgres://agora:pw@"), "{driver}");
            }
            jail.set_env("DB_DRIVER", "mysql");
            let lines = problems();
            assert!(
                lines.len() == 1
                    && lines[0].starts_with("DB_DRIVER (from environment variable DB_DRIVER): "),
                "{lines:?}"
            );
        });
    }

    #[test]
    fn missing_or_bad_parts_are_each_named() {
        jailed(|jail| {
            jail.set_env("DB_USER", "agora");
            jail.set_env("DB_PASSWORD", "hunter2");
            jail.set_env("DB_HOST", " ");
            jail.set_env("DB_PORT", "0");
            let lines = problems();
            let keys: Vec<&str> = lines.iter().map(|l| l.split(' ').next().unwrap()).collect();
            assert_eq!(keys, ["DB_PORT", "DB_HOST", "DB_NAME"], "{lines:?}");
            assert!(
                lines[2].starts_with("DB_NAME (not set): DB_USER is set"),
                "{lines:?}"
            );
            assert!(!lines.join("\n").contains("hunter2"));
        });
    }
}

#[test]
fn replicas_are_a_list_of_urls_and_their_allowed_lag_a_number_of_seconds() {
    jailed(|jail| {
        let parts = crate::serve::parts(&mut load()).unwrap();
        assert!(parts.replicas.is_empty(), "none by default");
        assert_eq!(parts.replica_max_lag, Duration::from_secs(2));

        jail.set_env(
            "DATABASE_REPLICA_URLS",
            " postgresql+psycopg2://a:s3cret@r1:6432/agora , ,postgres://r2/agora,",
        );
        jail.set_env("REPLICA_MAX_LAG", "0.5");
        let parts = crate::serve::parts(&mut load()).unwrap();
        let replicas: Vec<&str> = parts.replicas.iter().map(|r| r.expose()).collect();
        assert_eq!(
            replicas,
            ["postgres://a:s3cret@r1:6432/agora", "postgres://r2/agora"]
        );
        assert_eq!(parts.replica_max_lag, Duration::from_millis(500));

        jail.set_env(
            "DATABASE_REPLICA_URLS",
            "postgres://r1/agora,mysql://u:s3cret@r2/agora",
        );
        jail.set_env("REPLICA_MAX_LAG", "0");
        let lines = problems();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].starts_with(
                "DATABASE_REPLICA_URLS (from environment variable DATABASE_REPLICA_URLS): entry 2: "
            ),
            "{lines:?}"
        );
        assert!(lines[1].starts_with("REPLICA_MAX_LAG "), "{lines:?}");
        assert!(!lines.join("\n").contains("s3cret"), "{lines:?}");
    });
}

#[test]
fn the_shutdown_drain_is_whole_seconds_up_to_five_minutes() {
    jailed(|jail| {
        let drain = || {
            crate::serve::parts(&mut load())
                .unwrap()
                .http
                .shutdown_drain
        };
        assert_eq!(drain(), Duration::ZERO, "no drain by default");
        jail.set_env("SHUTDOWN_DRAIN_SECONDS", "300");
        assert_eq!(drain(), Duration::from_secs(300));
        each_refused_alone(
            jail,
            "SHUTDOWN_DRAIN_SECONDS",
            &["301", "-1", "1.5", "soon"],
        );
    });
}

#[test]
fn http_workers_are_one_a_core_unless_set_from_1_to_256() {
    jailed(|jail| {
        let workers = || crate::serve::parts(&mut load()).unwrap().http.workers;
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(workers(), cores, "the default");
        jail.set_env("HTTP_WORKERS", "1");
        assert_eq!(workers(), 1);
        jail.set_env("HTTP_WORKERS", "256");
        assert_eq!(workers(), 256);
        each_refused_alone(jail, "HTTP_WORKERS", &["257", "0", "-1", "two"]);
    });
}

#[test]
fn the_pool_is_one_to_a_thousand_connections() {
    jailed(|jail| {
        let pool_size = || crate::serve::parts(&mut load()).unwrap().pool_size;
        assert_eq!(pool_size(), 16, "the default");
        jail.set_env("DATABASE_POOL_SIZE", "1000");
        assert_eq!(pool_size(), 1000);
        each_refused_alone(jail, "DATABASE_POOL_SIZE", &["1001", "200000", "0", "-1"]);
    });
}

#[test]
fn the_checkout_timeout_is_whole_seconds_up_to_an_hour() {
    jailed(|jail| {
        let timeout = || crate::serve::parts(&mut load()).unwrap().database_timeout;
        assert_eq!(timeout(), Duration::from_secs(5), "the default");
        jail.set_env("DATABASE_TIMEOUT_SECONDS", "3600");
        assert_eq!(timeout(), Duration::from_secs(3600));
        each_refused_alone(
            jail,
            "DATABASE_TIMEOUT_SECONDS",
            &["3601", "18446744073709551615", "0", "1.5"],
        );
    });
}

#[test]
fn a_metrics_address_is_an_ip_and_port() {
    jailed(|jail| {
        assert_eq!(crate::serve::parts(&mut load()).unwrap().metrics_addr, None);
        jail.set_env("METRICS_ADDR", "127.0.0.1:9100");
        let parts = crate::serve::parts(&mut load()).unwrap();
        assert_eq!(parts.metrics_addr, Some("127.0.0.1:9100".parse().unwrap()));
        jail.set_env("METRICS_ADDR", "localhost");
        let lines = problems();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with("METRICS_ADDR "), "{lines:?}");
    });
}
