//! A strict, namespace-aware element tree built with quick-xml.
//!
//! Every XML document the crate reads passes through [`parse`] first, which refuses
//! what SAML never needs and attackers love: DTDs (and so XXE and entity bombs),
//! entity references other than the five predefined ones, processing instructions,
//! comments (the NameID comment-truncation trick), several roots, deep nesting and
//! non-UTF-8 encodings.

use crate::error::{Result, SamlError};
use crate::names::{ASSERTION, DSIG, METADATA, PROTOCOL, XENC, XENC11, XML};
use quick_xml::NsReader;
use quick_xml::XmlVersion;
use quick_xml::events::attributes::Attributes;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use std::borrow::Cow;

/// Deeper than any SAML message or metadata document.
const MAX_DEPTH: usize = 48;
/// More elements than any SAML message or single-IdP metadata document holds (a
/// response with a few hundred attribute values has well under a thousand).
const MAX_ELEMENTS: usize = 10_000;
/// More attributes (namespace declarations included) than any SAML element carries;
/// also bounds quick-xml's quadratic duplicate-attribute check and namespace lookups.
const MAX_ATTRIBUTES: usize = 64;

/// Namespaces SAML documents use, shared instead of copied into every element.
const KNOWN_NAMESPACES: [&str; 7] = [ASSERTION, PROTOCOL, DSIG, XENC, XENC11, METADATA, XML];

/// One element: its namespace URI, local name, unqualified attributes, children, text.
/// Names, values and text borrow from the parsed input unless unescaping changed them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Element<'a> {
    pub namespace: Cow<'a, str>,
    pub name: Cow<'a, str>,
    /// `(namespace, local name, value)`; the namespace is empty for unqualified ones.
    pub attributes: Vec<(Cow<'a, str>, Cow<'a, str>, Cow<'a, str>)>,
    pub children: Vec<Element<'a>>,
    /// The concatenated character data directly inside this element.
    pub text: Cow<'a, str>,
    /// Byte offsets of the element (start tag to end tag) in the parsed input.
    pub span: (usize, usize),
}

impl<'a> Element<'a> {
    /// True when this element is `{namespace}name`.
    pub fn is(&self, namespace: &str, name: &str) -> bool {
        self.name == name && self.namespace == namespace
    }

    /// The value of an unqualified attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(ns, local, _)| ns.is_empty() && local == name)
            .map(|(_, _, value)| value.as_ref())
    }

    /// The children named `{namespace}name`.
    pub fn children_named<'s>(
        &'s self,
        namespace: &'s str,
        name: &'s str,
    ) -> impl Iterator<Item = &'s Element<'a>> + 's {
        self.children.iter().filter(move |c| c.is(namespace, name))
    }

    /// The first child named `{namespace}name`.
    pub fn child(&self, namespace: &str, name: &str) -> Option<&Element<'a>> {
        self.children.iter().find(|c| c.is(namespace, name))
    }

    /// This element's text, trimmed.
    pub fn trimmed_text(&self) -> &str {
        self.text.trim()
    }

    /// Every element of the subtree (this one included), depth first.
    pub fn descendants(&self) -> Vec<&Element<'a>> {
        let mut out = vec![self];
        let mut i = 0;
        while let Some(e) = out.get(i).copied() {
            out.extend(e.children.iter());
            i += 1;
        }
        out
    }
}

fn malformed(reason: impl ToString) -> SamlError {
    SamlError::MalformedXml {
        reason: reason.to_string(),
    }
}

/// Parses `bytes` into the root element, refusing every forbidden construct.
pub(crate) fn parse(bytes: &[u8]) -> Result<Element<'_>> {
    parse_with(bytes, false)
}

/// Like [`parse`], but skips comments: for metadata, which Tessera does not verify
/// signatures over and which admins annotate.
pub(crate) fn parse_allowing_comments(bytes: &[u8]) -> Result<Element<'_>> {
    parse_with(bytes, true)
}

fn parse_with(bytes: &[u8], allow_comments: bool) -> Result<Element<'_>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| malformed("the document is not UTF-8"))?;
    let mut reader = NsReader::from_str(text);
    reader.config_mut().expand_empty_elements = false;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut seen_anything = false;
    let mut elements = 0usize;
    loop {
        let before = position(&reader);
        let (resolved, event) = reader.read_resolved_event().map_err(malformed)?;
        let namespace = namespace_of(&resolved)?;
        match event {
            Event::Decl(decl) => {
                if seen_anything {
                    return Err(malformed("XML declaration not at the start"));
                }
                if let Some(encoding) = decl.encoding() {
                    let encoding = encoding.map_err(malformed)?;
                    if !encoding.eq_ignore_ascii_case("utf-8") {
                        return Err(malformed(format!("encoding {encoding} is not UTF-8")));
                    }
                }
            }
            Event::Start(_) | Event::Empty(_) if elements >= MAX_ELEMENTS => {
                return Err(malformed("too many elements"));
            }
            Event::Start(start) => {
                elements += 1;
                if root.is_some() {
                    return Err(malformed("more than one root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(malformed("elements nested too deeply"));
                }
                stack.push(element(text, &reader, &start, namespace, before)?);
            }
            Event::Empty(start) => {
                elements += 1;
                if root.is_some() {
                    return Err(malformed("more than one root element"));
                }
                let mut e = element(text, &reader, &start, namespace, before)?;
                e.span.1 = position(&reader);
                attach(&mut stack, &mut root, e);
            }
            Event::End(_) => {
                let Some(mut e) = stack.pop() else {
                    return Err(malformed("unexpected end tag"));
                };
                e.span.1 = position(&reader);
                attach(&mut stack, &mut root, e);
            }
            Event::Text(t) => {
                push_text(&mut stack, t.xml10_content())?;
            }
            Event::CData(t) => {
                if stack.is_empty() {
                    return Err(malformed("character data outside the root element"));
                }
                push_text(&mut stack, t.xml10_content())?;
            }
            Event::GeneralRef(r) => {
                let c = if r.is_char_ref() {
                    r.resolve_char_ref().map_err(malformed)?
                } else {
                    predefined_entity(&r)
                };
                let Some(c) = c else {
                    return Err(SamlError::ForbiddenXml {
                        construct: "entity reference",
                    });
                };
                push_text(&mut stack, Cow::Owned(c.to_string()))?;
            }
            Event::Comment(_) if allow_comments => {}
            Event::Comment(_) => {
                return Err(SamlError::ForbiddenXml {
                    construct: "comment",
                });
            }
            Event::PI(_) => {
                return Err(SamlError::ForbiddenXml {
                    construct: "processing instruction",
                });
            }
            Event::DocType(_) => return Err(SamlError::ForbiddenXml { construct: "DTD" }),
            Event::Eof => break,
        }
        seen_anything = true;
    }
    if !stack.is_empty() {
        return Err(malformed("unclosed element"));
    }
    root.ok_or_else(|| malformed("no root element"))
}

fn position(reader: &NsReader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

/// The character of one of XML's five predefined entities.
pub(crate) fn predefined_entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

fn namespace_of(resolved: &ResolveResult<'_>) -> Result<Cow<'static, str>> {
    match resolved {
        ResolveResult::Bound(ns) => {
            let uri = ns.as_ref();
            Ok(match KNOWN_NAMESPACES.iter().find(|known| **known == uri) {
                Some(known) => Cow::Borrowed(known),
                None => Cow::Owned(uri.to_owned()),
            })
        }
        ResolveResult::Unbound => Ok(Cow::Borrowed("")),
        ResolveResult::Unknown(prefix) => Err(malformed(format!("unbound prefix {prefix}"))),
    }
}

fn push_text<'a>(stack: &mut [Element<'a>], content: Cow<'a, str>) -> Result<()> {
    match stack.last_mut() {
        Some(e) if e.text.is_empty() => e.text = content,
        Some(e) => e.text.to_mut().push_str(&content),
        None if content.trim().is_empty() => {}
        None => return Err(malformed("text outside the root element")),
    }
    Ok(())
}

fn attach<'a>(stack: &mut [Element<'a>], root: &mut Option<Element<'a>>, e: Element<'a>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(e),
        None => *root = Some(e),
    }
}

/// The text of `start` (name and attributes) as a slice of `input`, where the reader
/// found it (`offset` is the position of its `<`).
fn tag_in_input<'a>(input: &'a str, start: &BytesStart<'_>, offset: usize) -> Result<&'a str> {
    let content: &str = start;
    input
        .get(offset + 1..offset + 1 + content.len())
        .filter(|tag| std::ptr::eq(tag.as_ptr(), content.as_ptr()))
        .ok_or_else(|| malformed("a start tag outside the input"))
}

fn element<'a>(
    input: &'a str,
    reader: &NsReader<&'a [u8]>,
    start: &BytesStart<'_>,
    namespace: Cow<'static, str>,
    offset: usize,
) -> Result<Element<'a>> {
    let name_len = start.name().as_ref().len();
    let tag = tag_in_input(input, start, offset)?;
    let qname = tag.get(..name_len).unwrap_or_default();
    let name = qname.rsplit_once(':').map_or(qname, |(_, local)| local);
    let mut attributes = Vec::new();
    for (count, attr) in Attributes::new(tag, name_len).enumerate() {
        if count >= MAX_ATTRIBUTES {
            return Err(malformed("too many attributes on one element"));
        }
        let attr = attr.map_err(malformed)?;
        let key = attr.key.as_ref();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let (ns, local) = reader.resolver().resolve_attribute(attr.key);
        let ns = namespace_of(&ns)?;
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| match e {
                quick_xml::Error::Escape(_) => SamlError::ForbiddenXml {
                    construct: "entity reference",
                },
                other => malformed(other),
            })?;
        attributes.push((ns, Cow::Borrowed(local.into_inner()), value));
    }
    Ok(Element {
        namespace,
        name: Cow::Borrowed(name),
        attributes,
        children: Vec::new(),
        text: Cow::Borrowed(""),
        span: (offset, offset),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_namespaces_attributes_and_text() {
        let root = parse(
            br#"<?xml version="1.0" encoding="UTF-8"?>
            <a:R xmlns:a="urn:a" xmlns:b="urn:b" x="1"><b:C y="&lt;2&#x41;">t&amp;u<![CDATA[<v>]]></b:C><a:E/></a:R>"#,
        )
        .unwrap();
        assert!(root.is("urn:a", "R"));
        assert_eq!(root.attr("x"), Some("1"));
        let c = root.child("urn:b", "C").unwrap();
        assert_eq!(c.attr("y"), Some("<2A"));
        assert_eq!(c.text, "t&u<v>");
        assert!(root.child("urn:a", "E").is_some());
        assert_eq!(root.descendants().len(), 3);
        let e = root.child("urn:a", "E").unwrap();
        assert_eq!(e.span.1 - e.span.0, "<a:E/>".len());
    }

    #[test]
    fn refuses_what_saml_never_needs() {
        let cases: [(&[u8], &str); 5] = [
            (b"<!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>", "DTD"),
            (b"<r>&x;</r>", "entity reference"),
            (b"<r a=\"&x;\"/>", "entity reference"),
            (b"<r><?php x?></r>", "processing instruction"),
            (b"<r>a<!---->b</r>", "comment"),
        ];
        for (xml, construct) in cases {
            match parse(xml) {
                Err(SamlError::ForbiddenXml { construct: c }) => assert_eq!(c, construct),
                other => panic!("{}: {other:?}", String::from_utf8_lossy(xml)),
            }
        }
    }

    #[test]
    fn refuses_malformed_documents() {
        for xml in [
            &b"<r/><r/>"[..],
            b"<r></r><s></s>",
            b"<r>",
            b"<r></s>",
            b"",
            b"text<r/>",
            b"<p:r/>",
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>",
            b"<r>\xff</r>",
        ] {
            assert!(
                matches!(parse(xml), Err(SamlError::MalformedXml { .. })),
                "{}",
                String::from_utf8_lossy(xml)
            );
        }
        let wide = format!("<r>{}</r>", "<a/>".repeat(MAX_ELEMENTS));
        assert!(matches!(
            parse(wide.as_bytes()),
            Err(SamlError::MalformedXml { reason }) if reason == "too many elements"
        ));
        let attrs: String = (0..=MAX_ATTRIBUTES)
            .map(|i| format!(" a{i}=\"\""))
            .collect();
        assert!(parse(format!("<r{attrs}/>").as_bytes()).is_err());
        let namespaces: String = (0..=MAX_ATTRIBUTES)
            .map(|i| format!(" xmlns:p{i}=\"urn:{i}\""))
            .collect();
        assert!(parse(format!("<r{namespaces}/>").as_bytes()).is_err());
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(matches!(
            parse(deep.as_bytes()),
            Err(SamlError::MalformedXml { .. })
        ));
    }
}
