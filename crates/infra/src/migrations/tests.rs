use diesel::prelude::*;
use diesel::sql_types::Bool;

use super::*;
use crate::testing::TestDatabase;

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = Bool)]
    exists: bool,
}

fn users_table_exists(url: &str) -> bool {
    let mut conn = PgConnection::establish(url).unwrap();
    diesel::sql_query("SELECT to_regclass('public.users') IS NOT NULL AS exists")
        .get_result::<Exists>(&mut conn)
        .unwrap()
        .exists
}

#[test]
fn migrations_go_up_all_the_way_down_and_up_again() {
    let db = TestDatabase::empty();
    let url = db.url();
    let known = known_names().unwrap();
    assert!(!known.is_empty());
    assert_eq!(pending(url).unwrap(), known);

    assert_eq!(run_pending(url).unwrap(), known);
    assert!(users_table_exists(url));
    assert!(pending(url).unwrap().is_empty());
    assert!(status(url).unwrap().iter().all(|m| m.applied));
    assert!(
        run_pending(url).unwrap().is_empty(),
        "a second run applies nothing"
    );

    let mut reverted = Vec::new();
    while let Some(name) = revert_last(url).unwrap() {
        reverted.push(name);
    }
    reverted.reverse();
    assert_eq!(reverted, known, "every migration reverts, newest first");
    assert!(!users_table_exists(url));
    assert!(status(url).unwrap().iter().all(|m| !m.applied));

    assert_eq!(run_pending(url).unwrap(), known);
    assert!(users_table_exists(url));
}

#[test]
fn status_lists_every_migration_oldest_first() {
    let db = TestDatabase::new();
    let status = status(db.url()).unwrap();
    let names: Vec<_> = status.iter().map(|m| m.name.clone()).collect();
    assert_eq!(names, known_names().unwrap());
    assert!(status.iter().all(|m| m.applied));
    assert!(names[0].ends_with("_create_users"), "{names:?}");
}

#[test]
fn an_unreachable_database_is_a_one_line_error() {
    let error = status("postgres://agora:secret@127.0.0.1:1/agora").unwrap_err();
    let message = error.to_string();
    assert!(!message.contains('\n'), "{message}");
    assert!(message.contains("127.0.0.1:1/agora"), "{message}");
    assert!(!message.contains("secret"), "{message}");
}

/// Every search reads its trigram indexes' pending lists whole, so the
/// migrations keep them short (docs/performance.md, finding 23).
#[test]
fn the_search_indexes_keep_their_pending_lists_short() {
    use diesel::sql_types::{Array, Nullable, Text};

    #[derive(QueryableByName, Debug)]
    struct IndexOptions {
        #[diesel(sql_type = Text)]
        name: String,
        #[diesel(sql_type = Nullable<Array<Text>>)]
        options: Option<Vec<String>>,
    }

    let db = TestDatabase::new();
    let mut conn = PgConnection::establish(db.url()).unwrap();
    let indexes: Vec<IndexOptions> = diesel::sql_query(
        "SELECT relname::text AS name, reloptions AS options FROM pg_class \
         WHERE relname IN ('posts_title_folded_trgm', 'posts_content_folded_trgm') \
         ORDER BY relname",
    )
    .load(&mut conn)
    .unwrap();
    assert_eq!(indexes.len(), 2, "{indexes:?}");
    for index in &indexes {
        let options = index.options.as_deref().unwrap_or_default();
        assert!(
            options.iter().any(|o| o == "gin_pending_list_limit=256"),
            "{}: {options:?}",
            index.name
        );
    }
}
