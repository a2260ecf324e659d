//! Table-driven tests of the filter parser, printer, evaluator and index recogniser.

use super::*;
use crate::error::ScimError;
use serde_json::json;

/// A structural rendering that makes precedence visible.
fn sexpr(filter: &Filter) -> String {
    let list = |op: &str, items: &[Filter]| {
        let inner: Vec<String> = items.iter().map(sexpr).collect();
        format!("({op} {})", inner.join(" "))
    };
    match filter {
        Filter::Compare(path, op, value) => format!("({} {path} {value})", op.keyword()),
        Filter::Present(path) => format!("(pr {path})"),
        Filter::ValuePath(path, inner) => format!("({path}[] {})", sexpr(inner)),
        Filter::Not(inner) => format!("(not {})", sexpr(inner)),
        Filter::And(items) => list("and", items),
        Filter::Or(items) => list("or", items),
    }
}

#[test]
fn parses_the_rfc_grammar() {
    let cases: &[(&str, &str)] = &[
        (r#"userName eq "bjensen""#, r#"(eq userName "bjensen")"#),
        (r#"userName Eq "x""#, r#"(eq userName "x")"#),
        (r#"USERNAME EQ "x""#, r#"(eq USERNAME "x")"#),
        (r#"username Eq "x""#, r#"(eq username "x")"#),
        (r#"email Co "x""#, r#"(co email "x")"#),
        (
            r#"name.familyName co "O'Malley""#,
            r#"(co name.familyName "O'Malley")"#,
        ),
        (r#"userName sw "J""#, r#"(sw userName "J")"#),
        (r#"userName ew "son""#, r#"(ew userName "son")"#),
        ("title pr", "(pr title)"),
        ("title PR", "(pr title)"),
        (
            r#"meta.lastModified gt "2011-05-13T04:42:34Z""#,
            r#"(gt meta.lastModified "2011-05-13T04:42:34Z")"#,
        ),
        (
            r#"meta.lastModified ge "2011-05-13T04:42:34Z""#,
            r#"(ge meta.lastModified "2011-05-13T04:42:34Z")"#,
        ),
        (
            r#"meta.lastModified lt "2011-05-13T04:42:34Z""#,
            r#"(lt meta.lastModified "2011-05-13T04:42:34Z")"#,
        ),
        (
            r#"meta.lastModified le "2011-05-13T04:42:34Z""#,
            r#"(le meta.lastModified "2011-05-13T04:42:34Z")"#,
        ),
        (r#"userName ne "x""#, r#"(ne userName "x")"#),
        ("active eq True", "(eq active true)"),
        ("active eq false", "(eq active false)"),
        ("manager eq NULL", "(eq manager null)"),
        ("age gt -1.5e3", "(gt age -1500.0)"),
        ("count le 10", "(le count 10)"),
        (
            r#"title pr and userType eq "Employee""#,
            r#"(and (pr title) (eq userType "Employee"))"#,
        ),
        (
            r#"title pr or userType eq "Intern""#,
            r#"(or (pr title) (eq userType "Intern"))"#,
        ),
        ("a pr or b pr and c pr", "(or (pr a) (and (pr b) (pr c)))"),
        ("a pr and b pr or c pr", "(or (and (pr a) (pr b)) (pr c))"),
        ("a pr and (b pr or c pr)", "(and (pr a) (or (pr b) (pr c)))"),
        ("a pr and b pr and c pr", "(and (pr a) (pr b) (pr c))"),
        ("(a pr and b pr) and c pr", "(and (pr a) (pr b) (pr c))"),
        ("((a pr))", "(pr a)"),
        ("not (a pr)", "(not (pr a))"),
        ("NOT(a pr) and b pr", "(and (not (pr a)) (pr b))"),
        (
            "not (a pr or b pr) or c pr",
            "(or (not (or (pr a) (pr b))) (pr c))",
        ),
        (
            r#"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
            r#"(and (eq userType "Employee") (or (co emails "example.com") (co emails.value "example.org")))"#,
        ),
        (
            r#"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
            r#"(and (ne userType "Employee") (not (or (co emails "example.com") (co emails.value "example.org"))))"#,
        ),
        (
            r#"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
            r#"(or (emails[] (and (eq type "work") (co value "@example.com"))) (ims[] (and (eq type "xmpp") (co value "@foo.com"))))"#,
        ),
        (
            r#"members[value eq "2819c223"]"#,
            r#"(members[] (eq value "2819c223"))"#,
        ),
        (
            r#"emails[type eq "work"].value co "@x""#,
            r#"(emails[] (and (eq type "work") (co value "@x")))"#,
        ),
        (
            r#"emails[type eq "a" or type eq "b"].value pr"#,
            r#"(emails[] (and (or (eq type "a") (eq type "b")) (pr value)))"#,
        ),
        (
            r#"urn:ietf:params:scim:schemas:core:2.0:User:name.familyName co "O'Malley""#,
            r#"(co urn:ietf:params:scim:schemas:core:2.0:User:name.familyName "O'Malley")"#,
        ),
        (
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915""#,
            r#"(eq urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value "26118915")"#,
        ),
        (
            r#"urn:scim:schemas:extension:enterprise:2.0:department eq "R&D""#,
            r#"(eq urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department "R&D")"#,
        ),
        (
            r#"userName eq "a \"quoted\" \u00e9""#,
            r#"(eq userName "a \"quoted\" é")"#,
        ),
        ("members.$ref pr", "(pr members.$ref)"),
        (r#"x-custom_1 eq """#, r#"(eq x-custom_1 "")"#),
    ];
    for (input, expected) in cases {
        let parsed = parse_filter(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(&sexpr(&parsed), expected, "{input}");
        let reparsed = parse_filter(&parsed.to_string()).unwrap();
        assert_eq!(reparsed, parsed, "{input} → {parsed}");
    }
}

#[test]
fn refuses_bad_filters_with_positions() {
    let cases: &[(&str, usize, &str)] = &[
        ("", 0, "it is empty"),
        ("   ", 0, "it is empty"),
        ("userName", 8, "expected an operator after userName"),
        (r#"userName xx "x""#, 9, r#"unknown operator "xx""#),
        (r#"userName eq"#, 11, "expected a value, found the end"),
        (r#"userName eq x"#, 12, "expected a value"),
        (
            r#"userName eq "x" and"#,
            19,
            "expected an attribute name, found the end",
        ),
        (
            r#"userName eq "x" extra"#,
            16,
            "expected 'and', 'or' or the end",
        ),
        (r#"(userName pr"#, 12, "expected ')', found the end"),
        (r#"userName pr)"#, 11, "expected 'and', 'or' or the end"),
        (
            r#"emails[type eq "work""#,
            21,
            "expected ']', found the end",
        ),
        (
            r#"emails[type eq "work"].value"#,
            28,
            "expected an operator after value",
        ),
        (
            r#"emails[type eq "work"]."x" eq "x""#,
            23,
            "expected a sub-attribute name",
        ),
        (
            r#"emails[type[value pr]]"#,
            11,
            "value paths cannot be nested",
        ),
        (
            r#"emails.value[type pr]"#,
            12,
            "a value path's attribute cannot have a sub-attribute",
        ),
        (r#"name.a.b pr"#, 0, "has more than one sub-attribute"),
        (r#"foo:bar pr"#, 0, "is not an attribute path"),
        (
            r#"1abc pr"#,
            0,
            "expected an attribute name, found the number 1",
        ),
        (r#"userName eq 'x'"#, 12, "unexpected character"),
        (r#"userName eq "x"#, 12, "the string is not terminated"),
        (r#"userName eq "\q""#, 12, "invalid string literal"),
        ("not a pr", 4, "unknown operator \"a\""),
    ];
    for (input, position, problem) in cases {
        match parse_filter(input) {
            Err(ScimError::InvalidFilter {
                position: p,
                problem: text,
            }) => {
                assert_eq!(p, *position, "{input}: {text}");
                assert!(
                    text.contains(problem),
                    "{input}: {text:?} lacks {problem:?}"
                );
            }
            other => panic!("{input}: {other:?}"),
        }
        assert_eq!(
            parse_filter(input).unwrap_err().scim_type(),
            Some(crate::ScimType::InvalidFilter)
        );
    }
}

#[test]
fn caps_hostile_input() {
    let deep = format!(
        "{}a pr{}",
        "(".repeat(MAX_FILTER_DEPTH + 1),
        ")".repeat(MAX_FILTER_DEPTH + 1)
    );
    assert!(matches!(
        parse_filter(&deep),
        Err(ScimError::FilterTooComplex { .. })
    ));
    let nots = format!("{}a pr{}", "not (".repeat(10_000), ")".repeat(10_000));
    assert!(matches!(
        parse_filter(&nots),
        Err(ScimError::FilterTooComplex { .. })
    ));
    let wide = vec!["a pr"; MAX_FILTER_TERMS + 1].join(" or ");
    assert!(matches!(
        parse_filter(&wide),
        Err(ScimError::FilterTooComplex { .. })
    ));
    let fine = vec![r#"id eq "2819c223-7f76-453a-919d-413861904646""#; 100].join(" or ");
    assert!(parse_filter(&fine).is_ok());
}

#[test]
fn parses_patch_paths() {
    let cases: &[(&str, &str)] = &[
        ("members", "members"),
        ("name.familyName", "name.familyName"),
        (
            r#"emails[type eq "work"].value"#,
            r#"emails[type eq "work"].value"#,
        ),
        (
            r#"members[value EQ "2819c223"]"#,
            r#"members[value eq "2819c223"]"#,
        ),
        (
            r#"addresses[type eq "work"]"#,
            r#"addresses[type eq "work"]"#,
        ),
        (
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
        ),
        (
            "urn:scim:schemas:extension:enterprise:2.0:employeeNumber",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
        ),
    ];
    for (input, expected) in cases {
        let path = parse_path(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(&path.to_string(), expected);
        assert_eq!(parse_path(&path.to_string()).unwrap(), path);
    }
    for bad in [
        "",
        "emails[",
        "emails[type eq \"work\"].",
        "emails[type eq \"work\"].a.b",
        "a b",
        "a eq \"x\"",
    ] {
        let error = parse_path(bad).unwrap_err();
        assert_eq!(
            error.scim_type(),
            Some(crate::ScimType::InvalidPath),
            "{bad}"
        );
    }
}

fn user() -> serde_json::Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User",
                    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "Bjensen-EXT",
        "userName": "Bjensen@Example.com",
        "name": {"familyName": "Jensen", "givenName": "Barbara"},
        "displayName": "Babs Jensen",
        "title": "",
        "active": true,
        "loginCount": 42,
        "emails": [
            {"value": "bjensen@example.com", "type": "work", "primary": true},
            {"value": "babs@jensen.org", "type": "home"}
        ],
        "roles": [],
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "701984",
            "manager": {"value": "26118915-6090-4610-87e4-49d8ca9f808d"}
        },
        "meta": {"created": "2010-01-23T04:56:22Z", "lastModified": "2011-05-13T04:42:34Z"}
    })
}

#[test]
fn evaluates_against_a_user() {
    let cases: &[(&str, bool)] = &[
        (r#"userName eq "bjensen@example.com""#, true),
        (r#"USERNAME EQ "BJENSEN@EXAMPLE.COM""#, true),
        (
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "bjensen@example.com""#,
            true,
        ),
        (r#"userName eq "someone""#, false),
        (r#"userName ne "someone""#, true),
        (r#"externalId eq "bjensen-ext""#, false),
        (r#"externalId eq "Bjensen-EXT""#, true),
        (r#"id eq "2819C223-7F76-453A-919D-413861904646""#, false),
        (r#"id eq "2819c223-7f76-453a-919d-413861904646""#, true),
        (r#"name.familyName co "ENS""#, true),
        (r#"name.givenName sw "bar""#, true),
        (r#"displayName ew "JENSEN""#, true),
        (r#"emails co "jensen.org""#, true),
        (r#"emails.value eq "BABS@JENSEN.ORG""#, true),
        (
            r#"emails[type eq "work" and value co "@example.com"]"#,
            true,
        ),
        (
            r#"emails[type eq "home" and value co "@example.com"]"#,
            false,
        ),
        (r#"emails[primary eq true].value eq "x""#, false),
        (
            r#"emails[primary eq true].value eq "BJENSEN@example.com""#,
            true,
        ),
        ("emails[primary eq true]", true),
        ("emails[not (primary pr)]", true),
        ("emails pr", true),
        ("roles pr", false),
        ("title pr", false),
        ("nickName pr", false),
        ("name pr", true),
        ("name.middleName pr", false),
        (r#"nickName ne "x""#, true),
        ("nickName eq null", true),
        ("userName eq null", false),
        ("active eq true", true),
        ("active eq false", false),
        ("active gt false", false),
        ("loginCount gt 41", true),
        ("loginCount ge 42.0", true),
        ("loginCount lt 42", false),
        ("loginCount le 42", true),
        (r#"meta.lastModified gt "2011-05-13T04:42:34Z""#, false),
        (r#"meta.lastModified ge "2011-05-13T04:42:34Z""#, true),
        (r#"meta.lastModified gt "2011-05-13T06:42:34+04:00""#, true),
        (r#"meta.created lt "2011-05-13T04:42:34Z""#, true),
        (r#"meta.created eq "2010-01-23T05:56:22+01:00""#, true),
        (
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "701984""#,
            true,
        ),
        (
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value sw "2611""#,
            true,
        ),
        (
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager pr"#,
            true,
        ),
        (r#"employeeNumber eq "701984""#, false),
        (
            r#"userName eq "x" or (name.givenName eq "barbara" and not (active eq false))"#,
            true,
        ),
        (r#"userName sw "b" and name.givenName eq "nobody""#, false),
        (r#"title eq """#, true),
        (r#"userName gt "a" and userName lt "c""#, true),
    ];
    let resource = user();
    for (input, expected) in cases {
        let filter = parse_filter(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(matches(&filter, &resource), *expected, "{input}");
    }
    assert!(!matches(
        &parse_filter("id pr").unwrap(),
        &json!("not an object")
    ));
}

#[test]
fn evaluates_group_members() {
    let group = json!({"displayName": "Tour Guides", "members": [{"value": "u1"}, {"value": "u2", "display": "Babs"}]});
    for (input, expected) in [
        (r#"members[value eq "u2"]"#, true),
        (r#"members[value eq "U2"]"#, true),
        (r#"members.value eq "u3""#, false),
        (r#"members eq "u1""#, true),
        (r#"displayName eq "tour guides""#, true),
    ] {
        assert_eq!(
            matches(&parse_filter(input).unwrap(), &group),
            expected,
            "{input}"
        );
    }
}

#[test]
fn recognises_indexed_lookups() {
    use IndexedAttribute::*;
    type Expected = Option<(IndexedAttribute, &'static [&'static str], bool)>;
    let cases: &[(&str, Expected)] = &[
        (r#"userName eq "a@b.c""#, Some((UserName, &["a@b.c"], true))),
        (r#"UserName EQ "a@b.c""#, Some((UserName, &["a@b.c"], true))),
        (
            r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x""#,
            Some((UserName, &["x"], true)),
        ),
        (
            r#"externalId eq "00aa""#,
            Some((ExternalId, &["00aa"], true)),
        ),
        (r#"id eq "42""#, Some((Id, &["42"], true))),
        (
            r#"displayName eq "Sales""#,
            Some((DisplayName, &["Sales"], true)),
        ),
        (
            r#"emails.value eq "a@b.c""#,
            Some((EmailValue, &["a@b.c"], true)),
        ),
        (r#"emails eq "a@b.c""#, Some((EmailValue, &["a@b.c"], true))),
        (
            r#"emails[value eq "a@b.c"]"#,
            Some((EmailValue, &["a@b.c"], true)),
        ),
        (
            r#"emails[type eq "work" and value eq "a@b.c"]"#,
            Some((EmailValue, &["a@b.c"], false)),
        ),
        (
            r#"members[value eq "u1"]"#,
            Some((MemberValue, &["u1"], true)),
        ),
        (
            r#"externalId eq "x" and userName eq "y""#,
            Some((UserName, &["y"], false)),
        ),
        (
            r#"externalId eq "x" and active eq true"#,
            Some((ExternalId, &["x"], false)),
        ),
        (
            r#"id eq "1" or id eq "2" or id eq "3""#,
            Some((Id, &["1", "2", "3"], true)),
        ),
        (r#"id eq "1" or userName eq "2""#, None),
        (r#"id eq "1" or active eq true"#, None),
        (r#"userName ne "x""#, None),
        (r#"userName co "x""#, None),
        (r#"not (userName eq "x")"#, None),
        (r#"userName eq 42"#, None),
        (r#"emails[type eq "work"]"#, None),
        (
            r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName eq "x""#,
            None,
        ),
        (r#"name.givenName eq "x""#, None),
    ];
    for (input, expected) in cases {
        let lookup = indexed_lookup(&parse_filter(input).unwrap());
        let expected = expected.map(|(attribute, values, exact)| IndexedLookup {
            attribute,
            values: values.iter().map(|v| v.to_string()).collect(),
            exact,
        });
        assert_eq!(lookup, expected, "{input}");
    }
    assert!(IndexedAttribute::Id.case_exact() && IndexedAttribute::ExternalId.case_exact());
    assert!(!UserName.case_exact() && !EmailValue.case_exact() && !DisplayName.case_exact());
}
