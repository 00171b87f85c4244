//! What the admin types for a test, parsed once: the API's address, the
//! server fingerprint to trust for one test, and the time limit. A value of
//! these types is always usable; every refusal names the field and the rule.

use std::fmt;
use std::time::Duration;

use super::ConnectError;

/// Longer addresses are refused before they are parsed.
pub const MAX_ADDRESS_CHARS: usize = 2048;
pub const DEFAULT_TIMEOUT_SECONDS: u64 = 10;
pub const MAX_TIMEOUT_SECONDS: u64 = 60;

/// An `https://` address with a host, no user name or password, and no
/// control characters.
#[derive(Clone, PartialEq, Eq)]
pub struct Target(url::Url);

impl Target {
    pub fn parse(raw: &str) -> Result<Target, ConnectError> {
        let bad = |rule: &str| ConnectError::Address(rule.to_string());
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(bad(
                "enter the address of your API, starting with https://.",
            ));
        }
        if raw.chars().count() > MAX_ADDRESS_CHARS {
            return Err(ConnectError::Address(format!(
                "at most {MAX_ADDRESS_CHARS} characters; enter the API's address only."
            )));
        }
        if raw.chars().any(char::is_control) {
            return Err(bad(
                "contains a control character (a line break or tab?); enter the address on one line.",
            ));
        }
        let scheme_end = raw.find("://").map(|i| &raw[..i]);
        if !scheme_end.is_some_and(|s| s.eq_ignore_ascii_case("https")) {
            return Err(bad(
                "must start with https:// (a client certificate is only presented over HTTPS).",
            ));
        }
        let url = url::Url::parse(raw).map_err(|e| {
            ConnectError::Address(format!(
                "is not a valid web address ({e}); for example https://api.example.com/health."
            ))
        })?;
        if url.scheme() != "https" {
            return Err(bad("must start with https://."));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "must not contain a user name or password (user:password@); the certificate is what proves who you are.",
            ));
        }
        if url.host().is_none() {
            return Err(bad(
                "has no server name; for example https://api.example.com/.",
            ));
        }
        let mut url = url;
        // The fragment never leaves the client; drop it so it is not shown.
        url.set_fragment(None);
        Ok(Target(url))
    }

    pub fn url(&self) -> &url::Url {
        &self.0
    }

    /// The server's name (or address) as typed, for messages.
    pub fn host(&self) -> String {
        self.0.host_str().unwrap_or_default().to_string()
    }

    pub fn port(&self) -> u16 {
        self.0.port_or_known_default().unwrap_or(443)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Target({})", self.0)
    }
}

pub use crate::ids::Fingerprint;

/// The fingerprint of a server certificate to trust for a test, as
/// `--trust-server` and the window's field take it: 64 hex digits, with or
/// without colons or spaces, any case.
pub fn trusted_server(raw: &str) -> Result<Fingerprint, ConnectError> {
    Fingerprint::parse(raw).map_err(|_| {
        ConnectError::Fingerprint(
            "give the server's SHA-256 fingerprint: 64 hexadecimal digits (0-9, A-F), colons allowed, as AuthCert shows it.".into(),
        )
    })
}

/// How long one test may take, from the connection to the answer's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeout(u64);

impl Timeout {
    pub fn parse(raw: &str) -> Result<Timeout, ConnectError> {
        match raw.trim().parse::<u64>() {
            Ok(s) if (1..=MAX_TIMEOUT_SECONDS).contains(&s) => Ok(Timeout(s)),
            _ => Err(ConnectError::Timeout(format!(
                "give a whole number of seconds from 1 to {MAX_TIMEOUT_SECONDS}."
            ))),
        }
    }

    pub fn seconds(self) -> u64 {
        self.0
    }

    pub fn duration(self) -> Duration {
        Duration::from_secs(self.0)
    }
}

impl Default for Timeout {
    fn default() -> Self {
        Timeout(DEFAULT_TIMEOUT_SECONDS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_that_can_be_tested() {
        for ok in [
            "https://api.example.com",
            "  https://api.example.com/health?x=1  ",
            "HTTPS://API.example.com:8443/v1",
            "https://127.0.0.1:4443/",
            "https://[::1]:4443/",
        ] {
            Target::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
        }
        let t = Target::parse("https://api.example.com/a#secret").unwrap();
        assert_eq!(t.to_string(), "https://api.example.com/a");
        assert_eq!(t.port(), 443);
    }

    #[test]
    fn addresses_refused_with_the_rule() {
        let long = format!("https://example.com/{}", "a".repeat(100_000));
        for (bad, words) in [
            ("", "enter the address"),
            ("http://api.example.com", "must start with https://"),
            ("file:///etc/passwd", "must start with https://"),
            ("ftp://x", "must start with https://"),
            ("api.example.com", "must start with https://"),
            ("https://user:pw@api.example.com", "user name or password"),
            ("https://user@api.example.com", "user name or password"),
            ("https://api.example.com/\nHost: evil", "control character"),
            ("https://api.exa\u{7}mple.com", "control character"),
            ("https://", "not a valid web address"),
            (long.as_str(), "at most 2048"),
        ] {
            let e = Target::parse(bad).expect_err(bad).to_string();
            assert!(e.starts_with("API address: "), "{e}");
            assert!(e.contains(words), "{bad:.40}: {e}");
            assert!(e.len() < 300, "{e}");
        }
    }

    #[test]
    fn fingerprints() {
        let hex = "AB".repeat(32);
        let colons = vec!["ab"; 32].join(":");
        assert_eq!(
            trusted_server(&hex).unwrap(),
            trusted_server(&colons).unwrap()
        );
        assert_eq!(
            trusted_server(&hex).unwrap().to_string(),
            vec!["AB"; 32].join(":")
        );
        for bad in [
            "",
            "AB",
            &"G".repeat(64),
            &"A".repeat(66),
            &"A".repeat(1000),
        ] {
            let e = trusted_server(bad).expect_err(bad).to_string();
            assert!(e.starts_with("Trust server fingerprint: "), "{e}");
        }
        assert_eq!(Fingerprint::of(b"abc").to_string().len(), 32 * 3 - 1);
    }

    #[test]
    fn timeouts() {
        assert_eq!(Timeout::parse("2").unwrap().seconds(), 2);
        assert_eq!(Timeout::default().seconds(), DEFAULT_TIMEOUT_SECONDS);
        for bad in ["0", "61", "-1", "x", "1.5", ""] {
            assert!(Timeout::parse(bad)
                .unwrap_err()
                .to_string()
                .starts_with("Time limit: "));
        }
    }
}
