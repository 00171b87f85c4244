//! What the admin types for an integration, parsed once: its name, the
//! API's address and a note. A value of these types is always one the list
//! may keep; every refusal names the field and the rule.

use crate::connect::{Fingerprint, Target};
use crate::engine::Nickname;
use crate::store::Integration;

use super::IntegrationError;

pub const MAX_NAME_CHARS: usize = 80;
pub const MAX_NOTE_CHARS: usize = 500;

/// "Nightly billing export": one line, 1 to 80 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

/// "app server 3, /etc/billing/client.p12": one line, at most 500
/// characters, may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Note(String);

/// One line of text within `max` characters, or the rule it breaks.
fn one_line(raw: &str, max: usize, empty_ok: bool) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() && !empty_ok {
        return Err("enter a name, for example “Nightly billing export”.".into());
    }
    let count = text.chars().count();
    if count > max {
        return Err(format!(
            "at most {max} characters are allowed; this one has {count}."
        ));
    }
    if text.chars().any(crate::text::is_unsafe) {
        return Err(
            "contains a control or text-direction character (a line break, tab or escape?); write it on one line."
                .into(),
        );
    }
    Ok(text.to_string())
}

impl Name {
    pub fn parse(raw: &str) -> Result<Name, IntegrationError> {
        one_line(raw, MAX_NAME_CHARS, false)
            .map(Name)
            .map_err(IntegrationError::Name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Two names are the same integration when they differ only in case or
    /// width, as two nicknames are.
    pub(crate) fn same(&self, other: &str) -> bool {
        Nickname::uniqueness_key_of(&self.0) == Nickname::uniqueness_key_of(other)
    }
}

impl Note {
    pub fn parse(raw: &str) -> Result<Note, IntegrationError> {
        one_line(raw, MAX_NOTE_CHARS, true)
            .map(Note)
            .map_err(IntegrationError::Note)
    }
}

/// A new integration, every part parsed.
#[derive(Debug, Clone)]
pub struct NewIntegration {
    pub name: Name,
    pub url: Target,
    pub note: Note,
    /// A server certificate to trust at this address beyond the system's.
    pub trust_server: Option<Fingerprint>,
}

impl NewIntegration {
    /// Parses the three fields; the first one refused is said.
    pub fn parse(name: &str, url: &str, note: &str) -> Result<NewIntegration, IntegrationError> {
        Ok(NewIntegration {
            name: Name::parse(name)?,
            url: Target::parse(url).map_err(IntegrationError::Address)?,
            note: Note::parse(note)?,
            trust_server: None,
        })
    }

    /// Also trusts the server certificate with this SHA-256 fingerprint at
    /// the address (the admin's choice, as for one test).
    pub fn trusting(mut self, sha256: &str) -> Result<NewIntegration, IntegrationError> {
        self.trust_server = Some(
            crate::connect::target::trusted_server(sha256).map_err(IntegrationError::Address)?,
        );
        Ok(self)
    }

    /// As the list keeps it: not tested yet.
    pub(crate) fn into_listed(self) -> Integration {
        Integration {
            name: self.name.0,
            url: self.url.to_string(),
            note: self.note.0,
            trust_server: self.trust_server,
            last_test: None,
            moved: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_notes_and_addresses_are_parsed_with_their_rules() {
        let ok = NewIntegration::parse(
            "  Nightly billing export ",
            "https://api.example.com/health#top",
            " app server 3, /etc/billing/client.p12 ",
        )
        .unwrap();
        let listed = ok.into_listed();
        assert_eq!(listed.name, "Nightly billing export");
        assert_eq!(listed.url, "https://api.example.com/health");
        assert_eq!(listed.note, "app server 3, /etc/billing/client.p12");
        assert!(NewIntegration::parse("A", "https://a.example/", "").is_ok());
        for (name, url, note, field, words) in [
            ("", "https://a.example/", "", "name", "enter a name"),
            ("a\nb", "https://a.example/", "", "name", "on one line"),
            (
                "a\u{202E}b",
                "https://a.example/",
                "",
                "name",
                "text-direction",
            ),
            (
                &"n".repeat(81),
                "https://a.example/",
                "",
                "name",
                "at most 80",
            ),
            ("A", "http://a.example/", "", "url", "https://"),
            ("A", "https://u:p@a.example/", "", "url", "user name"),
            (
                "A",
                "https://a.example/",
                "x\u{1b}[2J",
                "note",
                "on one line",
            ),
            (
                "A",
                "https://a.example/",
                &"n".repeat(501),
                "note",
                "at most 500",
            ),
        ] {
            let e = NewIntegration::parse(name, url, note).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e}");
            assert!(e.to_string().contains(words), "{e}");
        }
        let ok = NewIntegration::parse("A", "https://a.example/", "").unwrap();
        let e = ok.clone().trusting("zz").unwrap_err();
        assert_eq!(e.field(), Some("trustServer"), "{e}");
        let pinned = ok.trusting(&"ab".repeat(32)).unwrap().into_listed();
        assert_eq!(
            pinned.trust_server.map(|f| f.to_string()),
            Some(vec!["AB"; 32].join(":"))
        );
        assert!(Name::parse("Billing").unwrap().same("BILLING"));
        assert!(!Name::parse("Billing").unwrap().same("Billing 2"));
    }
}
