//! The migrations are embedded at compile time (`embed_migrations!`), so a
//! new or edited migration must rebuild this crate, as diesel_migrations'
//! documentation recommends. Cargo watches the directory recursively.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
