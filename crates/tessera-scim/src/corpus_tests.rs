//! Loads every file of `fixtures/scim/corpus`: each must be accepted.

use crate::filter::{matches, parse_filter};
use crate::patch::{apply_user_patch, group_deltas, normalise_patch};
use crate::query::parse_list_query;
use crate::resource::User;
use serde_json::{Value, json};
use std::path::PathBuf;

pub(crate) fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/scim/corpus")
}

pub(crate) fn lines(file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(corpus_dir().join(file)).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) fn patch_bodies() -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_dir().join("patch"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let body = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            (name, body)
        })
        .collect()
}

#[test]
fn every_corpus_filter_parses_and_round_trips() {
    let filters = lines("filters.txt");
    assert!(filters.len() >= 30);
    let user = json!({"userName": "kim@example.com", "active": true});
    for text in filters {
        let filter = parse_filter(&text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(parse_filter(&filter.to_string()).unwrap(), filter, "{text}");
        matches(&filter, &user);
    }
}

#[test]
fn every_corpus_query_parses() {
    for raw in lines("queries.txt") {
        parse_list_query(&raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
    }
}

#[test]
fn every_corpus_patch_applies() {
    let user = User::from_json(json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "id": "u-1", "userName": "kim@example.com", "active": true
    }))
    .unwrap();
    let bodies = patch_bodies();
    assert!(bodies.len() >= 15);
    for (name, body) in bodies {
        let ops = normalise_patch(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name.starts_with("group-") {
            let deltas = group_deltas(&ops, "g-1").unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!deltas.is_empty(), "{name}");
        } else {
            apply_user_patch(&user, &ops).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
