//! The certificate engine: typed choices in, a verified PKCS#12 file out.
//! It knows nothing of windows, files on disk, keychains or Tauri.

pub mod certificate;
pub mod error;
pub mod issued;
pub mod password;
pub mod pkcs12;
pub mod request;

use aws_lc_rs::digest;

pub use error::{Field, FieldError, InvalidRequest, IssueError};
pub use issued::{Facts, Issued};
pub use password::Password;
pub use request::{
    Choice, Clock, Encryption, KeyType, Nickname, RawRequest, Request, SignatureHash,
};

/// Makes the key, the certificate and the PKCS#12 file for `request`, then
/// opens the file again with its password and checks that the key inside
/// matches the certificate before returning.
pub fn issue(request: &Request, clock: &Clock) -> Result<Issued, IssueError> {
    let key = certificate::generate_key(request.key_type, request.signature_hash)?;
    issue_with_key(request, clock, key)
}

/// As `issue`, with a key made beforehand (fresh, never reused).
pub fn issue_with_key(
    request: &Request,
    clock: &Clock,
    key: rcgen::KeyPair,
) -> Result<Issued, IssueError> {
    let made = certificate::make(request, key, clock.now, &clock.zone)?;
    let sha1 = digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, &made.cert_der);
    let sha256 = digest::digest(&digest::SHA256, &made.cert_der);
    let password = Password::generate()?;
    let p12 = pkcs12::pack(
        &made.key,
        &made.cert_der,
        request.nickname.as_str(),
        sha1.as_ref(),
        request.encryption,
        &password,
    )?;
    // Drop the key now: from here on it lives only inside the encrypted file.
    drop(made.key);
    pkcs12::check(&p12, &password, request.nickname.as_str(), &made.cert_der)?;

    let (_, parsed) = x509_parser::parse_x509_certificate(&made.cert_der)
        .map_err(|e| IssueError::Certificate(e.to_string()))?;
    let zone = clock.zone_name();
    let not_after_local = made
        .not_after
        .to_zoned(clock.zone.clone())
        .strftime("%Y-%m-%d %H:%M:%S %Z")
        .to_string();
    let facts = Facts {
        nickname: request.nickname.as_str().to_string(),
        subject: parsed.subject().to_string(),
        serial: issued::hex(parsed.raw_serial(), ":"),
        sha256_fingerprint: issued::hex(sha256.as_ref(), ":"),
        sha1_thumbprint: issued::hex(sha1.as_ref(), ""),
        not_before: made.not_before,
        not_after: made.not_after,
        zone,
        not_after_local,
        key_type: request.key_type,
        signature_hash: request.signature_hash,
        encryption: request.encryption,
        certificate_der: made.cert_der,
    };
    Ok(Issued {
        p12,
        password,
        facts,
    })
}
