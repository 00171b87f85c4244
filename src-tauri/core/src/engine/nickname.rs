//! The certificate's nickname: its subject's common name, the PKCS#12
//! friendly name, the suggested file name and the keychain account. Letters
//! and numbers of any alphabet, spaces, dashes and underscores, at most 64
//! characters; unique on this computer, compared by Unicode case folding.

use std::fmt;

use icu_casemap::CaseMapper;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use super::error::{Field, FieldError};

/// The longest nickname: also X.509's upper bound for a common name.
pub const NICKNAME_MAX_CHARS: usize = 64;

/// A checked nickname: trimmed, in Unicode NFC, 1–64 characters, letters and
/// numbers of any alphabet, spaces, dashes and underscores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nickname(String);

impl Nickname {
    /// Parses a nickname against the rules and the nicknames already in use.
    pub fn parse<'a>(
        raw: &str,
        existing: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, FieldError> {
        let err = |m: String| FieldError::new(Field::Nickname, m);
        let name: String = raw.trim().nfc().collect();
        if name.is_empty() {
            return Err(err("enter a nickname (letters, numbers, spaces, dashes and underscores, at most 64 characters).".into()));
        }
        let count = name.chars().count();
        if count > NICKNAME_MAX_CHARS {
            return Err(err(format!(
                "at most {NICKNAME_MAX_CHARS} characters are allowed; this one has {count}."
            )));
        }
        let mut previous: Option<char> = None;
        for c in name.chars() {
            if !nickname_char_allowed(c, previous) {
                return Err(err(format!(
                    "only letters, numbers, spaces, dashes (-) and underscores (_) are allowed; {} is not.",
                    describe_char(c)
                )));
            }
            previous = Some(c);
        }
        let key = Self::uniqueness_key_of(&name);
        if existing
            .into_iter()
            .any(|other| Self::uniqueness_key_of(other) == key)
        {
            return Err(err(format!(
                "a certificate named “{name}” already exists on this computer (names are compared ignoring case); choose another nickname."
            )));
        }
        Ok(Nickname(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Two nicknames clash when these keys are equal: trimmed, NFC, then
    /// Unicode full case folding (the standard for caseless matching, which
    /// plain lower-casing is not: "STRASSE", "Straße" and "STRAẞE" are one
    /// name, and so are "ﬓ" and "ՄՆ"), then NFC again.
    pub fn uniqueness_key_of(raw: &str) -> String {
        let nfc: String = raw.trim().nfc().collect();
        CaseMapper::new().fold_string(&nfc).nfc().collect()
    }
}

impl fmt::Display for Nickname {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Letters and numbers of any alphabet, with the combining marks some scripts
/// need after a letter (Devanagari vowel signs, for instance); space, dash,
/// underscore. Characters beyond the Basic Multilingual Plane are refused:
/// PKCS#12 friendly names are BMPStrings and cannot hold them.
pub(crate) fn nickname_char_allowed(c: char, previous: Option<char>) -> bool {
    if u32::from(c) > 0xFFFF {
        return false;
    }
    match c {
        ' ' | '-' | '_' => true,
        _ if c.is_alphanumeric() => true,
        _ => {
            c.general_category_group() == GeneralCategoryGroup::Mark
                && previous.is_some_and(|p| {
                    p.is_alphanumeric() || p.general_category_group() == GeneralCategoryGroup::Mark
                })
        }
    }
}

/// Names a refused character so that invisible ones can be seen in a message.
fn describe_char(c: char) -> String {
    let code = format!("U+{:04X}", u32::from(c));
    let name = match c {
        '/' | '\\' => Some("a path separator"),
        '.' => Some("a dot"),
        '\u{0}' => Some("a NUL character"),
        '\t' | '\n' | '\r' => Some("a tab or line break"),
        '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' => Some("an invisible character"),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {
            Some("an invisible text-direction character")
        }
        _ if c.is_control() => Some("a control character"),
        _ if u32::from(c) > 0xFFFF => Some("a character such as an emoji"),
        _ if c.is_whitespace() => Some("a special space"),
        _ => None,
    };
    match name {
        Some(name) => format!("{name} ({code})"),
        None => format!("“{c}” ({code})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nick(raw: &str) -> Result<Nickname, FieldError> {
        Nickname::parse(raw, std::iter::empty())
    }

    #[test]
    fn nicknames_of_any_alphabet_are_accepted() {
        for ok in [
            "Billing API",
            "billing-api_2",
            "Zahlungs-Schnittstelle",
            "Счёт",
            "請求 API",
            "नमस्ते",
            "مرحبا",
            "a",
            &"x".repeat(64),
        ] {
            assert_eq!(nick(ok).unwrap().as_str(), ok, "{ok}");
        }
    }

    #[test]
    fn nickname_is_trimmed_and_normalised() {
        assert_eq!(nick("  Billing  ").unwrap().as_str(), "Billing");
        // "é" as e + combining acute becomes the single composed character.
        assert_eq!(nick("Cafe\u{301}").unwrap().as_str(), "Caf\u{e9}");
    }

    #[test]
    fn hostile_nicknames_are_refused_with_the_rule() {
        for (bad, names) in [
            ("", "enter a nickname"),
            ("   ", "enter a nickname"),
            ("\t", "enter a nickname"),
            ("a\u{0}b", "NUL"),
            ("a\u{7}b", "control character"),
            ("a\nb", "line break"),
            ("evil\u{202E}gpj.exe", "text-direction"),
            ("in\u{200B}visible", "invisible"),
            ("zero\u{200D}joiner", "invisible"),
            ("bom\u{FEFF}", "invisible"),
            ("../etc/passwd", "dot"),
            ("a/b", "path separator"),
            ("a\\b", "path separator"),
            ("name.p12", "dot"),
            ("rocket 🚀", "emoji"),
            ("semi;colon", "“;”"),
            ("quote\"s", "“\"”"),
            ("non\u{A0}breaking", "special space"),
            ("\u{301}leading mark", "U+0301"),
            ("CJK ext B \u{20000}", "U+20000"),
        ] {
            let err = nick(bad).unwrap_err();
            assert_eq!(err.field, Field::Nickname);
            assert!(err.message.contains(names), "{bad:?}: {}", err.message);
            if !bad.trim().is_empty() {
                assert!(
                    err.message.contains("letters, numbers, spaces, dashes"),
                    "{bad:?}: {}",
                    err.message
                );
            }
        }
    }

    #[test]
    fn nickname_length_counts_characters() {
        assert!(nick(&"é".repeat(64)).is_ok());
        let err = nick(&"x".repeat(65)).unwrap_err();
        assert!(err.message.contains("at most 64"), "{}", err.message);
        assert!(err.message.contains("65"), "{}", err.message);
    }

    #[test]
    fn nickname_must_be_unique_ignoring_case_and_spaces() {
        let existing = ["Billing API", "Straße", "Cafe\u{301}", "ﬓ"];
        for clash in [
            "billing api",
            "  BILLING API ",
            "STRAẞE",
            "STRASSE",
            "Strasse",
            "café",
            "CAFÉ",
            "ՄՆ",
            "մն",
        ] {
            let err = Nickname::parse(clash, existing.iter().copied()).unwrap_err();
            assert!(
                err.message.contains("already exists"),
                "{clash}: {}",
                err.message
            );
        }
        for fine in ["Billing API 2", "Strase", "Billing-API"] {
            assert!(
                Nickname::parse(fine, existing.iter().copied()).is_ok(),
                "{fine}"
            );
        }
    }
}
