//! `schema.rs` against the migrated database: the tables, columns (order,
//! type, nullability), primary keys and `joinable!` lines that
//! `diesel print-schema` would write. CI also diffs the file with diesel_cli's
//! own output; this test catches drift without diesel_cli installed.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};

use crate::testing::TestDatabase;

#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    primary_key: Vec<String>,
    /// `(name, diesel type)` in column order, e.g. `("title", "Nullable<Text>")`.
    columns: Vec<(String, String)>,
}

type Schema = BTreeMap<String, Table>;

fn parse_schema_rs(source: &str) -> (Schema, Vec<String>) {
    let mut schema = Schema::new();
    let mut joinables = Vec::new();
    let mut current: Option<String> = None;
    for line in source.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("diesel::joinable!(") {
            joinables.push(rest.trim_end_matches(");").to_owned());
        } else if let Some(header) = line.strip_suffix('{').map(str::trim)
            && let Some((name, key)) = header.split_once(' ')
            && key.starts_with('(')
        {
            let key = key.trim_matches(|c| c == '(' || c == ')');
            let table = schema.entry(name.to_owned()).or_default();
            table.primary_key = key.split(',').map(|k| k.trim().to_owned()).collect();
            current = Some(name.to_owned());
        } else if let (Some(table), Some((column, ty))) = (&current, line.split_once(" -> ")) {
            schema
                .get_mut(table)
                .unwrap()
                .columns
                .push((column.to_owned(), ty.trim_end_matches(',').to_owned()));
        } else if line == "}" {
            current = None;
        }
    }
    (schema, joinables)
}

#[derive(QueryableByName)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    udt_name: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

#[derive(QueryableByName)]
struct KeyColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

#[derive(QueryableByName)]
struct ForeignKey {
    #[diesel(sql_type = Text)]
    child: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    parent: String,
    #[diesel(sql_type = Integer)]
    between_pair: i32,
}

fn diesel_type(udt: &str) -> String {
    match udt {
        "int2" => "Int2",
        "int4" => "Int4",
        "int8" => "Int8",
        "text" => "Text",
        "varchar" => "Varchar",
        "bool" => "Bool",
        "timestamptz" => "Timestamptz",
        "timestamp" => "Timestamp",
        "date" => "Date",
        "uuid" => "Uuid",
        "jsonb" => "Jsonb",
        "bytea" => "Bytea",
        "float8" => "Float8",
        "numeric" => "Numeric",
        other => panic!("add the diesel type of `{other}` to schema_check"),
    }
    .to_owned()
}

fn read_database(conn: &mut PgConnection) -> (Schema, Vec<String>) {
    let mut schema = Schema::new();
    let columns: Vec<Column> = diesel::sql_query(
        "SELECT c.table_name::text, c.column_name::text, c.udt_name::text, \
                c.is_nullable = 'YES' AS nullable \
         FROM information_schema.columns c \
         JOIN information_schema.tables t USING (table_schema, table_name) \
         WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' \
           AND c.table_name <> '__diesel_schema_migrations' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .load(conn)
    .unwrap();
    for column in columns {
        let ty = diesel_type(&column.udt_name);
        let ty = if column.nullable {
            format!("Nullable<{ty}>")
        } else {
            ty
        };
        schema
            .entry(column.table_name)
            .or_default()
            .columns
            .push((column.column_name, ty));
    }
    let keys: Vec<KeyColumn> = diesel::sql_query(
        "SELECT k.table_name::text, k.column_name::text \
         FROM information_schema.table_constraints c \
         JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name) \
         WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = 'public' \
         ORDER BY k.table_name, k.ordinal_position",
    )
    .load(conn)
    .unwrap();
    for key in keys {
        if let Some(table) = schema.get_mut(&key.table_name) {
            table.primary_key.push(key.column_name);
        }
    }
    // print-schema writes joinable! only for a single-column foreign key and
    // only when it is the one key between the two tables.
    let foreign_keys: Vec<ForeignKey> = diesel::sql_query(
        "SELECT child.relname::text AS child, a.attname::text AS column_name, \
                parent.relname::text AS parent, \
                (count(*) OVER (PARTITION BY con.conrelid, con.confrelid))::int AS between_pair \
         FROM pg_constraint con \
         JOIN pg_class child ON child.oid = con.conrelid \
         JOIN pg_class parent ON parent.oid = con.confrelid \
         JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1] \
         WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 \
           AND child.relnamespace = 'public'::regnamespace",
    )
    .load(conn)
    .unwrap();
    let mut joinables: Vec<String> = foreign_keys
        .into_iter()
        .filter(|fk| fk.between_pair == 1)
        .map(|fk| format!("{} -> {} ({})", fk.child, fk.parent, fk.column_name))
        .collect();
    joinables.sort();
    (schema, joinables)
}

#[test]
fn schema_rs_matches_the_migrated_database() {
    let db = TestDatabase::new();
    let mut conn = PgConnection::establish(db.url()).unwrap();
    let (in_database, joinables_in_database) = read_database(&mut conn);
    let (mut in_file, mut joinables_in_file) = parse_schema_rs(include_str!("schema.rs"));
    joinables_in_file.sort();
    assert!(!in_file.is_empty());
    // Column types in the file may be qualified (`diesel::sql_types::Int8`).
    for table in in_file.values_mut() {
        for (_, ty) in &mut table.columns {
            *ty = ty.replace("diesel::sql_types::", "");
        }
    }
    assert_eq!(
        in_file, in_database,
        "crates/infra/src/schema.rs differs from the migrated database: \
         regenerate it with `diesel print-schema`"
    );
    assert_eq!(joinables_in_file, joinables_in_database);
}
