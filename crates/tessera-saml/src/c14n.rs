//! Exclusive XML canonicalisation (`xml-exc-c14n#`, without comments) of one element
//! of a document that [`crate::xml_tree::parse`] has already accepted.
//!
//! The output is what the W3C recommendation defines for the element's subtree, minus
//! at most one child element (the enveloped signature): start and end tags for every
//! element, namespace declarations only where a prefix is visibly used (or listed in
//! `InclusiveNamespaces`) and not already rendered by the parent, declarations before
//! attributes, attributes sorted by namespace URI then local name, and the escapes of
//! the recommendation. Any construct the strict tree would have refused makes it return
//! `None`; the caller then leaves the decision to xmlsec.

use crate::names::XML;
use crate::xml_tree::predefined_entity;
use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::attributes::Attributes;
use quick_xml::events::{BytesStart, Event};
use std::borrow::Cow;

/// One element of a document to canonicalise, with its context.
pub(crate) struct Subtree<'s> {
    /// The whole (UTF-8) document.
    pub input: &'s str,
    /// Offsets of the `<` of each ancestor's start tag, outermost first.
    pub ancestors: &'s [usize],
    /// Byte span of the element, start tag to end tag.
    pub apex: (usize, usize),
    /// Span of one child element to leave out (the enveloped-signature transform).
    pub omit: Option<(usize, usize)>,
    /// The `InclusiveNamespaces` prefix list; `""` stands for `#default`.
    pub inclusive: &'s [&'s str],
}

/// Namespace bindings in frames: one frame per open element.
#[derive(Default)]
struct Bindings<'s> {
    entries: Vec<(&'s str, Cow<'s, str>)>,
    frames: Vec<usize>,
}

impl<'s> Bindings<'s> {
    fn open(&mut self) {
        self.frames.push(self.entries.len());
    }

    fn close(&mut self) {
        if let Some(start) = self.frames.pop() {
            self.entries.truncate(start);
        }
    }

    fn lookup(&self, prefix: &str) -> Option<&str> {
        self.entries
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map(|(_, uri)| uri.as_ref())
    }
}

/// An attribute of the element being written.
struct Attribute<'s> {
    uri: &'s str,
    local: &'s str,
    qname: &'s str,
    value: Cow<'s, str>,
}

/// Appends the canonical form of `subtree` to `out`; `None` if the document holds
/// something this canonicaliser does not handle.
pub(crate) fn canonicalize<'s>(subtree: &Subtree<'s>, out: &mut Vec<u8>) -> Option<()> {
    let input = subtree.input;
    let mut scope = Bindings::default();
    scope.open();
    for &offset in subtree.ancestors {
        let tag = input.get(offset..)?;
        let mut reader = Reader::from_str(tag);
        let Ok(Event::Start(start)) = reader.read_event() else {
            return None;
        };
        let (declarations, _) = read_tag(tag, 0, &start)?;
        scope.entries.extend(declarations);
    }
    let mut rendered = Bindings::default();
    rendered.open();
    rendered.entries.push(("", Cow::Borrowed("")));
    let (apex_start, apex_end) = subtree.apex;
    let text = input.get(apex_start..apex_end)?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = false;
    let omit = match subtree.omit {
        Some((start, end)) => Some((start.checked_sub(apex_start)?, end.checked_sub(apex_start)?)),
        None => None,
    };
    let mut open_names: Vec<&str> = Vec::new();
    loop {
        let before = usize::try_from(reader.buffer_position()).ok()?;
        let event = reader.read_event().ok()?;
        if let (Some((skip_from, skip_to)), 1) = (omit, open_names.len())
            && before == skip_from
        {
            if !matches!(event, Event::Start(_) | Event::Empty(_)) {
                return None;
            }
            while usize::try_from(reader.buffer_position()).ok()? < skip_to {
                reader.read_event().ok()?;
            }
            if usize::try_from(reader.buffer_position()).ok()? != skip_to {
                return None;
            }
            continue;
        }
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let qname =
                    write_start(text, before, start, &mut scope, &mut rendered, subtree, out)?;
                if matches!(event, Event::Start(_)) {
                    open_names.push(qname);
                } else {
                    write_end(qname, &mut scope, &mut rendered, out);
                    if open_names.is_empty() {
                        return Some(());
                    }
                }
            }
            Event::End(_) => {
                let qname = open_names.pop()?;
                write_end(qname, &mut scope, &mut rendered, out);
                if open_names.is_empty() {
                    return Some(());
                }
            }
            Event::Text(t) => escape_text(&t.xml10_content(), out),
            Event::CData(t) => escape_text(&t.xml10_content(), out),
            Event::GeneralRef(r) => {
                let c = if r.is_char_ref() {
                    r.resolve_char_ref().ok()??
                } else {
                    predefined_entity(&r)?
                };
                escape_text(c.encode_utf8(&mut [0; 4]), out);
            }
            _ => return None,
        }
    }
}

/// The namespace declarations and the other attributes of a start tag, read from the
/// input itself so that they borrow from it.
#[allow(clippy::type_complexity)]
fn read_tag<'s>(
    text: &'s str,
    offset: usize,
    start: &BytesStart<'_>,
) -> Option<(Vec<(&'s str, Cow<'s, str>)>, Vec<(&'s str, Cow<'s, str>)>)> {
    let content: &str = start;
    let tag = text.get(offset + 1..offset + 1 + content.len())?;
    let name_len = start.name().as_ref().len();
    let mut declarations = Vec::new();
    let mut attributes = Vec::new();
    for attr in Attributes::new(tag, name_len) {
        let attr = attr.ok()?;
        let key: &'s str = attr.key.into_inner();
        let value = attr.normalized_value(XmlVersion::Implicit1_0).ok()?;
        if key == "xmlns" {
            declarations.push(("", value));
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            if value.is_empty() {
                return None;
            }
            declarations.push((prefix, value));
        } else {
            attributes.push((key, value));
        }
    }
    Some((declarations, attributes))
}

fn prefix_of(qname: &str) -> (&str, &str) {
    qname.split_once(':').unwrap_or(("", qname))
}

fn write_start<'s>(
    text: &'s str,
    offset: usize,
    start: &BytesStart<'_>,
    scope: &mut Bindings<'s>,
    rendered: &mut Bindings<'s>,
    subtree: &Subtree<'s>,
    out: &mut Vec<u8>,
) -> Option<&'s str> {
    let qname = text.get(offset + 1..offset + 1 + start.name().as_ref().len())?;
    let (declarations, raw_attributes) = read_tag(text, offset, start)?;
    scope.open();
    scope.entries.extend(declarations);
    let mut attributes = Vec::with_capacity(raw_attributes.len());
    let mut used: Vec<&str> = vec![prefix_of(qname).0];
    for (key, value) in raw_attributes {
        let (prefix, local) = prefix_of(key);
        let uri = match prefix {
            "" => "",
            "xml" => XML,
            _ => {
                used.push(prefix);
                scope.lookup(prefix)?
            }
        };
        attributes.push(Attribute {
            uri,
            local,
            qname: key,
            value,
        });
    }
    used.extend(subtree.inclusive.iter().copied());
    used.sort_unstable();
    used.dedup();
    rendered.open();
    out.push(b'<');
    out.extend_from_slice(qname.as_bytes());
    for prefix in used {
        let uri = match (prefix, scope.lookup(prefix)) {
            (_, Some(uri)) => uri,
            ("", None) => "",
            (_, None) if subtree.inclusive.contains(&prefix) => continue,
            (_, None) => return None,
        };
        if rendered.lookup(prefix) == Some(uri) {
            continue;
        }
        out.extend_from_slice(b" xmlns");
        if !prefix.is_empty() {
            out.push(b':');
            out.extend_from_slice(prefix.as_bytes());
        }
        out.extend_from_slice(b"=\"");
        escape_attribute(uri, out);
        out.push(b'"');
        // Borrowed from `scope`, which outlives this frame of `rendered`.
        let uri = scope_uri(scope, prefix)?;
        rendered.entries.push((prefix, uri));
    }
    attributes.sort_unstable_by(|a, b| (a.uri, a.local).cmp(&(b.uri, b.local)));
    for attribute in &attributes {
        out.push(b' ');
        out.extend_from_slice(attribute.qname.as_bytes());
        out.extend_from_slice(b"=\"");
        escape_attribute(&attribute.value, out);
        out.push(b'"');
    }
    out.push(b'>');
    Some(qname)
}

/// The binding of `prefix` in `scope`, cloned (cheap: URIs borrow from the input
/// unless unescaping changed them).
fn scope_uri<'s>(scope: &Bindings<'s>, prefix: &str) -> Option<Cow<'s, str>> {
    match scope.entries.iter().rev().find(|(p, _)| *p == prefix) {
        Some((_, uri)) => Some(uri.clone()),
        None if prefix.is_empty() => Some(Cow::Borrowed("")),
        None => None,
    }
}

fn write_end(
    qname: &str,
    scope: &mut Bindings<'_>,
    rendered: &mut Bindings<'_>,
    out: &mut Vec<u8>,
) {
    out.extend_from_slice(b"</");
    out.extend_from_slice(qname.as_bytes());
    out.push(b'>');
    scope.close();
    rendered.close();
}

fn escape_with(value: &str, out: &mut Vec<u8>, replacement: fn(u8) -> Option<&'static [u8]>) {
    let bytes = value.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(escaped) = replacement(b) {
            out.extend_from_slice(&bytes[from..i]);
            out.extend_from_slice(escaped);
            from = i + 1;
        }
    }
    out.extend_from_slice(&bytes[from..]);
}

fn escape_text(value: &str, out: &mut Vec<u8>) {
    escape_with(value, out, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

fn escape_attribute(value: &str, out: &mut Vec<u8>) {
    escape_with(value, out, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'"' => Some(b"&quot;"),
        b'\t' => Some(b"&#x9;"),
        b'\n' => Some(b"&#xA;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(
        input: &str,
        ancestors: &[&str],
        apex: &str,
        omit: Option<&str>,
        inclusive: &[&str],
    ) -> String {
        let offset = |tag: &str| input.find(tag).unwrap();
        let span = |tag: &str, end: &str| (offset(tag), input.rfind(end).unwrap() + end.len());
        let ancestors: Vec<usize> = ancestors.iter().map(|a| offset(a)).collect();
        let subtree = Subtree {
            input,
            ancestors: &ancestors,
            apex: span(&format!("<{apex}"), &format!("</{apex}>")),
            omit: omit.map(|o| span(&format!("<{o}"), &format!("</{o}>"))),
            inclusive,
        };
        let mut out = Vec::new();
        canonicalize(&subtree, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn sorts_attributes_renders_used_namespaces_and_escapes() {
        let input = "<r:Root xmlns:r=\"urn:r\" xmlns:unused=\"urn:u\" xmlns=\"urn:d\" b=\"2\" a=\"1\" r:z=\"3\">\
            <Child xmlns:q=\"urn:q\" q:x=\"&lt;&quot;&#9;&#10;&#13;>\" y=\"a\tb\r\nc\"/>\
            <r:E>t&amp;<![CDATA[<x>]]>&#13;&#x41;\r\n&gt;\u{e9}</r:E></r:Root>";
        assert_eq!(
            canonical(input, &[], "r:Root", None, &[]),
            "<r:Root xmlns:r=\"urn:r\" a=\"1\" b=\"2\" r:z=\"3\">\
            <Child xmlns=\"urn:d\" xmlns:q=\"urn:q\" y=\"a b c\" q:x=\"&lt;&quot;&#x9;&#xA;&#xD;>\"></Child>\
            <r:E>t&amp;&lt;x&gt;&#xD;A\n&gt;\u{e9}</r:E></r:Root>"
        );
    }

    #[test]
    fn sorts_attributes_by_namespace_uri_not_prefix() {
        let input = r#"<e xmlns:z="urn:a" xmlns:a="urn:z" a:k="1" z:k="2" k="3"></e>"#;
        assert_eq!(
            canonical(input, &[], "e", None, &[]).replace("></e>", "/>"),
            r#"<e xmlns:a="urn:z" xmlns:z="urn:a" k="3" z:k="2" a:k="1"/>"#
        );
    }

    #[test]
    fn takes_namespaces_from_ancestors_and_leaves_the_signature_out() {
        let input = "<a:Top xmlns:a=\"urn:a\" xmlns=\"urn:d\" xmlns:s=\"urn:s\" xml:lang=\"en\"><a:Mid ID=\"m\">\n  \
            <s:Sig><s:V>x</s:V></s:Sig>\n  <Inner><Bare xmlns=\"\"/></Inner></a:Mid></a:Top>";
        assert_eq!(
            canonical(input, &["<a:Top"], "a:Mid", Some("s:Sig"), &[]),
            "<a:Mid xmlns:a=\"urn:a\" ID=\"m\">\n  \n  <Inner xmlns=\"urn:d\"><Bare xmlns=\"\"></Bare></Inner></a:Mid>"
        );
        assert_eq!(
            canonical(input, &["<a:Top"], "a:Mid", None, &["s", "", "absent"]),
            "<a:Mid xmlns=\"urn:d\" xmlns:a=\"urn:a\" xmlns:s=\"urn:s\" ID=\"m\">\n  \
            <s:Sig><s:V>x</s:V></s:Sig>\n  <Inner><Bare xmlns=\"\"></Bare></Inner></a:Mid>"
        );
    }

    #[test]
    fn declares_a_redefined_prefix_again() {
        let input =
            r#"<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c xmlns:p="urn:2"/></p:b></p:a>"#;
        assert_eq!(
            canonical(input, &[], "p:a", None, &[]),
            r#"<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2"><p:c></p:c></p:b></p:a>"#
        );
    }
}
