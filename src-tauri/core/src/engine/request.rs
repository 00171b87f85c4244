//! The admin's choices, parsed once into a typed request (parse, don't
//! validate): every refusal names the field and the rule, with the allowed
//! range, and all of them are reported at once.

use jiff::civil::Date;

use super::choices::{Choice, Encryption, KeyType, SignatureHash, SignerKind, Signing};
use super::dates::{check_end_date, parse_date, parse_token_end};
use super::error::{Field, FieldError, InvalidRequest};
use super::nickname::Nickname;

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
        self.signing.key()
    }

    pub fn signature_hash(&self) -> SignatureHash {
        self.signing.hash()
    }

    /// Who signs it. Whether an authority exists (and outlives the end
    /// date) is checked where the authority is known (`life`).
    pub fn signer(&self) -> SignerKind {
        self.signer
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
        // Another CA signs a request file; a certificate is made only from
        // its answer (`requested`).
        let signer = match signer {
            Some(SignerKind::Ca) => keep(
                &mut errors,
                Err(FieldError::new(
                    Field::SignedBy,
                    "a certificate authority elsewhere signs a request file, not a certificate made here: make the request (authcert request), then complete it with the CA's answer.",
                )),
            ),
            other => other,
        };

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::combinations_text;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
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
}
