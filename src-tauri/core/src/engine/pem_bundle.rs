//! The PEM copy, for the clients that take PEM rather than PKCS#12 (Python's
//! ssl, requests and httpx, Node's key/cert, nginx as a proxy): one file with
//! the certificate (and the issuing authority's, when it signed), then the
//! private key as an encrypted PKCS#8 block ("ENCRYPTED PRIVATE KEY": PBES2,
//! PBKDF2-HMAC-SHA256, AES-256-CBC) under the certificate's own password.
//! The key is never written unencrypted.

use der::asn1::OctetString;
use der::{Decode, Encode};
use pkcs12::pbe_params::EncryptedPrivateKeyInfo;
use zeroize::Zeroizing;

use super::error::IssueError;
use super::issued::pem_of_certificate;
use super::password::Password;
use super::pkcs12::pbe::{self, WriteScheme};
use super::pkcs12::ITERATIONS;

pub const KEY_LABEL: &str = "ENCRYPTED PRIVATE KEY";

/// The PEM text: certificates first, then the encrypted key.
pub fn bundle(
    cert_der: &[u8],
    chain: &[&[u8]],
    key_pkcs8: &[u8],
    password: &Password,
) -> Result<Zeroizing<String>, IssueError> {
    let fail = |e: String| IssueError::Pkcs12Write(format!("the PEM copy could not be made: {e}"));
    let (alg, ciphertext) = pbe::encrypt(
        WriteScheme::Pbes2Aes256,
        password.expose(),
        ITERATIONS,
        key_pkcs8,
    )
    .map_err(fail)?;
    let info = EncryptedPrivateKeyInfo {
        encryption_algorithm: alg,
        encrypted_data: OctetString::new(ciphertext).map_err(|e| fail(e.to_string()))?,
    };
    let der = info.to_der().map_err(|e| fail(e.to_string()))?;
    let mut text = Zeroizing::new(pem_of_certificate(cert_der));
    for ca in chain {
        text.push_str(&pem_of_certificate(ca));
    }
    text.push_str(&pem::encode_config(
        &pem::Pem::new(KEY_LABEL, der),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    ));
    Ok(text)
}

/// Reads a PEM copy back: the first certificate must be `cert_der` and the
/// key must decrypt with `password` to `key_pkcs8`.
pub fn check(
    text: &[u8],
    password: &Password,
    cert_der: &[u8],
    key_pkcs8: &[u8],
) -> Result<(), IssueError> {
    let fail = |m: &str| IssueError::SelfCheck(format!("the PEM copy {m}"));
    let blocks = pem::parse_many(text).map_err(|_| fail("is not PEM"))?;
    let first_cert = blocks.iter().find(|b| b.tag() == "CERTIFICATE");
    if first_cert.map(|b| b.contents()) != Some(cert_der) {
        return Err(fail("does not hold the certificate made"));
    }
    let key = blocks
        .iter()
        .find(|b| b.tag() == KEY_LABEL)
        .ok_or_else(|| fail("holds no encrypted key"))?;
    if blocks
        .iter()
        .any(|b| b.tag().contains("PRIVATE KEY") && b.tag() != KEY_LABEL)
    {
        return Err(fail("holds an unencrypted key"));
    }
    let info =
        EncryptedPrivateKeyInfo::from_der(key.contents()).map_err(|_| fail("has a damaged key"))?;
    let plain = pbe::decrypt(
        &info.encryption_algorithm,
        password.expose(),
        info.encrypted_data.as_bytes(),
        ITERATIONS,
    )
    .map_err(|_| fail("does not open with the password"))?;
    if plain.as_slice() != key_pkcs8 {
        return Err(fail("holds another key"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts() -> (Vec<u8>, Vec<u8>, Password) {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["PEM test".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        (
            cert.der().to_vec(),
            key.serialize_der(),
            Password::generate().unwrap(),
        )
    }

    #[test]
    fn the_copy_reads_back_and_openssl_opens_it_only_with_the_password() {
        let (cert, key, password) = parts();
        let text = bundle(&cert, &[], &key, &password).unwrap();
        check(text.as_bytes(), &password, &cert, &key).unwrap();
        assert!(text.starts_with("-----BEGIN CERTIFICATE-----\n"));
        assert!(!text.contains("BEGIN PRIVATE KEY"));
        // OpenSSL is a Linux program of the test machine: under Wine this
        // cross-check is left to the command-line suites, which run it on
        // what authcert.exe wrote.
        if cfg!(windows) {
            return;
        }

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("copy.pem");
        std::fs::write(&file, text.as_bytes()).unwrap();
        let opens = |pass: &str| {
            std::process::Command::new("openssl")
                .args(["pkey", "-noout", "-passin", &format!("pass:{pass}"), "-in"])
                .arg(&file)
                .output()
                .expect("openssl runs")
                .status
                .success()
        };
        assert!(opens(password.expose()));
        assert!(!opens("not the password"));
    }

    #[test]
    fn a_wrong_password_another_key_or_a_plain_key_fail_the_check() {
        let (cert, key, password) = parts();
        let text = bundle(&cert, &[], &key, &password).unwrap();
        let other = Password::generate().unwrap();
        let err = check(text.as_bytes(), &other, &cert, &key).unwrap_err();
        assert!(err.to_string().contains("does not open with the password"));

        let (other_cert, other_key, _) = parts();
        assert!(check(text.as_bytes(), &password, &other_cert, &key).is_err());
        assert!(check(text.as_bytes(), &password, &cert, &other_key).is_err());

        let plain = format!(
            "{}{}",
            text.as_str(),
            pem::encode(&pem::Pem::new("PRIVATE KEY", key.clone()))
        );
        let err = check(plain.as_bytes(), &password, &cert, &key).unwrap_err();
        assert!(err.to_string().contains("unencrypted"));
        assert!(check(b"not pem at all", &password, &cert, &key).is_err());
    }
}
