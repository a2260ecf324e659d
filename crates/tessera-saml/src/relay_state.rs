//! RelayState: where to send the browser after login. Only paths on this host.

/// Longest RelayState kept (SAML bindings allow 80 bytes; IdPs pass more).
const MAX_LEN: usize = 1024;

/// Returns `value` when it is a relative path on this host (`/deals/42?tab=1`), else
/// `None`: no scheme (`javascript:`, `https://evil`), no authority (`//evil`, `/\evil`),
/// no backslashes or control characters (browsers drop tabs and newlines: `/\t/evil`).
pub fn sanitize(value: &str) -> Option<&str> {
    let ok = value.len() <= MAX_LEN
        && value.starts_with('/')
        && !value.starts_with("//")
        && !value.contains('\\')
        && !value.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_host_paths_pass() {
        for good in ["/", "/app", "/deals/42?tab=notes#top", "/a/b%2F%2Fc"] {
            assert_eq!(sanitize(good), Some(good), "{good}");
        }
        let long = format!("/{}", "a".repeat(MAX_LEN));
        for bad in [
            "",
            "app",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "https://evil.example/",
            " /app",
            "/app page",
            "/x\\y",
            long.as_str(),
        ] {
            assert_eq!(sanitize(bad), None, "{bad:?}");
        }
    }
}
