//! Property tests: the validators and the file-name maker, on arbitrary
//! input (any Unicode, not only what a keyboard types), never panic and
//! only ever accept what their rules allow.

use authcert_core::engine::{
    parse_date, EndDateRange, Nickname, MAX_VALIDITY_YEARS, NICKNAME_MAX_CHARS,
};
use authcert_core::engine::{Field, RawRequest, Request};
use authcert_core::filename::suggested;
use proptest::prelude::*;

/// Any text, biased towards the characters that matter here.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,80}",
        "[a-zA-Z0-9 _.\\-]{0,70}",
        "\\PC{0,70}",
        "[\\x00-\\x1f\\u{200b}-\\u{200f}\\u{202a}-\\u{202e}\\u{feff}/\\\\:*?\"<>|. ]{0,20}",
        "(CON|PRN|AUX|NUL|COM[0-9]|LPT[0-9]|con|nul)(\\.[a-z]{0,4})?",
    ]
}

fn date_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{1,5}-[0-9]{1,2}-[0-9]{1,2}",
        "[ ]?20[0-9]{2}-[01][0-9]-[0-3][0-9][ ]?",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn a_nickname_is_accepted_only_if_it_keeps_the_rules(raw in text()) {
        if let Ok(nickname) = Nickname::parse(&raw, []) {
            let name = nickname.as_str();
            prop_assert_eq!(name, name.trim());
            let count = name.chars().count();
            prop_assert!((1..=NICKNAME_MAX_CHARS).contains(&count));
            for c in name.chars() {
                prop_assert!(u32::from(c) <= 0xFFFF, "{:?}", c);
                prop_assert!(!c.is_control() && !"/\\:*?\"<>|.".contains(c), "{:?}", c);
            }
            // Taken by itself, whatever the case.
            prop_assert!(Nickname::parse(&raw, [name]).is_err());
            prop_assert!(Nickname::parse(&raw.to_uppercase(), [name]).is_err()
                || Nickname::parse(&raw.to_uppercase(), []).is_err());
        }
    }

    #[test]
    fn plain_nicknames_are_accepted(raw in "[A-Za-z0-9][A-Za-z0-9 _-]{0,62}[A-Za-z0-9]") {
        prop_assert!(Nickname::parse(&raw, []).is_ok());
    }

    #[test]
    fn a_date_is_read_only_as_a_real_calendar_day(raw in date_text()) {
        if let Ok(d) = parse_date(&raw, Field::EndDate) {
            // It is the day written, and it reads back as itself.
            prop_assert_eq!(parse_date(&d.to_string(), Field::EndDate).ok(), Some(d));
            prop_assert!(raw.trim().starts_with(&format!("{:04}", d.year())), "{:?} read as {}", raw, d);
        }
    }

    #[test]
    fn a_request_is_accepted_only_within_its_rules(
        nickname in text(),
        end in date_text(),
        token in proptest::option::of(date_text()),
        encryption in proptest::option::of(text()),
        hash in proptest::option::of(text()),
        key in proptest::option::of(text()),
        signed_by in proptest::option::of(text()),
    ) {
        let today = jiff::civil::date(2026, 11, 29);
        let raw = RawRequest {
            nickname,
            end_date: end,
            api_token_end_date: token,
            encryption,
            signature_hash: hash,
            key_type: key,
            signed_by,
        };
        match Request::parse(&raw, today, []) {
            Ok(request) => {
                let range = EndDateRange::on(today, request.api_token_end_date());
                prop_assert!(request.end_date() >= range.earliest && request.end_date() <= range.latest);
                prop_assert!(request.end_date() > today);
                prop_assert!(request.end_date().year() <= today.year() + MAX_VALIDITY_YEARS);
                if let Some(token) = request.api_token_end_date() {
                    prop_assert!(request.end_date() <= token);
                }
            }
            Err(invalid) => {
                // Every refusal names its field and says why, briefly.
                prop_assert!(!invalid.errors.is_empty());
                for e in &invalid.errors {
                    prop_assert!(e.message.len() > 5 && e.message.len() < 600, "{}", e.message);
                }
            }
        }
    }

    #[test]
    fn a_suggested_file_name_is_valid_everywhere(stem in text(), ext in "(p12|pem|cer)") {
        let name = suggested(&stem, &ext);
        let suffix = format!(".{ext}");
        prop_assert!(name.ends_with(&suffix));
        let base = &name[..name.len() - suffix.len()];
        prop_assert!(!base.is_empty());
        prop_assert!(name.len() <= 255, "{} bytes", name.len());
        prop_assert!(name.encode_utf16().count() <= 255);
        for c in base.chars() {
            prop_assert!(!c.is_control() && !"/\\:*?\"<>|".contains(c), "{:?} in {:?}", c, name);
        }
        prop_assert!(!base.starts_with([' ', '.']) && !base.ends_with([' ', '.']), "{:?}", name);
        let device = base.split('.').next().unwrap_or("").trim_end().to_ascii_uppercase();
        let reserved = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];
        prop_assert!(!reserved.contains(&device.as_str()), "{:?}", name);
        prop_assert!(
            !(device.len() == 4
                && (device.starts_with("COM") || device.starts_with("LPT"))
                && device[3..].chars().all(|c| c.is_ascii_digit())),
            "{:?}", name
        );
    }
}
