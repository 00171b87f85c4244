//! The form as the window shows it: the choices, the dates' range and every
//! hint and limit, from the rules themselves, so that the page repeats no
//! rule and no number of its own.

use serde::Serialize;

use crate::engine::{
    combinations_text, Choice, Clock, Encryption, EndDateRange, KeyType, SignatureHash,
    MAX_VALIDITY_YEARS, NICKNAME_MAX_CHARS,
};
use crate::keychain;
use crate::store::{DEFAULT_REMINDER_DAYS, MAX_REMINDER_DAYS, MIN_REMINDER_DAYS};

/// How long a copied password stays on the clipboard.
pub const CLIPBOARD_SECONDS: u64 = 60;

/// One choice of a select.
#[derive(Debug, Clone, Serialize)]
pub struct Option_ {
    pub token: &'static str,
    pub label: &'static str,
    /// The default, and the one the form recommends.
    pub recommended: bool,
}

fn options<C: Choice + Default + PartialEq>() -> Vec<Option_> {
    C::ALL
        .iter()
        .map(|c| Option_ {
            token: c.token(),
            label: c.label(),
            recommended: *c == C::default(),
        })
        .collect()
}

/// The words next to each field.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hints {
    pub nickname: String,
    pub end_date: String,
    pub api_token_end_date: String,
    pub encryption: String,
    pub signature_hash: String,
    pub key_type: String,
    pub reminder_days: String,
    pub copied: String,
    pub copied_from_keychain: String,
    pub pem: String,
}

/// What the form needs to start.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Defaults {
    pub today: String,
    pub end_date: String,
    pub earliest: String,
    pub latest: String,
    /// The admin's time zone: the end date is read in it.
    pub zone: String,
    pub encryptions: Vec<Option_>,
    pub hashes: Vec<Option_>,
    pub key_types: Vec<Option_>,
    /// For each key type, the hashes it can sign with (tokens): the one
    /// table of combinations.
    pub key_hashes: Vec<(&'static str, Vec<&'static str>)>,
    pub combinations: String,
    pub nickname_max: usize,
    pub reminder_min: u32,
    pub reminder_max: u32,
    pub reminder_default: u32,
    pub clipboard_seconds: u64,
    /// What this system calls its keychain, and AuthCert's service in it.
    pub keychain_name: &'static str,
    pub keychain_service: &'static str,
    pub hints: Hints,
}

impl Defaults {
    pub fn on(clock: &Clock) -> Defaults {
        let today = clock.today();
        let range = EndDateRange::on(today, None);
        let zone = clock.zone_name();
        let hints = Hints {
            nickname: format!(
                "Letters, numbers, spaces, dashes and underscores, at most {NICKNAME_MAX_CHARS}. It names the certificate and its file."
            ),
            end_date: format!(
                "Valid until the end of that day in your time zone ({zone}); from tomorrow to {MAX_VALIDITY_YEARS} years from today. It can never be changed later."
            ),
            api_token_end_date: "If the API token or account this certificate belongs to ends on a date, the certificate may not outlive it.".into(),
            encryption: encryption_hint().into(),
            signature_hash: "SHA-256 is accepted everywhere.".into(),
            key_type: format!(
                "RSA 3072 works everywhere. ECDSA keys are smaller, but some Windows and macOS versions refuse them in .p12 files. Combinations: {}.",
                combinations_text()
            ),
            reminder_days: format!(
                "From {MIN_REMINDER_DAYS} to {MAX_REMINDER_DAYS} days. AuthCert shows a banner and a desktop notification at start-up."
            ),
            copied: format!(
                "Copied. The clipboard is cleared again in {} if it still holds the password.",
                duration_words(CLIPBOARD_SECONDS)
            ),
            pem: "For clients that read PEM rather than .p12 (Python's ssl, requests and httpx; Node's key and cert options; nginx as a proxy): the certificate and its private key in one file, the key encrypted with the same password. Save it before the download: after the download the key is wiped.".into(),
            copied_from_keychain: format!(
                "Password copied from the keychain. The clipboard is cleared again in {} if it still holds it.",
                duration_words(CLIPBOARD_SECONDS)
            ),
        };
        Defaults {
            today: today.to_string(),
            end_date: EndDateRange::default_end(today, None).to_string(),
            earliest: range.earliest.to_string(),
            latest: range.latest.to_string(),
            zone,
            encryptions: options::<Encryption>(),
            hashes: options::<SignatureHash>(),
            key_types: options::<KeyType>(),
            key_hashes: KeyType::ALL
                .iter()
                .map(|k| (k.token(), k.hashes().iter().map(|h| h.token()).collect()))
                .collect(),
            combinations: combinations_text(),
            nickname_max: NICKNAME_MAX_CHARS,
            reminder_min: MIN_REMINDER_DAYS,
            reminder_max: MAX_REMINDER_DAYS,
            reminder_default: DEFAULT_REMINDER_DAYS,
            clipboard_seconds: CLIPBOARD_SECONDS,
            keychain_name: keychain::system_name(),
            keychain_service: keychain::SERVICE,
            hints,
        }
    }
}

/// When to choose which encryption, in plain words. The facts, from the
/// importers' own source where it is open and their maintainers' reports
/// otherwise (README, "Which encryption"): OpenSSL 1.1.1 and 3, curl,
/// Postman, Insomnia, Bruno (BoringSSL since 2019), Node, Python's
/// cryptography, Java 8u301 / 11.0.12 / 12 and later (JDK-8153005), Windows
/// 10 1709 and Server 2019 and later, and macOS 15's newer decoder
/// (Security framework p12import.c, reached by SecPKCS12Import and `security
/// import -f pkcs12`) read AES-256 (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC,
/// HMAC-SHA256 MAC). macOS's older decoder (pkcs12Decode.cpp: `security
/// import` without -f, Keychain Access, everything on macOS 14 and older;
/// its MAC is SHA-1 only), Windows Server 2016 and Windows 10 before 1709,
/// Java before 8u301 and Android 13 and older refuse it as "wrong password";
/// all of them read Triple DES (pbeWithSHAAnd3-KeyTripleDES-CBC, HMAC-SHA1),
/// which OpenSSL 3 reads without its legacy provider.
pub fn encryption_hint() -> &'static str {
    "How the file is protected. AES-256 (recommended) opens in every current API client (curl, Postman, Insomnia, Bruno, Python, Node, Java 8u301 and later), on Windows 10 (version 1709 and later), Windows 11 and Windows Server 2019 and later, and on macOS 15 and later with `security import -f pkcs12`. Choose Triple DES if the file will go into a Mac's keychain by double-click or on macOS 14 or older, into Windows Server 2016 or older, Java 8 before 8u301, or Android 13 or older: those refuse AES-256 files, saying the password is wrong."
}

/// `text` wrapped to `width` columns, every line after the first indented
/// by `indent` spaces (for the command line's help).
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let room = width - if out.is_empty() { 0 } else { indent };
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > room {
            if !out.is_empty() {
                out.push_str(&" ".repeat(indent));
            }
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        if !out.is_empty() {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&line);
    }
    out
}

/// "one minute", "2 minutes", "30 seconds".
pub fn duration_words(seconds: u64) -> String {
    match seconds {
        60 => "one minute".into(),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        1 => "one second".into(),
        s => format!("{s} seconds"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_come_from_the_rules() {
        let d = Defaults::on(&Clock::system());
        assert!(d.hints.nickname.contains(&NICKNAME_MAX_CHARS.to_string()));
        assert!(d.hints.end_date.contains(&d.zone));
        assert!(d
            .hints
            .reminder_days
            .contains(&MAX_REMINDER_DAYS.to_string()));
        assert!(d.hints.copied.contains("one minute"));
        assert!(d.hints.key_type.contains(&combinations_text()));
        assert_eq!(d.key_hashes.len(), KeyType::ALL.len());
        assert_eq!(duration_words(120), "2 minutes");
        assert_eq!(duration_words(2), "2 seconds");
        assert_eq!(wrap("aa bb cc dd", 5, 2), "aa bb\n  cc\n  dd");
    }
}
