//! The fast path against xmlsec: on every fixture, attack and awkward document that
//! xmlsec1 itself signed, both verify the same documents and return the same bytes.

use super::*;
use crate::names::ASSERTION;
use crate::signature;
use crate::xml_tree;
use crate::xmlsec_shim::XmlDoc;
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/saml")
}

fn certificate(name: &str) -> Certificate {
    let pem = std::fs::read_to_string(fixtures().join("keys").join(name)).unwrap();
    Certificate::parse(&pem).unwrap()
}

/// What each path makes of the signature under `signed` (the root, or else the
/// assertion): the digested bytes, or `None` when it does not verify.
struct Verdicts {
    fast: Option<Vec<u8>>,
    xmlsec: Option<Vec<u8>>,
}

fn verdicts(xml: &str, certificates: &[Certificate], on_root: bool) -> Option<Verdicts> {
    let tree = xml_tree::parse(xml.as_bytes()).ok()?;
    let signed = if on_root {
        &tree
    } else {
        tree.child(ASSERTION, "Assertion")?
    };
    let signature = signed.child(DSIG, "Signature")?;
    let ancestors: &[&Element] = if on_root { &[] } else { &[&tree] };
    let enveloped = Enveloped {
        ancestors,
        signed,
        signature,
    };
    let fast = verify(xml, &enveloped, certificates);
    let xmlsec = (|| {
        let doc = XmlDoc::parse(xml.as_bytes()).ok()?;
        let mut node = doc.root()?;
        if !on_root {
            node = node.child(ASSERTION, "Assertion")?;
        }
        doc.register_id(node).ok()?;
        let id = signed.attr("ID")?;
        let signature = node.child(DSIG, "Signature")?;
        signature::verify(signature, "it", id, certificates, true)
            .ok()
            .map(|s| s.bytes)
    })();
    Some(Verdicts { fast, xmlsec })
}

fn files(dir: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(fixtures().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn agrees_with_xmlsec_on_every_fixture_and_attack() {
    let certificates = [certificate("idp.crt"), certificate("idp-rollover.crt")];
    let mut fast_taken = 0;
    for dir in ["responses", "attacks"] {
        for (name, xml) in files(dir) {
            for on_root in [true, false] {
                let Some(v) = verdicts(&xml, &certificates, on_root) else {
                    continue;
                };
                // SHA-1, ECDSA and a ds:Object (which the profile refuses) are xmlsec's.
                let common_shape =
                    !xml.contains("sha1") && !xml.contains("ecdsa") && !xml.contains(":Object");
                match (&v.fast, &v.xmlsec) {
                    (Some(fast), Some(xmlsec)) => {
                        assert_eq!(fast, xmlsec, "{dir}/{name}");
                        fast_taken += 1;
                    }
                    (None, Some(_)) => assert!(!common_shape, "{dir}/{name}: fast path not taken"),
                    (Some(_), None) => panic!("{dir}/{name}: only the fast path accepted it"),
                    (None, None) => {}
                }
            }
        }
    }
    assert!(
        fast_taken >= 15,
        "fast path verified {fast_taken} signatures"
    );
}

/// Signs `template` (whose one `ds:Signature` template sits under the element
/// `id_node`, `namespace:LocalName`) with xmlsec1, the reference implementation.
fn xmlsec1_sign(template: &str, id_node: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.xml");
    let output = dir.path().join("out.xml");
    std::fs::write(&input, template).unwrap();
    let keys = fixtures().join("keys");
    let status = Command::new("xmlsec1")
        .arg("--sign")
        .arg("--privkey-pem")
        .arg(format!(
            "{},{}",
            keys.join("idp.key").display(),
            keys.join("idp.crt").display()
        ))
        .arg("--id-attr:ID")
        .arg(id_node)
        .arg("--output")
        .arg(&output)
        .arg(&input)
        .status()
        .expect("xmlsec1 runs (just setup installs it)");
    assert!(status.success(), "xmlsec1 --sign failed");
    std::fs::read_to_string(output).unwrap()
}

const PROTOCOL_RESPONSE: &str = "urn:oasis:names:tc:SAML:2.0:protocol:Response";
const ASSERTION_ELEMENT: &str = "urn:oasis:names:tc:SAML:2.0:assertion:Assertion";

fn signature_template(id: &str, info_prefixes: &str, reference_prefixes: &str) -> String {
    let list = |prefixes: &str| {
        if prefixes.is_empty() {
            String::new()
        } else {
            format!(
                r#"<ec:InclusiveNamespaces xmlns:ec="{EXCLUSIVE_C14N}" PrefixList="{prefixes}"/>"#
            )
        }
    };
    format!(
        r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
    <ds:SignedInfo>
      <ds:CanonicalizationMethod Algorithm="{EXCLUSIVE_C14N}">{}</ds:CanonicalizationMethod>
      <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
      <ds:Reference URI="#{id}">
        <ds:Transforms>
          <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
          <ds:Transform Algorithm="{EXCLUSIVE_C14N}">{}</ds:Transform>
        </ds:Transforms>
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
        <ds:DigestValue></ds:DigestValue>
      </ds:Reference>
    </ds:SignedInfo>
    <ds:SignatureValue></ds:SignatureValue>
  </ds:Signature>"##,
        list(info_prefixes),
        list(reference_prefixes)
    )
}

/// CRLF line ends, tabs and character references in attributes and text, CDATA, a
/// default namespace reset with `xmlns=""`, `xml:lang`, prefixes whose order differs
/// from their URIs', and characters outside ASCII.
fn awkward_response() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n\
<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" \
xmlns=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:z=\"urn:a-first\" xmlns:a=\"urn:z-last\" \
ID=\"_r1\" Version=\"2.0\" a:k=\"1\" z:k=\"2\">\r\n  <Issuer>https://idp.example.org/metadata</Issuer>\r\n  {}\r\n  \
<Assertion ID=\"_a1\" xml:lang=\"fr\" note=\"tab&#9;and\tliteral\r\nline &amp; &lt;&gt; &quot;'\">\r\n    \
<Subject><NameID>ana&#13;@ex\u{e4}mple.org &gt; <![CDATA[<cdata & more>]]>\r</NameID></Subject>\r\n    \
<Conditions xmlns=\"\"><Bare z:k=\"3\"/></Conditions>\r\n    \
<AttributeValue xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" \
xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"xs:string\">\u{1F600}</AttributeValue>\r\n  \
</Assertion>\r\n</samlp:Response>\r\n",
        signature_template("_r1", "", "")
    )
}

/// The signature on the assertion, every prefix declared on the Response, and
/// `InclusiveNamespaces` lists on both canonicalisations.
fn inclusive_namespaces_assertion() -> String {
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="urn:default" ID="_r2"><saml:Assertion ID="_a2"><saml:Issuer>https://idp.example.org/metadata</saml:Issuer>{}<saml:AttributeStatement><saml:Attribute Name="role"><saml:AttributeValue xsi:type="xs:string">admin</saml:AttributeValue></saml:Attribute></saml:AttributeStatement><Extra>in the default namespace</Extra></saml:Assertion></samlp:Response>"#,
        signature_template("_a2", "samlp xs", "xs #default")
    )
}

#[test]
fn verifies_what_xmlsec1_signed_with_the_same_bytes() {
    let certificates = [certificate("idp.crt")];
    for (xml, on_root) in [
        (xmlsec1_sign(&awkward_response(), PROTOCOL_RESPONSE), true),
        (
            xmlsec1_sign(&inclusive_namespaces_assertion(), ASSERTION_ELEMENT),
            false,
        ),
    ] {
        let v = verdicts(&xml, &certificates, on_root).unwrap();
        assert!(
            v.xmlsec.is_some(),
            "xmlsec verifies its own signature:\n{xml}"
        );
        assert_eq!(
            v.fast.as_deref().map(String::from_utf8_lossy),
            v.xmlsec.as_deref().map(String::from_utf8_lossy),
            "{xml}"
        );
    }
}

#[test]
fn refuses_a_changed_byte_a_foreign_key_and_an_altered_signed_info() {
    let xml = xmlsec1_sign(&inclusive_namespaces_assertion(), ASSERTION_ELEMENT);
    let ours = [certificate("idp.crt")];
    assert!(verdicts(&xml, &ours, false).unwrap().fast.is_some());
    let changed = [
        xml.replace(">admin<", ">owner<"),
        xml.replace("PrefixList=\"xs #default\"", "PrefixList=\"xs\""),
        xml.replace("rsa-sha256", "rsa-sha512"),
        xml.replace("<Extra>", "<Extra a=\"\">"),
    ];
    for altered in changed {
        assert_ne!(altered, xml);
        let v = verdicts(&altered, &ours, false).unwrap();
        assert!(v.fast.is_none() && v.xmlsec.is_none(), "{altered}");
    }
    let theirs = [certificate("attacker.crt"), certificate("idp-ec.crt")];
    let v = verdicts(&xml, &theirs, false).unwrap();
    assert!(v.fast.is_none() && v.xmlsec.is_none());
}

/// A generated element: prefix (0 none, 1 `a`, 2 `b`), declarations (prefix, URI index;
/// URI 3 is `""`, only for the default namespace), attributes (prefix, value) and
/// content.
#[derive(Debug, Clone)]
struct Node {
    prefix: usize,
    declarations: Vec<(usize, usize)>,
    attributes: Vec<(usize, String)>,
    content: Vec<Content>,
}

#[derive(Debug, Clone)]
enum Content {
    Text(String),
    CData(String),
    Child(Node),
}

const PREFIXES: [&str; 3] = ["", "a", "b"];
const URIS: [&str; 4] = ["urn:one", "urn:two", "urn:three", ""];

fn node_strategy() -> impl Strategy<Value = Node> {
    let text = "[a&<>\"'\t\r\n \u{e9}\u{1F600}]{0,6}";
    let leaf = (
        0..3usize,
        proptest::collection::vec((0..3usize, 0..4usize), 0..3),
        proptest::collection::vec((0..3usize, text), 0..4),
        proptest::collection::vec(text.prop_map(Content::Text), 0..2),
    )
        .prop_map(|(prefix, declarations, attributes, content)| Node {
            prefix,
            declarations,
            attributes,
            content,
        });
    leaf.prop_recursive(4, 24, 4, move |inner| {
        (
            0..3usize,
            proptest::collection::vec((0..3usize, 0..4usize), 0..3),
            proptest::collection::vec((0..3usize, text), 0..4),
            proptest::collection::vec(
                prop_oneof![
                    inner.prop_map(Content::Child),
                    text.prop_map(Content::Text),
                    "[a<&\r\n]{0,4}".prop_map(Content::CData),
                ],
                0..4,
            ),
        )
            .prop_map(|(prefix, declarations, attributes, content)| Node {
                prefix,
                declarations,
                attributes,
                content,
            })
    })
}

fn escaped(value: &str, in_attribute: bool, out: &mut String) {
    for (i, c) in value.chars().enumerate() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\r' | '\t' if i % 2 == 0 => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
}

/// Writes `node`, declaring every prefix it uses that is not in `scope`.
fn render(node: &Node, scope: &mut Vec<(usize, usize)>, out: &mut String) {
    let mut declared: Vec<(usize, usize)> = Vec::new();
    for &(prefix, uri) in &node.declarations {
        let uri = if prefix == 0 { uri } else { uri % 3 };
        if !declared.iter().any(|(p, _)| *p == prefix) {
            declared.push((prefix, uri));
        }
    }
    let in_scope = |p: usize, scope: &[(usize, usize)], declared: &[(usize, usize)]| {
        p == 0
            || declared
                .iter()
                .chain(scope.iter().rev())
                .any(|(q, _)| *q == p)
    };
    let used = std::iter::once(node.prefix).chain(node.attributes.iter().map(|(p, _)| *p));
    for p in used.collect::<Vec<_>>() {
        if !in_scope(p, scope, &declared) {
            declared.push((p, p % 3));
        }
    }
    let qname = |p: usize, local: &str| match PREFIXES[p] {
        "" => local.to_owned(),
        prefix => format!("{prefix}:{local}"),
    };
    let name = qname(node.prefix, "e");
    out.push_str(&format!("<{name}"));
    for &(p, uri) in &declared {
        match PREFIXES[p] {
            "" => out.push_str(&format!(" xmlns=\"{}\"", URIS[uri])),
            prefix => out.push_str(&format!(" xmlns:{prefix}=\"{}\"", URIS[uri])),
        }
    }
    for (i, (p, value)) in node.attributes.iter().enumerate() {
        out.push_str(&format!(" {}=\"", qname(*p, &format!("k{i}"))));
        escaped(value, true, out);
        out.push('"');
    }
    out.push('>');
    let depth = scope.len();
    scope.extend(declared);
    for content in &node.content {
        match content {
            Content::Text(text) => escaped(text, false, out),
            Content::CData(text) => out.push_str(&format!("<![CDATA[{text}]]>")),
            Content::Child(child) => render(child, scope, out),
        }
    }
    scope.truncate(depth);
    out.push_str(&format!("</{name}>"));
}

/// Signs `xml` (a Response with a signature template holding `DIGEST` and `SIGNATURE`)
/// with this module's canonical forms and the IdP key.
fn sign_with_our_c14n(xml: &str) -> String {
    let tree = xml_tree::parse(xml.as_bytes()).unwrap();
    let signature = tree.child(DSIG, "Signature").unwrap();
    let inclusive =
        super::exclusive_c14n(&signature.children[0].children[2].children[0].children[1]).unwrap();
    let mut signed = Vec::new();
    c14n::canonicalize(
        &Subtree {
            input: xml,
            ancestors: &[],
            apex: tree.span,
            omit: Some(signature.span),
            inclusive: &inclusive,
        },
        &mut signed,
    )
    .unwrap();
    let digest = STANDARD.encode(hash(MessageDigest::sha256(), &signed).unwrap());
    let xml = xml.replace("DIGEST", &digest);
    let tree = xml_tree::parse(xml.as_bytes()).unwrap();
    let signature = tree.child(DSIG, "Signature").unwrap();
    let info = &signature.children[0];
    let mut info_bytes = Vec::new();
    c14n::canonicalize(
        &Subtree {
            input: &xml,
            ancestors: &[tree.span.0, signature.span.0],
            apex: info.span,
            omit: None,
            inclusive: &[],
        },
        &mut info_bytes,
    )
    .unwrap();
    let key = std::fs::read(fixtures().join("keys/idp.key")).unwrap();
    let key = openssl::pkey::PKey::private_key_from_pem(&key).unwrap();
    let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), &key).unwrap();
    let value = STANDARD.encode(signer.sign_oneshot_to_vec(&info_bytes).unwrap());
    xml.replace("SIGNATURE", &value)
}

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the namespaces, attributes and text, a response signed over this
    /// module's canonical forms verifies in xmlsec (libxml2's own c14n), with the
    /// same digested bytes: the two canonicalisers agree byte for byte.
    #[test]
    fn xmlsec_agrees_with_our_canonical_form(
        children in proptest::collection::vec(node_strategy(), 1..4),
        root_default in 0..4usize,
        inclusive in proptest::sample::subsequence(vec!["a", "b", "#default"], 0..=3),
    ) {
        let template = signature_template("_p", "", &inclusive.join(" "))
            .replace("<ds:DigestValue></ds:DigestValue>", "<ds:DigestValue>DIGEST</ds:DigestValue>")
            .replace("<ds:SignatureValue></ds:SignatureValue>", "<ds:SignatureValue>SIGNATURE</ds:SignatureValue>");
        let mut body = String::new();
        let mut scope = Vec::new();
        for child in &children {
            render(child, &mut scope, &mut body);
        }
        let default = match URIS[root_default] {
            "" => String::new(),
            uri => format!(" xmlns=\"{uri}\""),
        };
        let xml = sign_with_our_c14n(&format!(
            "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\"{default} ID=\"_p\">\n{template}\n{body}</samlp:Response>"
        ));
        let v = verdicts(&xml, &[certificate("idp.crt")], true).unwrap();
        prop_assert!(v.xmlsec.is_some(), "xmlsec refused:\n{}", xml);
        prop_assert_eq!(v.fast, v.xmlsec);
    }
}
