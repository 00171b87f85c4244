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
                serial_number: SerialNumber::from_slice(&r.serial_bytes()?),
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
