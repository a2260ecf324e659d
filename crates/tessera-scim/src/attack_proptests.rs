//! Property tests with inputs shaped like attacks on the filter, path, query and PATCH
//! parsers: deep nesting, long `and`/`or` chains, huge strings, many operations, deep
//! paths and value paths. Each input must be answered (`Ok` or a clear `Err`) within a
//! time bound, never by a panic or unbounded recursion (a stack overflow would kill
//! the server process, and the test binary with it).

use crate::filter::{MAX_FILTER_DEPTH, MAX_FILTER_LEN, MAX_FILTER_TERMS, parse_filter, parse_path};
use crate::patch::{MAX_PATCH_OPERATIONS, apply_user_patch, group_deltas, normalise_patch};
use crate::query::parse_list_query;
use crate::resource::User;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Generous for a debug build on a loaded machine; linear work on 16 KiB is ~1 ms.
const BOUND: Duration = Duration::from_millis(500);
/// For a whole PATCH body of up to [`BODY_LIMIT`] bytes, parsed and applied.
const BODY_BOUND: Duration = Duration::from_secs(3);
/// The server's default request body limit.
const BODY_LIMIT: usize = 1024 * 1024;

fn within<T>(bound: Duration, what: &str, work: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = work();
    let took = started.elapsed();
    assert!(took < bound, "{what} took {took:?}");
    result
}

fn within_bound<T>(what: &str, work: impl FnOnce() -> T) -> T {
    within(BOUND, what, work)
}

/// One nesting level of a filter: an opening and the matching closing text.
fn level() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop_oneof![
        Just(("(", ")")),
        Just(("not (", ")")),
        Just(("emails[", "]")),
        Just(("(userName pr or ", ")")),
    ]
}

/// Nested filters, from a few levels to far past the cap.
fn nested() -> impl Strategy<Value = (usize, String)> {
    (proptest::collection::vec(level(), 1..8), 1usize..5000).prop_map(|(levels, depth)| {
        let (mut open, mut close) = (String::new(), String::new());
        for i in 0..depth {
            let (o, c) = levels[i % levels.len()];
            open.push_str(o);
            close.insert_str(0, c);
        }
        (depth, format!("{open}value eq \"x\"{close}"))
    })
}

/// `a and b or c …` chains of many terms.
fn chain() -> impl Strategy<Value = (usize, String)> {
    let joiner = prop_oneof![Just(" and "), Just(" or "), Just(" AND "), Just(" Or ")];
    (proptest::collection::vec(joiner, 1..4), 1usize..3000).prop_map(|(joiners, terms)| {
        let mut text = String::from(r#"userName eq "a""#);
        for i in 1..terms {
            text.push_str(joiners[i % joiners.len()]);
            text.push_str(r#"emails[type eq "work" and value co "@x"]"#);
        }
        (terms, text)
    })
}

/// Huge literals and words, escaped or not, around the length cap.
fn huge() -> impl Strategy<Value = String> {
    let size = (MAX_FILTER_LEN - 64)..(MAX_FILTER_LEN * 4);
    prop_oneof![
        size.clone()
            .prop_map(|n| format!(r#"userName eq "{}""#, "a".repeat(n))),
        size.clone()
            .prop_map(|n| format!(r#"userName eq "{}""#, "\\\"".repeat(n / 2))),
        size.clone().prop_map(|n| format!("{} pr", "a".repeat(n))),
        size.clone()
            .prop_map(|n| format!("userName eq {}", "9".repeat(n))),
        size.prop_map(|n| "a.".repeat(n / 2)),
    ]
}

/// PATCH paths shaped like attacks: deep dotted paths, nested and chained value paths.
fn hostile_path() -> impl Strategy<Value = String> {
    prop_oneof![
        (1usize..2000).prop_map(|n| vec!["name"; n].join(".")),
        (1usize..2000).prop_map(|n| format!(
            "{}value eq \"x\"{}",
            "emails[".repeat(n),
            "]".repeat(n)
        )),
        (1usize..600).prop_map(|n| format!("members[{}]", vec![r#"value eq "u""#; n].join(" or "))),
        (1usize..2000).prop_map(|n| format!("emails[type eq \"work\"]{}", ".value".repeat(n))),
        (1usize..500).prop_map(|n| format!("urn:{}:User:manager", vec!["x"; n].join(":"))),
    ]
}

/// PatchOp bodies with many operations, big member lists, and hostile paths.
fn hostile_patch() -> impl Strategy<Value = String> {
    let operation = prop_oneof![
        hostile_path().prop_map(|path| json!({"op": "remove", "path": path})),
        hostile_path().prop_map(|path| json!({"op": "replace", "path": path, "value": "x"})),
        (1usize..50).prop_map(|n| json!({"op": "add", "path": "members",
            "value": (0..n).map(|i| json!({"value": format!("u{i}")})).collect::<Vec<_>>()})),
        Just(json!({"op": "replace", "value": {"name.givenName": "x", "active": "False"}})),
    ];
    (
        proptest::collection::vec(operation, 1..4),
        1usize..(MAX_PATCH_OPERATIONS * 2),
    )
        .prop_map(|(kinds, count)| {
            // At most what the server's default body limit (1 MiB) lets through.
            let mut size = 0;
            let operations: Vec<Value> = (0..count)
                .map(|i| kinds[i % kinds.len()].clone())
                .take_while(|op| {
                    size += op.to_string().len();
                    size < BODY_LIMIT
                })
                .collect();
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                   "Operations": operations})
            .to_string()
        })
}

/// Nested JSON arrays as deep as a body can be before serde_json's own limit.
fn deep_json() -> impl Strategy<Value = String> {
    (1usize..400).prop_map(|depth| {
        format!(
            r#"{{"Operations":[{{"op":"add","path":"emails","value":{}1{}}}]}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    })
}

fn parse_and_apply_patch(text: &str) {
    let Ok(body) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if let Ok(ops) = normalise_patch(&body) {
        assert!(
            ops.len() <= MAX_PATCH_OPERATIONS * 4,
            "{} operations",
            ops.len()
        );
        let user = User::from_json(json!({"id": "u-1", "userName": "kim"})).unwrap();
        let _ = apply_user_patch(&user, &ops);
        let _ = group_deltas(&ops, "g-1");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn deep_nesting_is_refused_past_the_cap_in_bounded_time((depth, text) in nested()) {
        let parsed = within_bound("nested filter", || parse_filter(&text));
        if depth > MAX_FILTER_DEPTH {
            prop_assert!(parsed.is_err(), "depth {} accepted", depth);
        }
        within_bound("nested path", || parse_path(&text).is_ok());
    }

    #[test]
    fn long_chains_are_refused_past_the_term_cap_in_bounded_time((terms, text) in chain()) {
        let parsed = within_bound("chain", || parse_filter(&text));
        let comparisons = 1 + 2 * (terms - 1);
        if comparisons > MAX_FILTER_TERMS || text.len() > MAX_FILTER_LEN {
            prop_assert!(parsed.is_err(), "{} terms accepted", terms);
        }
        if let Ok(filter) = parsed {
            within_bound("print and reparse", || parse_filter(&filter.to_string()).is_ok());
        }
    }

    #[test]
    fn huge_strings_are_refused_past_the_length_cap(text in huge()) {
        let parsed = within_bound("huge filter", || parse_filter(&text));
        if text.len() > MAX_FILTER_LEN {
            prop_assert!(parsed.is_err());
        }
        within_bound("huge path", || parse_path(&text).is_ok());
        let query = format!("filter={}", form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>());
        within_bound("huge query", || parse_list_query(&query).is_ok());
    }

    #[test]
    fn hostile_paths_answer_in_bounded_time(path in hostile_path()) {
        within_bound("path", || parse_path(&path).is_ok());
    }

    #[test]
    fn hostile_patch_bodies_answer_in_bounded_time(text in hostile_patch()) {
        within(BODY_BOUND, "patch", || parse_and_apply_patch(&text));
    }

    #[test]
    fn deeply_nested_json_values_never_overflow_the_stack(text in deep_json()) {
        within_bound("deep json patch", || parse_and_apply_patch(&text));
    }
}
