//! The admin's choices, parsed once into typed values (parse, don't validate).
//! Every refusal names the field and the rule, with the allowed range.

use std::fmt;

use icu_casemap::CaseMapper;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use super::error::{Field, FieldError, InvalidRequest};

/// The longest nickname: also X.509's upper bound for a common name.
pub const NICKNAME_MAX_CHARS: usize = 64;
/// How far ahead an end date may lie.
pub const MAX_VALIDITY_YEARS: i16 = 5;

/// "Now" and the admin's time zone: the engine never reads the clock itself,
/// so every rule can be tested on any day, in any zone.
#[derive(Debug, Clone)]
pub struct Clock {
    pub now: Timestamp,
    pub zone: TimeZone,
}

impl Clock {
    /// The system clock in the system's time zone (UTC when it cannot be read).
    pub fn system() -> Self {
        Clock {
            now: Timestamp::now(),
            zone: crate::platform::zone::system(),
        }
    }

    pub fn today(&self) -> Date {
        self.now.to_zoned(self.zone.clone()).date()
    }

    /// A readable name for the zone: its IANA name, or its offset.
    pub fn zone_name(&self) -> String {
        match self.zone.iana_name() {
            Some(name) => name.to_string(),
            None => self
                .now
                .to_zoned(self.zone.clone())
                .strftime("UTC%:z")
                .to_string(),
        }
    }
}

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

/// Parses YYYY-MM-DD as a calendar date; `field` names the input in errors.
pub fn parse_date(raw: &str, field: Field) -> Result<Date, FieldError> {
    let s = raw.trim();
    let err = || {
        FieldError::new(
            field,
            format!(
                "“{}” is not a date; write it as YYYY-MM-DD, for example 2027-03-31.",
                s.chars().take(40).collect::<String>()
            ),
        )
    };
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(err());
    };
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(err());
    }
    // Each part is 2-4 ASCII digits, so these parses cannot fail.
    let (y, m, d): (i16, i8, i8) = (
        y.parse().map_err(|_| err())?,
        m.parse().map_err(|_| err())?,
        d.parse().map_err(|_| err())?,
    );
    Date::new(y, m, d).map_err(|_| {
        FieldError::new(
            field,
            format!("{s} does not exist in the calendar; check the day and the month."),
        )
    })
}

/// How the `.p12` file is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Encryption {
    /// PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, HMAC-SHA256 MAC.
    #[default]
    Aes256,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC, HMAC-SHA1 MAC, for older systems.
    TripleDes,
}

/// The hash in the certificate's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignatureHash {
    #[default]
    Sha256,
    Sha384,
    Sha512,
}

/// The kind and size of the private key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeyType {
    Rsa2048,
    #[default]
    Rsa3072,
    Rsa4096,
    EcdsaP256,
    EcdsaP384,
}

/// A choice with a stable token (for the command line and the window) and a
/// label the admin reads.
pub trait Choice: Sized + Copy + 'static {
    const FIELD: Field;
    const ALL: &'static [Self];
    fn token(self) -> &'static str;
    fn label(self) -> &'static str;

    fn parse(raw: &str) -> Result<Self, FieldError> {
        let wanted = raw.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.token() == wanted)
            .ok_or_else(|| {
                let tokens: Vec<&str> = Self::ALL.iter().map(|c| c.token()).collect();
                FieldError::new(
                    Self::FIELD,
                    format!(
                        "“{}” is not one of the choices; choose one of: {}.",
                        raw.trim().chars().take(40).collect::<String>(),
                        tokens.join(", ")
                    ),
                )
            })
    }
}

impl Choice for Encryption {
    const FIELD: Field = Field::Encryption;
    const ALL: &'static [Self] = &[Encryption::Aes256, Encryption::TripleDes];
    fn token(self) -> &'static str {
        match self {
            Encryption::Aes256 => "aes-256",
            Encryption::TripleDes => "3des",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Encryption::Aes256 => "AES-256",
            Encryption::TripleDes => "Triple DES",
        }
    }
}

impl Choice for SignatureHash {
    const FIELD: Field = Field::SignatureHash;
    const ALL: &'static [Self] = &[
        SignatureHash::Sha256,
        SignatureHash::Sha384,
        SignatureHash::Sha512,
    ];
    fn token(self) -> &'static str {
        match self {
            SignatureHash::Sha256 => "sha256",
            SignatureHash::Sha384 => "sha384",
            SignatureHash::Sha512 => "sha512",
        }
    }
    fn label(self) -> &'static str {
        match self {
            SignatureHash::Sha256 => "SHA-256",
            SignatureHash::Sha384 => "SHA-384",
            SignatureHash::Sha512 => "SHA-512",
        }
    }
}

impl Choice for KeyType {
    const FIELD: Field = Field::KeyType;
    const ALL: &'static [Self] = &[
        KeyType::Rsa3072,
        KeyType::Rsa2048,
        KeyType::Rsa4096,
        KeyType::EcdsaP256,
        KeyType::EcdsaP384,
    ];
    fn token(self) -> &'static str {
        match self {
            KeyType::Rsa2048 => "rsa-2048",
            KeyType::Rsa3072 => "rsa-3072",
            KeyType::Rsa4096 => "rsa-4096",
            KeyType::EcdsaP256 => "ecdsa-p256",
            KeyType::EcdsaP384 => "ecdsa-p384",
        }
    }
    fn label(self) -> &'static str {
        match self {
            KeyType::Rsa2048 => "RSA 2048",
            KeyType::Rsa3072 => "RSA 3072",
            KeyType::Rsa4096 => "RSA 4096",
            KeyType::EcdsaP256 => "ECDSA P-256",
            KeyType::EcdsaP384 => "ECDSA P-384",
        }
    }
}

/// Who signs the certificate: its own key (self-signed: every service that
/// checks it must be given it) or the issuing authority on this computer
/// (the service trusts the authority once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignerKind {
    #[default]
    SelfSigned,
    Authority,
}

impl Choice for SignerKind {
    const FIELD: Field = Field::SignedBy;
    const ALL: &'static [Self] = &[SignerKind::SelfSigned, SignerKind::Authority];
    fn token(self) -> &'static str {
        match self {
            SignerKind::SelfSigned => "self-signed",
            SignerKind::Authority => "authority",
        }
    }
    fn label(self) -> &'static str {
        match self {
            SignerKind::SelfSigned => "Itself (self-signed)",
            SignerKind::Authority => "The issuing authority",
        }
    }
}

/// Choices are stored (in the list of certificates) by their token.
macro_rules! choice_serde {
    ($($t:ty),*) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.token())
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let token = String::deserialize(d)?;
                <$t as Choice>::parse(&token).map_err(|e| serde::de::Error::custom(e.message))
            }
        }
    )*};
}
choice_serde!(Encryption, SignatureHash, KeyType, SignerKind);

impl KeyType {
    pub fn is_rsa(self) -> bool {
        matches!(self, KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096)
    }

    /// The hashes this key can sign with. An ECDSA key signs with the hash
    /// of its curve's strength; RSA with any of the three.
    pub fn hashes(self) -> &'static [SignatureHash] {
        match self {
            KeyType::EcdsaP256 => &[SignatureHash::Sha256],
            KeyType::EcdsaP384 => &[SignatureHash::Sha384],
            _ => SignatureHash::ALL,
        }
    }

    /// The hash used when none is chosen.
    pub fn default_hash(self) -> SignatureHash {
        self.hashes()[0]
    }
}

/// A key type with a hash it can sign with. Only the combinations of
/// `KeyType::hashes` exist: the one way to make one is `Signing::new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signing {
    key: KeyType,
    hash: SignatureHash,
}

impl Signing {
    /// The key with `hash`, or the rule it breaks (with the hash that fits).
    pub fn new(key: KeyType, hash: SignatureHash) -> Result<Signing, FieldError> {
        if key.hashes().contains(&hash) {
            return Ok(Signing { key, hash });
        }
        let fits = key.default_hash();
        Err(FieldError::new(
            Field::SignatureHash,
            format!(
                "{} keys sign with {} only, not {}. The combinations that exist: {}.",
                key.label(),
                join_or(key.hashes().iter().map(|h| h.label())),
                hash.label(),
                combinations_text()
            ),
        )
        .suggest(
            Field::SignatureHash,
            fits.token(),
            format!("Use {}", fits.label()),
        ))
    }

    /// The key with the hash it signs with when none is chosen.
    pub fn default_for(key: KeyType) -> Signing {
        Signing {
            key,
            hash: key.default_hash(),
        }
    }

    pub fn key(self) -> KeyType {
        self.key
    }

    pub fn hash(self) -> SignatureHash {
        self.hash
    }
}

/// "a, b or c".
fn join_or<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The combinations that exist, in words, made from `KeyType::hashes` (the
/// one table): key types that sign with the same hashes are named together.
pub fn combinations_text() -> String {
    let mut groups: Vec<(Vec<KeyType>, &'static [SignatureHash])> = Vec::new();
    for key in KeyType::ALL {
        match groups
            .iter_mut()
            .find(|(_, hashes)| *hashes == key.hashes())
        {
            Some((keys, _)) => keys.push(*key),
            None => groups.push((vec![*key], key.hashes())),
        }
    }
    groups
        .iter()
        .map(|(keys, hashes)| {
            format!(
                "{} with {}",
                join_or(keys.iter().map(|k| k.label())),
                join_or(hashes.iter().map(|h| h.label()))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The form as typed: strings, as they come from the window or the command line.
#[derive(Debug, Clone, Default)]
pub struct RawRequest {
    pub nickname: String,
    pub end_date: String,
    pub api_token_end_date: Option<String>,
    pub encryption: Option<String>,
    pub signature_hash: Option<String>,
    pub key_type: Option<String>,
    /// `self-signed` (the default) or `authority`.
    pub signed_by: Option<String>,
}

/// A request that passed every rule. Its fields are private: the only way
/// to make one is `Request::parse`, so an impossible request (a date out of
/// range, a key with a hash it cannot sign with) cannot exist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    nickname: Nickname,
    end_date: Date,
    api_token_end_date: Option<Date>,
    encryption: Encryption,
    signing: Signing,
    signer: SignerKind,
}

impl Request {
    pub fn nickname(&self) -> &Nickname {
        &self.nickname
    }

    /// The last day of validity (until the end of that day in the zone).
    pub fn end_date(&self) -> Date {
        self.end_date
    }

    pub fn api_token_end_date(&self) -> Option<Date> {
        self.api_token_end_date
    }

    pub fn encryption(&self) -> Encryption {
        self.encryption
    }

    pub fn signing(&self) -> Signing {
        self.signing
    }

    pub fn key_type(&self) -> KeyType {
        self.signing.key
    }

    pub fn signature_hash(&self) -> SignatureHash {
        self.signing.hash
    }

    /// Who signs it. Whether an authority exists (and outlives the end
    /// date) is checked where the authority is known (`life`).
    pub fn signer(&self) -> SignerKind {
        self.signer
    }
}

/// The dates an end date may take on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndDateRange {
    pub earliest: Date,
    pub latest: Date,
}

impl EndDateRange {
    /// Tomorrow to five years from today, and never after the token's end.
    pub fn on(today: Date, api_token_end: Option<Date>) -> Self {
        // Civil dates in the years 2000-9000 never overflow here.
        let earliest = today.tomorrow().unwrap_or(today);
        let five_years = today
            .checked_add(MAX_VALIDITY_YEARS.years())
            .unwrap_or(Date::MAX);
        let latest = match api_token_end {
            Some(token) if token < five_years => token,
            _ => five_years,
        };
        EndDateRange { earliest, latest }
    }

    /// The default end date: one year from today, within the range.
    pub fn default_end(today: Date, api_token_end: Option<Date>) -> Date {
        let range = Self::on(today, api_token_end);
        let year = today.checked_add(1.year()).unwrap_or(range.latest);
        year.clamp(range.earliest, range.latest.max(range.earliest))
    }
}

impl Request {
    /// Parses every field and reports every refusal at once.
    pub fn parse<'a>(
        raw: &RawRequest,
        today: Date,
        existing_nicknames: impl IntoIterator<Item = &'a str>,
    ) -> Result<Request, InvalidRequest> {
        let mut errors = Vec::new();

        let nickname = keep(
            &mut errors,
            Nickname::parse(&raw.nickname, existing_nicknames),
        );
        let token_end = match raw.api_token_end_date.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(s) => keep(&mut errors, parse_token_end(s, today)).map(Some),
        };
        let end_date = keep(&mut errors, parse_date(&raw.end_date, Field::EndDate));
        let encryption = keep(&mut errors, opt_choice::<Encryption>(&raw.encryption));
        let key_type = keep(&mut errors, opt_choice::<KeyType>(&raw.key_type));
        let hash = keep(
            &mut errors,
            opt_choice_or_none::<SignatureHash>(&raw.signature_hash),
        );
        let signer = keep(&mut errors, opt_choice::<SignerKind>(&raw.signed_by));

        let end_date = match (end_date, token_end) {
            (Some(end), Some(token)) => keep(&mut errors, check_end_date(end, today, token)),
            _ => None,
        };
        let signing = match (key_type, hash) {
            (Some(key), Some(None)) => Some(Signing::default_for(key)),
            (Some(key), Some(Some(hash))) => keep(&mut errors, Signing::new(key, hash)),
            _ => None,
        };

        match (nickname, end_date, token_end, encryption, signing, signer) {
            (
                Some(nickname),
                Some(end_date),
                Some(api_token_end_date),
                Some(encryption),
                Some(signing),
                Some(signer),
            ) if errors.is_empty() => Ok(Request {
                nickname,
                end_date,
                api_token_end_date,
                encryption,
                signing,
                signer,
            }),
            _ => Err(InvalidRequest { errors }),
        }
    }
}

/// The value of `r`, or None with its error recorded.
fn keep<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

fn opt_choice<C: Choice + Default>(raw: &Option<String>) -> Result<C, FieldError> {
    Ok(opt_choice_or_none(raw)?.unwrap_or_default())
}

fn opt_choice_or_none<C: Choice>(raw: &Option<String>) -> Result<Option<C>, FieldError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => C::parse(s).map(Some),
    }
}

fn parse_token_end(raw: &str, today: Date) -> Result<Date, FieldError> {
    let token = parse_date(raw, Field::ApiTokenEndDate)?;
    if token <= today {
        return Err(FieldError::new(
            Field::ApiTokenEndDate,
            format!(
                "the API token ends on {token}, before tomorrow, so no certificate can fit inside it; extend or remove the token's end date first, then come back."
            ),
        ));
    }
    Ok(token)
}

fn check_end_date(end: Date, today: Date, token_end: Option<Date>) -> Result<Date, FieldError> {
    let range = EndDateRange::on(today, token_end);
    let allowed = format!("choose a date from {} to {}", range.earliest, range.latest);
    let refuse = |rule: String| FieldError::new(Field::EndDate, format!("{rule}; {allowed}."));
    if end < range.earliest {
        return Err(refuse(format!(
            "{end} is too early: the certificate must be valid at least until tomorrow"
        )));
    }
    match token_end {
        Some(token) if end > token => Err(refuse(format!(
            "{end} is after the API token end date ({token}): the certificate may not outlive its token"
        ))),
        _ if end > range.latest => Err(refuse(format!(
            "{end} is more than {MAX_VALIDITY_YEARS} years away"
        ))),
        _ => Ok(end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nick(raw: &str) -> Result<Nickname, FieldError> {
        Nickname::parse(raw, std::iter::empty())
    }

    fn d(s: &str) -> Date {
        s.parse().unwrap()
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

    #[test]
    fn dates_are_parsed_as_dates() {
        assert_eq!(
            parse_date("2028-02-29", Field::EndDate).unwrap(),
            d("2028-02-29")
        );
        for bad in ["2027-02-29", "2027-13-01", "2027-04-31", "2027-00-10"] {
            let err = parse_date(bad, Field::EndDate).unwrap_err();
            assert!(
                err.message.contains("does not exist"),
                "{bad}: {}",
                err.message
            );
        }
        for bad in [
            "",
            "tomorrow",
            "2027/06/30",
            "30-06-2027",
            "2027-6-30",
            "+2027-06-30",
            "2027-06-30T00:00",
            "２０２７-06-30",
            "2027-06-30\u{0}",
        ] {
            let err = parse_date(bad, Field::ApiTokenEndDate).unwrap_err();
            assert_eq!(err.field, Field::ApiTokenEndDate);
            assert!(
                err.message.contains("YYYY-MM-DD"),
                "{bad:?}: {}",
                err.message
            );
        }
    }

    fn raw(end: &str) -> RawRequest {
        RawRequest {
            nickname: "Billing".into(),
            end_date: end.into(),
            ..RawRequest::default()
        }
    }

    fn parse(r: &RawRequest, today: &str) -> Result<Request, InvalidRequest> {
        Request::parse(r, d(today), std::iter::empty())
    }

    #[test]
    fn defaults_are_the_recommended_ones() {
        let req = parse(&raw("2027-06-30"), "2026-11-28").unwrap();
        assert_eq!(req.encryption(), Encryption::Aes256);
        assert_eq!(req.signature_hash(), SignatureHash::Sha256);
        assert_eq!(req.key_type(), KeyType::Rsa3072);
        assert_eq!(req.api_token_end_date(), None);
    }

    #[test]
    fn end_date_from_tomorrow_to_five_years() {
        let today = "2026-11-28";
        assert!(parse(&raw("2026-11-29"), today).is_ok());
        assert!(parse(&raw("2031-11-28"), today).is_ok());
        for (end, rule) in [
            ("2026-11-28", "too early"),
            ("2020-01-01", "too early"),
            ("2031-11-29", "more than 5 years"),
            ("2099-01-01", "more than 5 years"),
        ] {
            let err = parse(&raw(end), today).unwrap_err();
            assert_eq!(err.errors.len(), 1);
            let e = &err.errors[0];
            assert_eq!(e.field, Field::EndDate);
            assert!(e.message.contains(rule), "{end}: {}", e.message);
            assert!(
                e.message.contains("from 2026-11-29 to 2031-11-28"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn five_years_from_a_leap_day() {
        let today = "2028-02-29";
        assert!(parse(&raw("2033-02-28"), today).is_ok());
        let err = parse(&raw("2033-03-01"), today).unwrap_err();
        assert!(err.errors[0].message.contains("to 2033-02-28"), "{}", err);
    }

    #[test]
    fn end_date_never_after_api_token_end() {
        let mut r = raw("2027-06-30");
        r.api_token_end_date = Some("2027-03-31".into());
        let err = parse(&r, "2026-11-28").unwrap_err();
        let e = &err.errors[0];
        assert_eq!(e.field, Field::EndDate);
        assert!(
            e.message
                .contains("after the API token end date (2027-03-31)"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("from 2026-11-29 to 2027-03-31"),
            "{}",
            e.message
        );
        r.end_date = "2027-03-31".into();
        assert_eq!(
            parse(&r, "2026-11-28").unwrap().api_token_end_date(),
            Some(d("2027-03-31"))
        );
    }

    #[test]
    fn api_token_that_has_ended_is_refused() {
        let mut r = raw("2027-06-30");
        for token in ["2026-11-28", "2025-01-01"] {
            r.api_token_end_date = Some(token.into());
            let err = parse(&r, "2026-11-28").unwrap_err();
            let e = err
                .errors
                .iter()
                .find(|e| e.field == Field::ApiTokenEndDate)
                .unwrap();
            assert!(e.message.contains("extend or remove"), "{}", e.message);
        }
        r.api_token_end_date = Some("  ".into());
        assert!(
            parse(&r, "2026-11-28").is_ok(),
            "blank means no token end date"
        );
    }

    #[test]
    fn choices_parse_from_tokens_and_refuse_others() {
        let mut r = raw("2027-06-30");
        r.encryption = Some("3DES".into());
        r.signature_hash = Some("sha512".into());
        r.key_type = Some("rsa-4096".into());
        let req = parse(&r, "2026-11-28").unwrap();
        assert_eq!(
            (req.encryption(), req.signature_hash(), req.key_type()),
            (
                Encryption::TripleDes,
                SignatureHash::Sha512,
                KeyType::Rsa4096
            )
        );

        r.encryption = Some("rc2".into());
        r.key_type = Some("dsa".into());
        r.signature_hash = Some("md5".into());
        let err = parse(&r, "2026-11-28").unwrap_err();
        let fields: Vec<Field> = err.errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [Field::Encryption, Field::KeyType, Field::SignatureHash]
        );
        assert!(err.errors[0].message.contains("aes-256, 3des"));
        assert!(err.errors[1]
            .message
            .contains("rsa-3072, rsa-2048, rsa-4096, ecdsa-p256, ecdsa-p384"));
    }

    #[test]
    fn impossible_combinations_are_explained_not_changed() {
        let mut r = raw("2027-06-30");
        r.key_type = Some("ecdsa-p256".into());
        r.signature_hash = Some("sha384".into());
        let err = parse(&r, "2026-11-28").unwrap_err();
        let e = &err.errors[0];
        assert_eq!(e.field, Field::SignatureHash);
        assert!(
            e.message
                .contains("ECDSA P-256 keys sign with SHA-256 only"),
            "{}",
            e.message
        );
        assert!(e.message.contains(&combinations_text()), "{}", e.message);
        let fix = e
            .suggestion
            .as_ref()
            .expect("the hash that fits is offered");
        assert_eq!((fix.field, fix.token), (Field::SignatureHash, "sha256"));

        // Without a chosen hash, the key's own is used.
        r.signature_hash = None;
        r.key_type = Some("ecdsa-p384".into());
        assert_eq!(
            parse(&r, "2026-11-28").unwrap().signature_hash(),
            SignatureHash::Sha384
        );
    }

    #[test]
    fn the_combinations_are_told_from_the_table() {
        assert_eq!(
            combinations_text(),
            "RSA 3072, RSA 2048 or RSA 4096 with SHA-256, SHA-384 or SHA-512; ECDSA P-256 with SHA-256; ECDSA P-384 with SHA-384"
        );
        for key in KeyType::ALL {
            for hash in SignatureHash::ALL {
                assert_eq!(
                    Signing::new(*key, *hash).is_ok(),
                    key.hashes().contains(hash),
                    "{key:?} {hash:?}"
                );
            }
        }
    }

    #[test]
    fn every_error_is_reported_at_once() {
        let r = RawRequest {
            nickname: "a/b".into(),
            end_date: "soon".into(),
            api_token_end_date: Some("never".into()),
            encryption: Some("x".into()),
            signature_hash: Some("y".into()),
            key_type: Some("z".into()),
            signed_by: Some("w".into()),
        };
        let err = parse(&r, "2026-11-28").unwrap_err();
        assert_eq!(err.errors.len(), 7, "{err}");
    }

    #[test]
    fn default_end_date_is_one_year_within_range() {
        assert_eq!(
            EndDateRange::default_end(d("2026-11-28"), None),
            d("2027-11-28")
        );
        assert_eq!(
            EndDateRange::default_end(d("2028-02-29"), None),
            d("2029-02-28")
        );
        assert_eq!(
            EndDateRange::default_end(d("2026-11-28"), Some(d("2027-01-31"))),
            d("2027-01-31")
        );
    }

    #[test]
    fn clock_today_follows_the_zone() {
        let now: Timestamp = "2026-11-28T23:30:00Z".parse().unwrap();
        let utc = Clock {
            now,
            zone: TimeZone::UTC,
        };
        let tokyo = Clock {
            now,
            zone: TimeZone::get("Asia/Tokyo").unwrap(),
        };
        assert_eq!(utc.today(), d("2026-11-28"));
        assert_eq!(tokyo.today(), d("2026-11-29"));
        assert_eq!(tokyo.zone_name(), "Asia/Tokyo");
        assert_eq!(
            Clock {
                now,
                zone: TimeZone::fixed(jiff::tz::offset(2))
            }
            .zone_name(),
            "UTC+02:00"
        );
    }
}
