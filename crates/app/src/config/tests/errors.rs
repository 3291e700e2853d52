use super::{file, jailed, load_err};

fn assert_one_line(message: &str) {
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn invalid_port_names_port_and_the_environment() {
    jailed(|jail| {
        jail.set_env("PORT", "eighty");
        let error = load_err();
        assert_eq!(error.key(), Some("PORT"));
        assert_eq!(
            error.to_string(),
            "invalid PORT = \"eighty\" (from environment variable PORT): expected an integer 0..=65535"
        );
    });
}

#[test]
fn invalid_port_names_the_file_it_came_from() {
    jailed(|jail| {
        file(jail, "agora.toml", "port = 70000\n");
        assert_eq!(
            load_err().to_string(),
            "invalid PORT = 70000 (from agora.toml): expected an integer 0..=65535"
        );
        file(jail, ".env", "PORT=-1\n");
        assert_eq!(
            load_err().to_string(),
            "invalid PORT = \"-1\" (from .env): expected an integer 0..=65535"
        );
    });
}

#[test]
fn short_or_empty_jwt_secret_is_refused_without_showing_it() {
    for secret in ["", "short-secret-31-bytes-long-abcd"] {
        jailed(|jail| {
            file(jail, ".env", &format!("JWT_SECRET={secret}\n"));
            let error = load_err();
            assert_eq!(error.key(), Some("JWT_SECRET"));
            let message = error.to_string();
            assert!(
                message.starts_with(&format!(
                    "invalid JWT_SECRET (from .env): must be at least 32 bytes long, got {}",
                    secret.len()
                )),
                "{message}"
            );
            assert!(secret.is_empty() || !message.contains(secret), "{message}");
            assert_one_line(&message);
        });
    }
}

#[test]
fn bcrypt_cost_out_of_range_is_refused() {
    jailed(|jail| {
        jail.set_env("BCRYPT_COST", "3");
        assert_eq!(
            load_err().to_string(),
            "invalid BCRYPT_COST = \"3\" (from environment variable BCRYPT_COST): expected an integer 4..=31"
        );
        jail.set_env("BCRYPT_COST", "32");
        assert_eq!(load_err().key(), Some("BCRYPT_COST"));
    });
}

#[test]
fn zero_counts_and_durations_are_refused() {
    for key in [
        "DATABASE_POOL_SIZE",
        "DATABASE_TIMEOUT_SECONDS",
        "JWT_EXPIRE_MINUTES",
    ] {
        jailed(|jail| {
            jail.set_env(key, "0");
            assert_eq!(load_err().key(), Some(key));
        });
    }
}

#[test]
fn bad_host_log_filter_and_origins_are_refused() {
    for (key, value) in [
        ("HOST", "local host"),
        ("HOST", ""),
        ("RUST_LOG", "agora=loud"),
        ("RUST_LOG", " "),
        ("CORS_ALLOWED_ORIGINS", "https://a.example/path"),
        ("CORS_ALLOWED_ORIGINS", "*"),
        ("CORS_ALLOWED_ORIGINS", "a.example"),
    ] {
        jailed(|jail| {
            jail.set_env(key, value);
            let error = load_err();
            assert_eq!(error.key(), Some(key), "{value:?}: {error}");
            assert!(
                error
                    .to_string()
                    .contains(&format!("(from environment variable {key})")),
                "{error}"
            );
            assert_one_line(&error.to_string());
        });
    }
}

#[test]
fn unknown_key_in_agora_toml_is_refused() {
    jailed(|jail| {
        file(jail, "agora.toml", "prot = 8000\n");
        let message = load_err().to_string();
        assert!(
            message
                .starts_with("unknown key \"prot\" in agora.toml: expected one of database_url,"),
            "{message}"
        );
        file(jail, "agora.toml", "PORT = 8000\n");
        assert!(load_err().to_string().starts_with("unknown key \"PORT\""));
    });
}

#[test]
fn toml_syntax_error_does_not_quote_the_line() {
    jailed(|jail| {
        file(jail, "agora.toml", "jwt_secret = \"hunter2-hunter2\n");
        let message = load_err().to_string();
        assert!(
            message.starts_with("could not read agora.toml: TOML parse error at line 1"),
            "{message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
        assert_one_line(&message);
    });
}

#[test]
fn dotenv_syntax_error_does_not_quote_the_line() {
    jailed(|jail| {
        file(jail, ".env", "JWT_SECRET='hunter2-hunter2\n");
        let message = load_err().to_string();
        assert!(message.starts_with("could not read .env:"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        assert_one_line(&message);
    });
}

#[test]
fn wrong_type_in_toml_names_the_key() {
    jailed(|jail| {
        file(jail, "agora.toml", "cors_allowed_origins = 5\n");
        assert_eq!(
            load_err().to_string(),
            "invalid CORS_ALLOWED_ORIGINS = 5 (from agora.toml): expected a comma-separated list of origins like https://example.com,http://localhost:3000"
        );
        file(
            jail,
            "agora.toml",
            "db_password = 5\ndb_user = \"u\"\ndb_host = \"h\"\ndb_name = \"n\"\n",
        );
        assert_eq!(
            load_err().to_string(),
            "invalid DB_PASSWORD (from agora.toml): expected a string"
        );
    });
}
