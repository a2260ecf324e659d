//! Rebuilds the crate when a migration is added: `embed_migrations!` reads the files it
//! finds, but cargo only tracks those, not a new directory beside them.

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
