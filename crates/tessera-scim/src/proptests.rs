//! Property tests over the filter parser and the PATCH normaliser: no input panics, and
//! what parses prints back to text that parses to the same tree.

use crate::corpus_tests::{lines, patch_bodies};
use crate::filter::{AttrPath, CompValue, CompareOp, Filter, parse_filter, parse_path};
use crate::patch::{PatchOperation, apply_user_patch, group_deltas, normalise_patch};
use crate::resource::User;
use proptest::prelude::*;
use serde_json::{Value, json};

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("userName".to_owned()),
        Just("emails".to_owned()),
        Just("members".to_owned()),
        Just("displayName".to_owned()),
        "[a-zA-Z][a-zA-Z0-9_-]{0,8}",
    ]
}

fn attr_path() -> impl Strategy<Value = AttrPath> {
    let urn = prop_oneof![
        Just(None),
        Just(Some(crate::urn::USER.to_owned())),
        Just(Some(crate::urn::ENTERPRISE_USER.to_owned())),
        Just(Some("urn:acme:scim:1.0:User".to_owned())),
    ];
    (urn, name(), proptest::option::of(name())).prop_map(|(urn, name, sub_attr)| AttrPath {
        urn,
        name,
        sub_attr,
    })
}

fn comp_value() -> impl Strategy<Value = CompValue> {
    prop_oneof![
        any::<bool>().prop_map(CompValue::Bool),
        Just(CompValue::Null),
        any::<i64>().prop_map(|n| CompValue::Number(n.into())),
        (-1e9f64..1e9).prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(CompValue::Number)),
        any::<String>().prop_map(CompValue::Str),
    ]
}

fn op() -> impl Strategy<Value = CompareOp> {
    proptest::sample::select(vec![
        CompareOp::Eq,
        CompareOp::Ne,
        CompareOp::Co,
        CompareOp::Sw,
        CompareOp::Ew,
        CompareOp::Gt,
        CompareOp::Ge,
        CompareOp::Lt,
        CompareOp::Le,
    ])
}

fn attr_exp() -> impl Strategy<Value = Filter> {
    prop_oneof![
        attr_path().prop_map(Filter::Present),
        (attr_path(), op(), comp_value()).prop_map(|(p, o, v)| Filter::Compare(p, o, v)),
    ]
}

fn logical(inner: impl Strategy<Value = Filter> + Clone) -> impl Strategy<Value = Filter> {
    prop_oneof![
        inner.clone().prop_map(|f| Filter::Not(Box::new(f))),
        proptest::collection::vec(inner.clone(), 2..4).prop_map(|items| items
            .into_iter()
            .reduce(Filter::and)
            .unwrap_or(Filter::And(vec![]))),
        proptest::collection::vec(inner, 2..4).prop_map(|items| items
            .into_iter()
            .reduce(Filter::or)
            .unwrap_or(Filter::Or(vec![]))),
    ]
}

fn val_filter() -> impl Strategy<Value = Filter> {
    attr_exp().prop_recursive(3, 12, 3, logical)
}

fn filter() -> impl Strategy<Value = Filter> {
    let leaf = prop_oneof![
        4 => attr_exp(),
        1 => (name(), val_filter()).prop_map(|(n, f)| Filter::ValuePath(AttrPath::new(n), Box::new(f))),
    ];
    leaf.prop_recursive(4, 24, 3, logical)
}

/// Canonical form: what the parser builds (and/or flattened, and-ed value-path subs).
fn canonical(filter: Filter) -> Filter {
    match filter {
        Filter::Not(inner) => Filter::Not(Box::new(canonical(*inner))),
        Filter::And(items) => items
            .into_iter()
            .map(canonical)
            .reduce(Filter::and)
            .unwrap_or(Filter::And(vec![])),
        Filter::Or(items) => items
            .into_iter()
            .map(canonical)
            .reduce(Filter::or)
            .unwrap_or(Filter::Or(vec![])),
        Filter::ValuePath(p, inner) => Filter::ValuePath(p, Box::new(canonical(*inner))),
        leaf => leaf,
    }
}

/// A corpus line with a few random edits.
fn mutated(seeds: Vec<String>) -> impl Strategy<Value = String> {
    let edit = (any::<prop::sample::Index>(), any::<char>(), 0..3u8);
    (
        proptest::sample::select(seeds),
        proptest::collection::vec(edit, 0..6),
    )
        .prop_map(|(seed, edits)| {
            let mut chars: Vec<char> = seed.chars().collect();
            for (index, ch, kind) in edits {
                let at = index.index(chars.len() + 1);
                match kind {
                    0 => chars.insert(at, ch),
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ if at < chars.len() => chars[at] = ch,
                    _ => {}
                }
            }
            chars.into_iter().collect()
        })
}

fn round_trips(text: &str) {
    if let Ok(parsed) = parse_filter(text) {
        let printed = parsed.to_string();
        assert_eq!(
            parse_filter(&printed),
            Ok(parsed),
            "{text:?} printed as {printed:?}"
        );
    }
    if let Ok(path) = parse_path(text) {
        assert_eq!(parse_path(&path.to_string()), Ok(path), "{text:?}");
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(|n| json!(n)),
        prop_oneof![
            Just("True".to_owned()),
            Just("x".to_owned()),
            any::<String>()
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        let key = prop_oneof![
            Just("op".to_owned()),
            Just("path".to_owned()),
            Just("value".to_owned()),
            Just("Operations".to_owned()),
            Just("schemas".to_owned()),
            Just("members".to_owned()),
            Just("active".to_owned()),
            Just("primary".to_owned()),
            Just("name.givenName".to_owned()),
            Just("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".to_owned()),
            Just("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager".to_owned()),
            "[a-zA-Z.:\\[\\] \"]{0,12}",
        ];
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map(key, inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn operation() -> impl Strategy<Value = Value> {
    let op = prop_oneof![
        Just("add"),
        Just("Add"),
        Just("rePlace"),
        Just("REMOVE"),
        Just("remove"),
        Just("replace"),
        Just("move")
    ];
    let path = prop_oneof![
        Just(Value::Null),
        Just(json!("members")),
        Just(json!("members[value eq \"u1\"]")),
        Just(json!("emails[type eq \"work\"].value")),
        Just(json!("emails")),
        Just(json!("name.familyName")),
        Just(json!("active")),
        Just(json!("displayName")),
        Just(json!("id")),
        Just(json!(
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"
        )),
        mutated(vec![
            "emails[type eq \"work\"].value".to_owned(),
            "members[value eq \"u1\"]".to_owned()
        ])
        .prop_map(Value::String),
    ];
    (op, path, proptest::option::of(json_value())).prop_map(|(op, path, value)| {
        let mut object = serde_json::Map::new();
        object.insert("op".into(), json!(op));
        if !path.is_null() {
            object.insert("path".into(), path);
        }
        if let Some(value) = value {
            object.insert("value".into(), value);
        }
        Value::Object(object)
    })
}

fn patch_body() -> impl Strategy<Value = Value> {
    let seeds: Vec<Value> = patch_bodies().into_iter().map(|(_, body)| body).collect();
    prop_oneof![
        proptest::sample::select(seeds),
        proptest::collection::vec(operation(), 1..5)
            .prop_map(|ops| json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": ops})),
        json_value(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        round_trips(&text);
    }

    #[test]
    fn filter_like_text_never_panics(text in "[a-zA-Z .\\[\\]()\"0-9:$-]{0,60}") {
        round_trips(&text);
    }

    #[test]
    fn mutated_corpus_filters_never_panic(text in mutated(lines("filters.txt"))) {
        round_trips(&text);
    }

    #[test]
    fn mutated_corpus_queries_never_panic(text in mutated(lines("queries.txt"))) {
        let _ = crate::query::parse_list_query(&text);
    }

    #[test]
    fn printed_trees_parse_back(tree in filter()) {
        let tree = canonical(tree);
        let printed = tree.to_string();
        prop_assert_eq!(parse_filter(&printed), Ok(tree), "{}", printed);
    }

    #[test]
    fn patch_normaliser_never_panics_and_is_idempotent(body in patch_body()) {
        let Ok(ops) = normalise_patch(&body) else { return Ok(()) };
        let again = json!({"Operations": ops.iter().map(PatchOperation::to_json).collect::<Vec<_>>()});
        let custom_container = ops.iter().any(|o| o.path.attr.urn.is_none() && o.path.attr.name.contains(':'));
        if !custom_container && !ops.is_empty() {
            prop_assert_eq!(normalise_patch(&again), Ok(ops.clone()));
        }
        let user = User::from_json(json!({"id": "u-1", "userName": "kim"})).unwrap();
        let _ = apply_user_patch(&user, &ops);
        let _ = group_deltas(&ops, "g-1");
    }
}
