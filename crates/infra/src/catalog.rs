//! The few PostgreSQL system catalogs infra reads.

diesel::table! {
    pg_database (datname) {
        datname -> Text,
        datistemplate -> Bool,
    }
}
