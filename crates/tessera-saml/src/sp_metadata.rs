//! Our SP metadata (served at `GET /saml/{ws}/metadata`).

use crate::names::NAMEID_EMAIL;
use crate::settings::ServiceProvider;
use quick_xml::escape::escape;

/// The SP metadata of `sp`: entity id, ACS (HTTP-POST), NameID format, and, with a key
/// pair, the signing and encryption certificate.
pub fn sp_metadata(sp: &ServiceProvider) -> String {
    let signed = sp.key_pair.is_some();
    let mut xml = format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" ",
            "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"{entity}\">\n",
            "  <md:SPSSODescriptor AuthnRequestsSigned=\"{signed}\" WantAssertionsSigned=\"true\" ",
            "protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">\n",
        ),
        entity = escape(&sp.entity_id),
        signed = signed,
    );
    if let Some(keys) = &sp.key_pair {
        let cert = keys.certificate().to_base64();
        for usage in ["signing", "encryption"] {
            xml.push_str(&format!(
                "    <md:KeyDescriptor use=\"{usage}\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>\n"
            ));
        }
    }
    xml.push_str(&format!(
        concat!(
            "    <md:NameIDFormat>{format}</md:NameIDFormat>\n",
            "    <md:AssertionConsumerService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST\" ",
            "Location=\"{acs}\" index=\"0\" isDefault=\"true\"/>\n",
            "  </md:SPSSODescriptor>\n",
            "</md:EntityDescriptor>\n",
        ),
        format = NAMEID_EMAIL,
        acs = escape(&sp.acs_url),
    ));
    xml
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::certificate::SpKeyPair;
    use tessera_core::WorkspaceName;

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/../../fixtures/saml/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn the_fixture_idp_was_configured_from_exactly_this_metadata() {
        let keys = SpKeyPair::from_pem(&fixture("keys/sp.key"), &fixture("keys/sp.crt")).unwrap();
        let sp = ServiceProvider::for_workspace(
            "https://sso.tessera.test",
            WorkspaceName::parse("acme").unwrap(),
            Some(keys),
        )
        .unwrap();
        assert_eq!(sp_metadata(&sp), fixture("sp-metadata.xml"));
    }

    #[test]
    fn without_a_key_no_certificate_is_published() {
        let sp = ServiceProvider::for_workspace(
            "http://127.0.0.1:8080",
            WorkspaceName::parse("demo").unwrap(),
            None,
        )
        .unwrap();
        let xml = sp_metadata(&sp);
        assert!(xml.contains("AuthnRequestsSigned=\"false\""));
        assert!(!xml.contains("KeyDescriptor"));
        assert!(xml.contains("entityID=\"http://127.0.0.1:8080/saml/demo/metadata\""));
        crate::xml_tree::parse(xml.as_bytes()).unwrap();
    }
}
