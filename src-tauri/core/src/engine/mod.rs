//! The certificate engine: typed choices in, a verified PKCS#12 file out.
//! It reads and writes no file and touches no keychain (the authority's key
//! comes to it as a `Signer`); `save`, `life` and `authority` do that.

pub mod certificate;
pub mod choices;
pub mod dates;
pub mod error;
pub mod issued;
pub mod nickname;
pub mod password;
pub mod pem_bundle;
pub mod pkcs12;
pub mod request;
pub mod signer;
pub mod spare;

use aws_lc_rs::digest;

use crate::ids::{Fingerprint, Serial};

pub use crate::clock::Clock;
pub use choices::{
    combinations_text, Choice, Encryption, KeyType, SignatureHash, SignerKind, Signing,
};
pub use dates::{parse_date, EndDateRange, MAX_VALIDITY_YEARS};
pub use error::{Field, FieldError, InvalidRequest, IssueError, Suggestion};
pub use issued::{Described, Facts, Issued};
pub use nickname::{Nickname, NICKNAME_MAX_CHARS};
pub use password::Password;
pub use request::{RawRequest, Request};
pub use signer::{SignedBy, Signer};
pub use spare::Spares;

/// Makes the key, the certificate and the PKCS#12 file for `request`, then
/// opens the file again with its password and checks that the key inside
/// matches the certificate before returning.
pub fn issue(request: &Request, clock: &Clock) -> Result<Issued, IssueError> {
    let key = certificate::generate_key(request.signing())?;
    issue_with_key(request, clock, key)
}

/// As `issue`, with a key made beforehand (fresh, never reused).
pub fn issue_with_key(
    request: &Request,
    clock: &Clock,
    key: rcgen::KeyPair,
) -> Result<Issued, IssueError> {
    issue_signed(request, clock, key, None)
}

/// As `issue_with_key`, signed by an authority when `signer` is given: the
/// file then holds the authority's certificate too, after the certificate.
pub fn issue_signed(
    request: &Request,
    clock: &Clock,
    key: rcgen::KeyPair,
    signer: Option<&Signer>,
) -> Result<Issued, IssueError> {
    let made = certificate::make(request, key, clock.now, &clock.zone, signer)?;
    let chain: Vec<(&str, &[u8])> = signer
        .map(|s| (s.signed_by.name.as_str(), &s.certificate_der[..]))
        .into_iter()
        .collect();
    let sha1 = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &made.cert_der);
    let password = Password::generate()?;
    let naming = pkcs12::Naming {
        friendly_name: request.nickname().as_str(),
        local_key_id: sha1.as_ref(),
        chain: &chain,
    };
    let p12 = pkcs12::pack(
        made.key.serialized_der(),
        &made.cert_der,
        naming,
        request.encryption(),
        &password,
    )?;
    // Drop the key now: from here on it lives only inside the encrypted file.
    drop(made.key);
    pkcs12::check(&p12, &password, naming, &made.cert_der)?;

    let (_, parsed) = x509_parser::parse_x509_certificate(&made.cert_der)
        .map_err(|e| IssueError::Certificate(e.to_string()))?;
    let zone = clock.zone_name();
    let not_after_local = made
        .not_after
        .to_zoned(clock.zone.clone())
        .strftime("%Y-%m-%d %H:%M:%S %Z")
        .to_string();
    let facts = Facts {
        described: Described {
            nickname: request.nickname().as_str().to_string(),
            subject: parsed.subject().to_string(),
            serial: Serial::from_bytes(parsed.raw_serial())
                .map_err(|e| IssueError::Certificate(e.to_string()))?,
            sha256_fingerprint: Fingerprint::of(&made.cert_der),
            sha1_thumbprint: crate::ids::hex(sha1.as_ref(), ""),
            not_before: made.not_before,
            not_after: made.not_after,
            zone,
            not_after_local,
            key_type: request.key_type(),
            signature_hash: request.signature_hash(),
            encryption: request.encryption(),
        },
        signed_by: signer.map(|s| s.signed_by.clone()),
        requested_from: None,
        certificate_der: made.cert_der,
    };
    Ok(Issued {
        p12,
        password,
        facts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::tz::TimeZone;

    fn request(key: &str, encryption: &str) -> Request {
        let raw = RawRequest {
            nickname: "Engine test".into(),
            end_date: "2027-03-31".into(),
            key_type: Some(key.into()),
            encryption: Some(encryption.into()),
            ..RawRequest::default()
        };
        Request::parse(&raw, "2026-11-28".parse().unwrap(), []).unwrap()
    }

    fn clock() -> Clock {
        Clock {
            now: "2026-11-28T10:00:00Z".parse().unwrap(),
            zone: TimeZone::get("Europe/Berlin").unwrap(),
        }
    }

    #[test]
    fn issue_states_the_facts() {
        let issued = issue(&request("ecdsa-p256", "aes-256"), &clock()).unwrap();
        let f = &issued.facts;
        assert_eq!(f.described.subject, "CN=Engine test");
        assert_eq!(f.described.not_before.to_string(), "2026-11-28T09:55:00Z");
        assert_eq!(f.described.not_after.to_string(), "2027-03-31T21:59:59Z");
        assert_eq!(f.described.not_after_local, "2027-03-31 23:59:59 CEST");
        assert_eq!(f.described.zone, "Europe/Berlin");
        assert_eq!(f.described.sha256_fingerprint.to_string().len(), 32 * 3 - 1);
        assert_eq!(f.described.sha1_thumbprint.len(), 40);
        assert_eq!(f.described.serial.bytes().len(), 16);
        let sha256 = digest::digest(&digest::SHA256, &f.certificate_der);
        assert_eq!(f.described.sha256_fingerprint.bytes(), sha256.as_ref());
        assert!(f
            .certificate_pem()
            .starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(f
            .summary()
            .contains(&f.described.sha256_fingerprint.to_string()));
    }

    #[test]
    fn secrets_never_show_in_debug_or_summary() {
        let issued = issue(&request("ecdsa-p384", "3des"), &clock()).unwrap();
        let pw = issued.password.expose().to_string();
        for text in [
            format!("{issued:?}"),
            format!("{:?}", issued.password),
            issued.facts.summary(),
        ] {
            assert!(!text.contains(&pw), "{text}");
        }
        assert!(format!("{issued:?}").contains("<redacted>"));
    }

    fn naming<'a>(name: &'a str, cert: &[u8], id: &'a mut Vec<u8>) -> pkcs12::Naming<'a> {
        *id = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, cert)
            .as_ref()
            .to_vec();
        pkcs12::Naming {
            friendly_name: name,
            local_key_id: id,
            chain: &[],
        }
    }

    #[test]
    fn the_self_check_refuses_what_does_not_match() {
        let a = issue(&request("ecdsa-p256", "aes-256"), &clock()).unwrap();
        let b = issue(&request("ecdsa-p256", "3des"), &clock()).unwrap();
        let name = "Engine test";
        let (mut ida, mut idb) = (Vec::new(), Vec::new());
        let na = naming(name, &a.facts.certificate_der, &mut ida);
        let nb = naming(name, &b.facts.certificate_der, &mut idb);
        let (ca, cb) = (&a.facts.certificate_der, &b.facts.certificate_der);
        assert!(pkcs12::check(&a.p12, &a.password, na, ca).is_ok());
        assert!(pkcs12::check(&b.p12, &b.password, nb, cb).is_ok());
        // Wrong password, another file's certificate, another name, another
        // key id, damaged bytes.
        let wrong = pkcs12::check(&a.p12, &b.password, na, ca).unwrap_err();
        assert!(wrong.to_string().contains("does not open"), "{wrong}");
        let other = pkcs12::check(&a.p12, &a.password, na, cb).unwrap_err();
        assert!(other.to_string().contains("not the one made"), "{other}");
        let renamed = pkcs12::check(
            &a.p12,
            &a.password,
            pkcs12::Naming {
                friendly_name: "Other",
                ..na
            },
            ca,
        )
        .unwrap_err();
        assert!(renamed.to_string().contains("friendly name"), "{renamed}");
        let reid = pkcs12::check(
            &a.p12,
            &a.password,
            pkcs12::Naming {
                local_key_id: b"another",
                ..na
            },
            ca,
        )
        .unwrap_err();
        assert!(reid.to_string().contains("local key id"), "{reid}");
        let chain = [("Authority", cb.as_slice())];
        let unchained = pkcs12::check(
            &a.p12,
            &a.password,
            pkcs12::Naming {
                chain: &chain,
                ..na
            },
            ca,
        )
        .unwrap_err();
        assert!(
            unchained.to_string().contains("other certificates"),
            "{unchained}"
        );
        let mut damaged = a.p12.to_vec();
        let mid = damaged.len() / 2;
        damaged[mid] ^= 0x55;
        assert!(pkcs12::check(&damaged, &a.password, na, ca).is_err());
    }

    #[test]
    fn both_bags_carry_the_nickname_and_one_key_id() {
        for encryption in ["aes-256", "3des"] {
            let issued = issue(&request("ecdsa-p256", encryption), &clock()).unwrap();
            let opened = pkcs12::read::open(
                &issued.p12,
                issued.password.expose(),
                &pkcs12::read::Limits::default(),
            )
            .unwrap();
            let id = digest::digest(
                &digest::SHA1_FOR_LEGACY_USE_ONLY,
                &issued.facts.certificate_der,
            );
            assert_eq!(opened.keys.len(), 1);
            assert_eq!(opened.certificates.len(), 1);
            for (name, key_id) in [
                (&opened.keys[0].friendly_name, &opened.keys[0].local_key_id),
                (
                    &opened.certificates[0].friendly_name,
                    &opened.certificates[0].local_key_id,
                ),
            ] {
                assert_eq!(name.as_deref(), Some("Engine test"), "{encryption}");
                assert_eq!(key_id.as_deref(), Some(id.as_ref()), "{encryption}");
            }
            assert_eq!(opened.certificates[0].value, issued.facts.certificate_der);
        }
    }

    /// The self-check opens new files with p12-keystore only: AuthCert's own
    /// reader (the importer's) must open every kind the writer makes, with
    /// an authority's certificate after the certificate's own too.
    #[test]
    fn authcerts_own_reader_opens_every_kind_of_file_it_writes() {
        let other = issue(&request("ecdsa-p256", "aes-256"), &clock()).unwrap();
        let chain_cert = other.facts.certificate_der.clone();
        for key in ["ecdsa-p256", "ecdsa-p384", "rsa-2048"] {
            for encryption in ["aes-256", "3des"] {
                let req = request(key, encryption);
                let key_pair = certificate::generate_key(req.signing()).unwrap();
                let made =
                    certificate::make(&req, key_pair, clock().now, &clock().zone, None).unwrap();
                let pw = Password::generate().unwrap();
                let mut id = Vec::new();
                let chain = [("Authority", chain_cert.as_slice())];
                for with_chain in [false, true] {
                    let n = pkcs12::Naming {
                        chain: if with_chain { &chain } else { &[] },
                        ..naming("Engine test", &made.cert_der, &mut id)
                    };
                    let p12 = pkcs12::pack(
                        made.key.serialized_der(),
                        &made.cert_der,
                        n,
                        req.encryption(),
                        &pw,
                    )
                    .unwrap();
                    pkcs12::check(&p12, &pw, n, &made.cert_der).unwrap();
                    let opened =
                        pkcs12::read::open(&p12, pw.expose(), &pkcs12::read::Limits::default())
                            .unwrap_or_else(|e| panic!("{key} {encryption}: {e}"));
                    let what = format!("{key} {encryption} chain {with_chain}");
                    assert_eq!(opened.keys.len(), 1, "{what}");
                    assert_eq!(*opened.keys[0].value, *made.key.serialized_der(), "{what}");
                    let mut certs: Vec<&[u8]> = opened
                        .certificates
                        .iter()
                        .map(|c| c.value.as_slice())
                        .collect();
                    let mut expected = vec![made.cert_der.as_slice()];
                    if with_chain {
                        expected.push(&chain_cert);
                    }
                    certs.sort();
                    expected.sort();
                    assert_eq!(certs, expected, "{what}");
                }
            }
        }
    }

    #[test]
    fn a_key_that_is_not_the_certificates_is_caught() {
        // Pack key B with certificate A: the file opens, but the check fails.
        let req = request("ecdsa-p256", "aes-256");
        let key_a = certificate::generate_key(req.signing()).unwrap();
        let made = certificate::make(&req, key_a, clock().now, &clock().zone, None).unwrap();
        let key_b = certificate::generate_key(req.signing()).unwrap();
        let pw = Password::generate().unwrap();
        let mut id = Vec::new();
        let n = naming("Engine test", &made.cert_der, &mut id);
        let p12 = pkcs12::pack(
            key_b.serialized_der(),
            &made.cert_der,
            n,
            req.encryption(),
            &pw,
        )
        .unwrap();
        let err = pkcs12::check(&p12, &pw, n, &made.cert_der).unwrap_err();
        assert!(err.to_string().contains("does not match"), "{err}");
    }
}
