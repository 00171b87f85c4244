//! The authority's own certificate and its revocation lists, with rcgen.
//!
//! Key: RSA 3072 with SHA-256. Every server it is meant for accepts an RSA
//! authority: nginx and Apache httpd (OpenSSL), AWS API Gateway trust stores
//! (RSA 2048–4096 or ECDSA P-256/P-384), Azure API Management, Kong and
//! Traefik; an ECDSA authority is refused by some older Windows and Java
//! stacks. An RSA key can also sign with SHA-384 or SHA-512, so the hash
//! chosen for each certificate is kept. Its PKCS#8 form (~1.8 KB) fits the
//! 2,560-byte secret of Windows Credential Manager, where RSA 4096 (~2.4 KB)
//! would sit at the edge.

use jiff::{Timestamp, ToSpan};
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, DistinguishedName,
    DnType, IsCa, KeyIdMethod, KeyPair, KeyUsagePurpose, RevocationReason, RevokedCertParams,
    RsaKeySize, SerialNumber,
};

use crate::engine::certificate::{random_serial, CLOCK_SKEW_MINUTES};
use crate::engine::{IssueError, Signer};

use super::{Reason, Revoked};

/// The authority's key, made once.
pub fn generate_key() -> Result<KeyPair, IssueError> {
    KeyPair::generate_rsa_for(&rcgen::PKCS_RSA_SHA256, RsaKeySize::_3072)
        .map_err(|e| IssueError::KeyGeneration(e.to_string()))
}

pub(crate) fn offset(t: Timestamp) -> Result<time::OffsetDateTime, IssueError> {
    time::OffsetDateTime::from_unix_timestamp(t.as_second())
        .map_err(|e| IssueError::Certificate(e.to_string()))
}

/// A few minutes before `now`, in whole seconds: a server whose clock runs
/// a little behind still accepts what was made a moment ago.
pub(crate) fn skewed(now: Timestamp) -> Result<Timestamp, IssueError> {
    Timestamp::from_second(now.as_second() - CLOCK_SKEW_MINUTES * 60)
        .map_err(|e| IssueError::Certificate(e.to_string()))
}

/// The authority's self-signed certificate: X.509 v3, basicConstraints
/// CA:TRUE with pathLenConstraint 0 (it signs client certificates, never
/// another authority), keyUsage keyCertSign and cRLSign, a subject key
/// identifier, a random serial. rcgen marks both extensions critical.
pub fn certificate(
    name: &str,
    key: &KeyPair,
    now: Timestamp,
    not_after: Timestamp,
) -> Result<Vec<u8>, IssueError> {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, name);
    let mut params = CertificateParams::default();
    params.distinguished_name = dn;
    params.serial_number = Some(SerialNumber::from_slice(&random_serial()?));
    params.not_before = offset(skewed(now)?)?;
    params.not_after = offset(not_after)?;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.key_identifier_method = KeyIdMethod::Sha256;
    params.subject_alt_names = Vec::new();
    let cert = params
        .self_signed(key)
        .map_err(|e| IssueError::Certificate(e.to_string()))?;
    Ok(cert.der().to_vec())
}

fn reason_code(reason: Reason) -> Option<RevocationReason> {
    match reason {
        Reason::Unspecified => None,
        Reason::KeyCompromise => Some(RevocationReason::KeyCompromise),
        Reason::Superseded => Some(RevocationReason::Superseded),
        Reason::CessationOfOperation => Some(RevocationReason::CessationOfOperation),
        Reason::AffiliationChanged => Some(RevocationReason::AffiliationChanged),
    }
}

/// A signed CRL (DER) listing `revoked`.
pub fn crl(
    signer: &Signer,
    revoked: &[Revoked],
    number: u64,
    this_update: Timestamp,
    next_update: Timestamp,
) -> Result<Vec<u8>, IssueError> {
    let revoked_certs = revoked
        .iter()
        .map(|r| {
            Ok(RevokedCertParams {
                serial_number: SerialNumber::from_slice(r.serial.bytes()),
                revocation_time: offset(r.at)?,
                reason_code: reason_code(r.reason),
                invalidity_date: None,
            })
        })
        .collect::<Result<Vec<_>, IssueError>>()?;
    let params = CertificateRevocationListParams {
        this_update: offset(this_update)?,
        next_update: offset(next_update)?,
        crl_number: SerialNumber::from(number),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method: KeyIdMethod::Sha256,
    };
    let crl = params
        .signed_by(&signer.issuer)
        .map_err(|e| IssueError::Authority(format!("the revocation list: {e}")))?;
    Ok(crl.der().to_vec())
}

/// `days` after `t`.
pub(crate) fn days_after(t: Timestamp, days: i64) -> Result<Timestamp, IssueError> {
    t.checked_add((days * 24).hours())
        .map_err(|e| IssueError::Certificate(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{SignatureHash, SignedBy};
    use crate::ids::Serial;

    fn at(t: &str) -> Timestamp {
        t.parse().unwrap()
    }

    /// An authority certificate and its signer.
    fn authority() -> (Vec<u8>, Signer) {
        let key = generate_key().unwrap();
        let der = certificate(
            "Acme \u{1b}CA",
            &key,
            at("2026-12-02T10:00:00Z"),
            at("2036-12-02T22:59:59Z"),
        )
        .unwrap();
        let signer = Signer::rsa(
            &key.serialize_der(),
            der.clone(),
            SignatureHash::Sha256,
            SignedBy {
                name: "Acme".into(),
                sha256_fingerprint: crate::ids::Fingerprint::of(&der),
            },
            at("2036-12-02T22:59:59Z"),
        )
        .unwrap();
        (der, signer)
    }

    fn revoked(serial: &str, reason: Reason) -> Revoked {
        Revoked {
            serial: Serial::parse(serial).unwrap(),
            sha256_fingerprint: None,
            nickname: None,
            at: at("2026-12-03T08:30:00Z"),
            reason,
        }
    }

    #[test]
    fn the_authority_certificate_starts_before_now_and_signs_only_certificates() {
        let (der, _) = authority();
        let (_, c) = x509_parser::parse_x509_certificate(&der).unwrap();
        assert_eq!(
            c.validity().not_before.timestamp(),
            at("2026-12-02T10:00:00Z").as_second() - CLOCK_SKEW_MINUTES * 60
        );
        assert_eq!(
            c.validity().not_after.timestamp(),
            at("2036-12-02T22:59:59Z").as_second()
        );
        assert_eq!(c.subject(), c.issuer(), "self-signed");
        let bc = c.basic_constraints().unwrap().unwrap().value;
        assert!(bc.ca && bc.path_len_constraint == Some(0));
        assert!(c.subject_alternative_name().unwrap().is_none());
        assert!(c.raw_serial().len() >= 8);
        assert!(c.verify_signature(None).is_ok());
    }

    #[test]
    fn a_revocation_list_names_every_serial_with_its_date_and_reason() {
        let (der, signer) = authority();
        let list = [
            revoked("4F:1A:09", Reason::KeyCompromise),
            revoked("01", Reason::Unspecified),
            revoked(&"7F".repeat(20), Reason::Superseded),
        ];
        let crl_der = crl(
            &signer,
            &list,
            7,
            at("2026-12-03T09:00:00Z"),
            at("2027-06-01T09:00:00Z"),
        )
        .unwrap();
        let (_, c) = x509_parser::parse_x509_crl(&crl_der).unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
        assert_eq!(c.issuer(), cert.subject());
        c.verify_signature(cert.public_key()).unwrap();
        assert_eq!(c.crl_number().map(|n| n.to_string()), Some("7".into()));
        assert_eq!(
            c.last_update().timestamp(),
            at("2026-12-03T09:00:00Z").as_second()
        );
        assert_eq!(
            c.next_update().map(|t| t.timestamp()),
            Some(at("2027-06-01T09:00:00Z").as_second())
        );
        let entries: Vec<(String, Option<u8>, i64)> = c
            .iter_revoked_certificates()
            .map(|r| {
                (
                    crate::ids::hex(r.raw_serial(), ":"),
                    r.reason_code().map(|(_, code)| code.0),
                    r.revocation_date.timestamp(),
                )
            })
            .collect();
        let when = at("2026-12-03T08:30:00Z").as_second();
        assert_eq!(
            entries,
            [
                ("4F:1A:09".to_string(), Some(1), when),
                ("01".to_string(), None, when),
                (vec!["7F"; 20].join(":"), Some(4), when),
            ]
        );
        // And read back as AuthCert reads a backup's list.
        let (back, number) = super::super::revocations::read_crl(&crl_der, &der).unwrap();
        assert_eq!(number, 7);
        assert_eq!(back.len(), 3);
        assert_eq!(back[0].reason, Reason::KeyCompromise);
    }

    #[test]
    fn an_empty_revocation_list_is_still_a_signed_list() {
        let (der, signer) = authority();
        let crl_der = crl(
            &signer,
            &[],
            1,
            at("2026-12-03T09:00:00Z"),
            at("2027-06-01T09:00:00Z"),
        )
        .unwrap();
        let (_, c) = x509_parser::parse_x509_crl(&crl_der).unwrap();
        let (_, cert) = x509_parser::parse_x509_certificate(&der).unwrap();
        c.verify_signature(cert.public_key()).unwrap();
        assert_eq!(c.iter_revoked_certificates().count(), 0);
    }

    /// OpenSSL, which nginx and Apache use, reads the list and verifies it
    /// with the authority's certificate.
    #[cfg(not(windows))]
    #[test]
    fn openssl_verifies_the_list_with_the_authority() {
        let (der, signer) = authority();
        let crl_der = crl(
            &signer,
            &[revoked("4F:1A:09", Reason::KeyCompromise)],
            3,
            at("2026-12-03T09:00:00Z"),
            at("2027-06-01T09:00:00Z"),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (ca, list) = (dir.path().join("ca.pem"), dir.path().join("crl.der"));
        std::fs::write(&ca, crate::engine::issued::pem_of_certificate(&der)).unwrap();
        std::fs::write(&list, &crl_der).unwrap();
        let out = std::process::Command::new("openssl")
            .args(["crl", "-inform", "DER", "-noout", "-text", "-CAfile"])
            .arg(&ca)
            .arg("-in")
            .arg(&list)
            .output()
            .expect("openssl runs");
        let text = String::from_utf8_lossy(&out.stdout);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        assert!(err.contains("verify OK"), "{err}");
        assert!(text.contains("Serial Number: 4F1A09"), "{text}");
        assert!(text.contains("Key Compromise"), "{text}");
        assert!(text.contains("X509v3 CRL Number:"), "{text}");
    }
}
