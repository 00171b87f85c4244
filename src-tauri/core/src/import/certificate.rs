//! The public facts of a certificate read from a file made elsewhere: what
//! the admin sees before adding it, and what the list keeps.

use jiff::Timestamp;
use serde::Serialize;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;

use crate::engine::{KeyType, SignatureHash};
use crate::ids::{hex, Fingerprint, Serial, MAX_SERIAL_BYTES};

/// Longer names (a hostile file's 64 KB common name) are cut for display.
const MAX_NAME_CHARS: usize = 256;

/// One certificate of a file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    pub subject: String,
    pub issuer: String,
    /// The subject's common name, when it has one.
    pub common_name: Option<String>,
    pub serial: Serial,
    pub sha256_fingerprint: Fingerprint,
    pub sha1_thumbprint: String,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
    /// The key in words ("RSA 2048", "ECDSA P-256", "Ed25519").
    pub key: String,
    /// The signature algorithm in words.
    pub signature: String,
    /// Meant for client authentication: an extended key usage that allows
    /// it (clientAuth or any purpose), or none at all (no restriction).
    pub client_auth: bool,
    /// The purposes it is meant for, in words, when restricted.
    pub purposes: Vec<String>,
    pub self_signed: bool,
    /// An authority's certificate (basicConstraints CA:TRUE).
    pub is_authority: bool,
    #[serde(skip)]
    pub der: Vec<u8>,
    #[serde(skip)]
    pub spki: Vec<u8>,
    /// The AuthCert settings closest to it (for a replacement).
    #[serde(skip)]
    pub closest_key: KeyType,
    #[serde(skip)]
    pub closest_hash: SignatureHash,
}

/// A name from the file, safe to show (control characters escaped) and
/// cut to a readable length.
fn cut(text: String) -> String {
    let text = crate::text::shown(&text).into_owned();
    if text.chars().count() > MAX_NAME_CHARS {
        let mut short: String = text.chars().take(MAX_NAME_CHARS).collect();
        short.push('…');
        short
    } else {
        text
    }
}

impl Candidate {
    /// Reads one DER certificate, which must be all of `der`.
    pub fn parse(der: &[u8]) -> Result<Candidate, String> {
        let (rest, cert) = X509Certificate::from_der(der)
            .map_err(|e| format!("it is not a readable X.509 certificate ({e})"))?;
        if !rest.is_empty() {
            return Err(format!(
                "{} bytes follow the certificate; a certificate file holds nothing after it",
                rest.len()
            ));
        }
        let time = |t: x509_parser::time::ASN1Time| {
            Timestamp::from_second(t.timestamp())
                .map_err(|_| "its dates are out of range".to_string())
        };
        let (key, closest_key) = key_words(&cert);
        let (signature, closest_hash) = signature_words(&cert);
        let (client_auth, purposes) = match cert.extended_key_usage() {
            Ok(Some(eku)) => {
                let e = &eku.value;
                let mut words = Vec::new();
                if e.server_auth {
                    words.push("server authentication".to_string());
                }
                if e.client_auth {
                    words.push("client authentication".to_string());
                }
                if e.code_signing {
                    words.push("code signing".to_string());
                }
                if e.email_protection {
                    words.push("email protection".to_string());
                }
                if e.time_stamping {
                    words.push("time stamping".to_string());
                }
                if e.ocsp_signing {
                    words.push("OCSP signing".to_string());
                }
                if e.any {
                    words.push("any purpose".to_string());
                }
                if !e.other.is_empty() {
                    words.push(format!("{} other purpose(s)", e.other.len()));
                }
                (e.client_auth || e.any, words)
            }
            Ok(None) => (true, Vec::new()),
            Err(_) => (false, vec!["(unreadable)".to_string()]),
        };
        let is_authority = matches!(cert.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
        let subject = cert.subject().to_string();
        let issuer = cert.issuer().to_string();
        let self_signed = cert.subject().as_raw() == cert.issuer().as_raw()
            && cert.verify_signature(None).is_ok();
        let common_name = cert
            .subject()
            .iter_common_name()
            .next()
            .and_then(|cn| cn.as_str().ok())
            .map(|cn| cut(cn.to_string()));
        let sha1 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, der);
        Ok(Candidate {
            subject: cut(subject),
            issuer: cut(issuer),
            common_name,
            serial: Serial::from_bytes(cert.raw_serial()).map_err(|_| {
                format!(
                    "its serial number is {} bytes long; AuthCert reads serials of 1 to {MAX_SERIAL_BYTES} bytes",
                    cert.raw_serial().len()
                )
            })?,
            sha256_fingerprint: Fingerprint::of(der),
            sha1_thumbprint: hex(sha1.as_ref(), ""),
            not_before: time(cert.validity().not_before)?,
            not_after: time(cert.validity().not_after)?,
            key,
            signature,
            client_auth,
            purposes,
            self_signed,
            is_authority,
            spki: cert.public_key().raw.to_vec(),
            der: der.to_vec(),
            closest_key,
            closest_hash,
        })
    }
}

fn key_words(cert: &X509Certificate<'_>) -> (String, KeyType) {
    let spki = cert.public_key();
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => {
            let bits = rsa.key_size();
            let closest = match bits {
                0..=2048 => KeyType::Rsa2048,
                2049..=3072 => KeyType::Rsa3072,
                _ => KeyType::Rsa4096,
            };
            (format!("RSA {bits}"), closest)
        }
        Ok(PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| oid.to_id_string());
            match curve.as_deref() {
                Some("1.2.840.10045.3.1.7") => ("ECDSA P-256".into(), KeyType::EcdsaP256),
                Some("1.3.132.0.34") => ("ECDSA P-384".into(), KeyType::EcdsaP384),
                Some("1.3.132.0.35") => ("ECDSA P-521".into(), KeyType::EcdsaP384),
                Some(other) => (format!("ECDSA on curve {other}"), KeyType::EcdsaP256),
                None => ("ECDSA".into(), KeyType::EcdsaP256),
            }
        }
        _ => match spki.algorithm.algorithm.to_id_string().as_str() {
            "1.3.101.112" => ("Ed25519".into(), KeyType::default()),
            "1.3.101.113" => ("Ed448".into(), KeyType::default()),
            oid => (format!("another kind of key ({oid})"), KeyType::default()),
        },
    }
}

fn signature_words(cert: &X509Certificate<'_>) -> (String, SignatureHash) {
    let oid = cert.signature_algorithm.algorithm.to_id_string();
    let (words, hash) = match oid.as_str() {
        "1.2.840.113549.1.1.11" => ("RSA with SHA-256", SignatureHash::Sha256),
        "1.2.840.113549.1.1.12" => ("RSA with SHA-384", SignatureHash::Sha384),
        "1.2.840.113549.1.1.13" => ("RSA with SHA-512", SignatureHash::Sha512),
        "1.2.840.113549.1.1.5" => ("RSA with SHA-1 (weak)", SignatureHash::Sha256),
        "1.2.840.113549.1.1.4" => ("RSA with MD5 (broken)", SignatureHash::Sha256),
        "1.2.840.113549.1.1.10" => ("RSA-PSS", SignatureHash::Sha256),
        "1.2.840.10045.4.3.2" => ("ECDSA with SHA-256", SignatureHash::Sha256),
        "1.2.840.10045.4.3.3" => ("ECDSA with SHA-384", SignatureHash::Sha384),
        "1.2.840.10045.4.3.4" => ("ECDSA with SHA-512", SignatureHash::Sha512),
        "1.2.840.10045.4.1" => ("ECDSA with SHA-1 (weak)", SignatureHash::Sha256),
        "1.3.101.112" => ("Ed25519", SignatureHash::Sha256),
        _ => return (format!("another algorithm ({oid})"), SignatureHash::Sha256),
    };
    (words.to_string(), hash)
}
