//! The `axum_sso` example end to end against the pysaml2 IdP of `fixtures/saml/idp.py`:
//! an SP-initiated login signs the user in and lands on its RelayState; the same
//! response replayed and a tampered one are refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code fails loudly

use reqwest::blocking::{Client, Response};
use reqwest::redirect::Policy;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

const IDP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/saml/idp.py");

fn idp(args: &[&str]) -> String {
    let output = Command::new("python3")
        .args(["-W", "ignore", IDP])
        .args(args)
        .output()
        .expect("python3 runs (just setup installs pysaml2 and xmlsec1)");
    assert!(
        output.status.success(),
        "idp.py {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// The example binary: `cargo test` builds examples next to the test binaries
/// (`<target>/debug/examples`); a run of this test alone builds it first.
fn example() -> PathBuf {
    let deps = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_owned();
    let profile = deps.parent().unwrap();
    let binary = profile
        .join("examples")
        .join(format!("axum_sso{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let target = profile.parent().unwrap();
        let built = Command::new(cargo)
            .args([
                "build",
                "-p",
                "tessera-service",
                "--example",
                "axum_sso",
                "--target-dir",
            ])
            .arg(target)
            .status()
            .unwrap();
        assert!(built.success());
    }
    binary
}

/// The running example and its base URL; stopped when dropped.
struct Example(Child, String);

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(idp_metadata: &std::path::Path) -> Example {
    let mut child = Command::new(example())
        .args(["--bind", "127.0.0.1:0", "--org", "acme", "--idp-metadata"])
        .arg(idp_metadata)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{line}"));
    let url = format!("http://{addr}");
    Example(child, url)
}

fn request_id(location: &str) -> String {
    let encoded = location
        .split("SAMLRequest=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let query = format!("x={encoded}");
    let decoded = form_urlencoded::parse(query.as_bytes()).next().unwrap().1;
    let xml = tessera_saml::decode_redirect(&decoded, &Default::default()).unwrap();
    let xml = String::from_utf8(xml).unwrap();
    xml.split(" ID=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

fn first_cookie(response: &Response) -> String {
    let set = response.headers()["set-cookie"].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}

// covers L2, U3
#[test]
fn l2_the_axum_example_signs_in_an_sp_initiated_login_and_refuses_replays_and_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let idp_metadata = dir.path().join("idp.xml");
    std::fs::write(&idp_metadata, idp(&["metadata"])).unwrap();
    let example = start(&idp_metadata);
    let url = |path: &str| format!("{}{path}", example.1);
    let http = Client::builder().redirect(Policy::none()).build().unwrap();

    let sp_metadata = dir.path().join("sp.xml");
    let xml = http
        .get(url("/saml/acme/metadata"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    std::fs::write(&sp_metadata, xml).unwrap();
    let sp = sp_metadata.to_str().unwrap();

    let redirect = http
        .get(url("/saml/acme/login?RelayState=%2Fdeals%2F42"))
        .send()
        .unwrap();
    assert_eq!(redirect.status(), 302);
    let binding = first_cookie(&redirect);
    let location = redirect.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("https://idp.example.org/sso?SAMLRequest="),
        "{location}"
    );
    let id = request_id(location);

    let name = "jane@acme.example";
    let response = idp(&[
        "sign",
        "--sp-metadata",
        sp,
        "--name-id",
        name,
        "--in-response-to",
        &id,
    ]);
    let post = |saml_response: &str| {
        let form = [("SAMLResponse", saml_response)];
        http.post(url("/saml/acme/acs"))
            .header("cookie", &binding)
            .form(&form)
            .send()
            .unwrap()
    };
    let accepted = post(&response);
    assert_eq!(accepted.status(), 303);
    assert_eq!(accepted.headers()["location"], "/deals/42");
    let session = first_cookie(&accepted);
    let page = http
        .get(url("/deals/42"))
        .header("cookie", session)
        .send()
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(page.text().unwrap(), format!("signed in as {name}"));

    let replayed = post(&response);
    assert_eq!(replayed.status(), 403);
    assert!(replayed.text().unwrap().contains("could not be accepted"));

    let unsolicited = idp(&["sign", "--sp-metadata", sp, "--name-id", "eve@acme.example"]);
    let xml = tessera_saml::decode_post(&unsolicited, &Default::default()).unwrap();
    let forged = String::from_utf8(xml)
        .unwrap()
        .replace("eve@acme.example", "boss@acme.example");
    let tampered = post(&tessera_saml::encode_post(&forged));
    assert_eq!(tampered.status(), 403);
    assert!(
        tampered.headers().get("set-cookie").is_none(),
        "no session on a refusal"
    );
}
