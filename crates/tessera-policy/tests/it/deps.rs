//! The engine does no I/O: its manifest names only the allowed dependencies.

// covers S1: nothing here can call out, to the IdP or anywhere
#[test]
fn the_engine_depends_on_nothing_that_does_io() {
    let manifest = include_str!("../../Cargo.toml");
    let dependencies = manifest
        .split("[dependencies]")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .unwrap();
    let names: Vec<&str> = dependencies
        .lines()
        .filter_map(|line| line.split(['.', ' ', '=']).next())
        .filter(|name| !name.is_empty())
        .collect();
    let allowed = [
        "tessera-core",
        "thiserror",
        "serde",
        "serde_json",
        "chrono",
        "uuid",
    ];
    for name in &names {
        assert!(
            allowed.contains(name),
            "{name} is not an allowed dependency"
        );
    }
    assert_eq!(names.len(), allowed.len());
}
