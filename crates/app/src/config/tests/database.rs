use super::{jailed, load, load_err};
use crate::config::Secret;

fn set_parts(jail: &mut figment::Jail, password: &str) {
    jail.set_env("DB_USER", "agora");
    jail.set_env("DB_PASSWORD", password);
    jail.set_env("DB_HOST", "db.example");
    jail.set_env("DB_PORT", "5433");
    jail.set_env("DB_NAME", "agora_db");
}

fn url() -> String {
    load().database.url.unwrap().expose().to_owned()
}

#[test]
fn url_is_built_from_parts_with_password_percent_encoded() {
    jailed(|jail| {
        set_parts(jail, "p@ss:w/rd%");
        assert_eq!(
            url(),
            "postgres://agora:p%40ss%3Aw%2Frd%25@db.example:5433/agora_db"
        );
    });
}

#[test]
fn user_and_name_are_percent_encoded_too() {
    jailed(|jail| {
        set_parts(jail, "pw");
        jail.set_env("DB_USER", "me@corp:x");
        jail.set_env("DB_NAME", "a/b c");
        assert_eq!(
            url(),
            "postgres://me%40corp%3Ax:pw@db.example:5433/a%2Fb%20c"
        );
    });
}

#[test]
fn parts_from_dotenv_build_the_url_like_the_original_design() {
    jailed(|jail| {
        jail.create_file(
            ".env",
            "DB_DRIVER=psycopg2\nDB_USER=agora\nDB_PASSWORD=007\nDB_HOST=localhost\nDB_PORT=5432\nDB_NAME=agora\n",
        )
        .unwrap();
        assert_eq!(url(), "postgres://agora:007@localhost:5432/agora");
    });
}

#[test]
fn password_and_port_are_optional() {
    jailed(|jail| {
        jail.set_env("DB_USER", "agora");
        jail.set_env("DB_HOST", "/run/postgresql");
        jail.set_env("DB_NAME", "agora");
        assert_eq!(url(), "postgres://agora@%2Frun%2Fpostgresql/agora");
    });
}

#[test]
fn ipv6_host_goes_in_brackets() {
    jailed(|jail| {
        set_parts(jail, "pw");
        jail.set_env("DB_HOST", "::1");
        assert_eq!(url(), "postgres://agora:pw@[::1]:5433/agora_db");
    });
}

#[test]
fn database_url_wins_over_parts() {
    jailed(|jail| {
        set_parts(jail, "pw");
        jail.set_env("DATABASE_URL", "postgres://u:p@elsewhere/db");
        assert_eq!(url(), "postgres://u:p@elsewhere/db");
    });
}

#[test]
fn sqlalchemy_style_url_is_accepted_as_postgres() {
    jailed(|jail| {
        jail.set_env("DATABASE_URL", "postgresql+psycopg2://u:p@h:5432/db");
        assert_eq!(url(), "postgres://u:p@h:5432/db");
        jail.set_env("DATABASE_URL", "postgresql://u:p@h/db");
        assert_eq!(url(), "postgres://u:p@h/db");
    });
}

#[test]
fn url_of_another_database_is_refused_without_showing_it() {
    jailed(|jail| {
        jail.set_env("DATABASE_URL", "mysql://u:hunter2@h/db");
        let message = load_err().to_string();
        assert!(message.starts_with("invalid DATABASE_URL (from environment variable DATABASE_URL): scheme \"mysql\" is not PostgreSQL"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    });
}

#[test]
fn empty_or_schemeless_database_url_is_refused() {
    jailed(|jail| {
        jail.set_env("DATABASE_URL", "");
        assert_eq!(load_err().key(), Some("DATABASE_URL"));
        jail.set_env("DATABASE_URL", "u:hunter2@h/db");
        let message = load_err().to_string();
        assert!(message.contains("is not a URL"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    });
}

#[test]
fn postgres_driver_names_are_accepted_and_ignored() {
    for driver in [
        "psycopg2",
        "postgresql",
        "postgres",
        "asyncpg",
        "postgresql+psycopg2",
        "PsycoPG",
    ] {
        jailed(|jail| {
            set_parts(jail, "pw");
            jail.set_env("DB_DRIVER", driver);
            assert_eq!(
                url(),
                "postgres://agora:pw@db.example:5433/agora_db",
                "{driver}"
            );
        });
    }
}

#[test]
fn other_drivers_are_refused() {
    jailed(|jail| {
        set_parts(jail, "pw");
        jail.set_env("DB_DRIVER", "mysql");
        let error = load_err();
        assert_eq!(error.key(), Some("DB_DRIVER"));
        assert!(
            error.to_string().starts_with(
                "invalid DB_DRIVER = \"mysql\" (from environment variable DB_DRIVER): expected a PostgreSQL driver name"
            ),
            "{error}"
        );
    });
}

#[test]
fn a_missing_required_part_is_named_with_the_part_that_was_set() {
    jailed(|jail| {
        jail.create_file(".env", "DB_PASSWORD=hunter2\nDB_USER=agora\nDB_HOST=h\n")
            .unwrap();
        let error = load_err();
        assert_eq!(error.key(), Some("DB_NAME"));
        let message = error.to_string();
        assert!(
            message.starts_with("missing DB_NAME: DB_USER is set (from .env)"),
            "{message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
        assert!(!message.contains('\n'));
    });
}

#[test]
fn bad_ports_are_refused() {
    for (port, shown) in [("0", "\"0\""), ("65536", "\"65536\""), ("abc", "\"abc\"")] {
        jailed(|jail| {
            set_parts(jail, "pw");
            jail.set_env("DB_PORT", port);
            let message = load_err().to_string();
            assert_eq!(
                message,
                format!(
                    "invalid DB_PORT = {shown} (from environment variable DB_PORT): expected an integer 1..=65535"
                )
            );
        });
    }
}

#[test]
fn empty_required_part_is_refused() {
    jailed(|jail| {
        set_parts(jail, "pw");
        jail.set_env("DB_HOST", " ");
        assert_eq!(load_err().key(), Some("DB_HOST"));
    });
}

#[test]
fn no_parts_means_no_url() {
    jailed(|jail| {
        jail.set_env("DB_DRIVER", "psycopg2");
        assert_eq!(load().database.url, None::<Secret>);
    });
}
