//! The CA's answer as the admin has it — untrusted input. Limits first (its
//! size, then the number of certificates), then the format: PEM text with
//! certificates or PKCS#7 blocks in any order, one DER certificate
//! (`.cer`, `.crt`), a DER PKCS#7 bundle (`.p7b`, `.p7c`), or the JSON an
//! API answers with (Vault's `certificate`, `issuing_ca` and `ca_chain`,
//! also under `data`; step-ca's `crt`, `ca` and `certChain`). What comes
//! out is the certificates' DER, in the answer's order; `chain` decides
//! what they are.

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use serde_json::Value;

/// A certificate and its chain are a few kilobytes; this leaves room for
/// long chains with big keys and refuses what is certainly not an answer.
pub const MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// A chain has a handful of certificates; a bundle of every root is not an
/// answer.
pub const MAX_ANSWER_CERTIFICATES: usize = 32;

/// PKCS#7 / CMS signedData (RFC 5652), the type of a `.p7b` bundle.
const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");

const READS: &str = "AuthCert reads PEM text (“-----BEGIN CERTIFICATE-----”), a .cer or .crt file, a .p7b or .p7c file, or the JSON answer of Vault or step-ca";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("The answer is empty: open the file your CA sent, or paste all of its text.")]
    Empty,
    #[error("The answer is larger than {} KB; a CA's answer (a certificate and its chain) is a few kilobytes. Check that this is the file your CA sent.", MAX_ANSWER_BYTES / 1024)]
    TooLarge,
    #[error("The answer holds more than {MAX_ANSWER_CERTIFICATES} certificates; a certificate's chain has a handful. Check that this is the file your CA sent for this request.")]
    TooMany,
    #[error("This is a certificate request, not the CA's answer: send it to your CA, and complete with the certificate it sends back.")]
    RequestNotAnswer,
    #[error("The answer holds no certificate ({0}). {READS}.")]
    NoCertificate(String),
    #[error("The answer is not something AuthCert can read ({0}). {READS}.")]
    Unreadable(String),
}

/// The DER certificates of an answer, in its order.
pub fn certificates(input: &[u8]) -> Result<Vec<Vec<u8>>, AnswerError> {
    if input.len() > MAX_ANSWER_BYTES {
        return Err(AnswerError::TooLarge);
    }
    let trimmed = input.trim_ascii();
    if trimmed.is_empty() {
        return Err(AnswerError::Empty);
    }
    let found = if trimmed.starts_with(b"{") {
        json(trimmed)?
    } else if trimmed.windows(11).any(|w| w == b"-----BEGIN ") {
        pem_blocks(trimmed)?
    } else {
        // Not trimmed: a DER file's last byte is a signature's, and may
        // happen to be a space or a newline.
        der(input)?
    };
    if found.is_empty() {
        return Err(AnswerError::NoCertificate(
            "nothing in it is a certificate".into(),
        ));
    }
    Ok(found)
}

/// Adds `der` unless the answer is over its limit.
fn push(out: &mut Vec<Vec<u8>>, der: Vec<u8>) -> Result<(), AnswerError> {
    if out.len() == MAX_ANSWER_CERTIFICATES {
        return Err(AnswerError::TooMany);
    }
    out.push(der);
    Ok(())
}

fn pem_blocks(text: &[u8]) -> Result<Vec<Vec<u8>>, AnswerError> {
    let blocks = pem::parse_many(text)
        .map_err(|e| AnswerError::Unreadable(format!("its PEM text is damaged: {e}")))?;
    // A block cut short (a paste that lost its end) is not read at all.
    let begun = text.windows(11).filter(|w| *w == b"-----BEGIN ").count();
    if blocks.len() < begun {
        return Err(AnswerError::Unreadable(
            "its PEM text is damaged: a “-----BEGIN” line has no matching “-----END” line; copy or open the whole answer".into(),
        ));
    }
    let mut out = Vec::new();
    let mut request = false;
    for block in blocks {
        match block.tag() {
            "CERTIFICATE" | "X509 CERTIFICATE" => push(&mut out, block.into_contents())?,
            "PKCS7" | "CMS" => {
                for der in pkcs7(block.contents())? {
                    push(&mut out, der)?;
                }
            }
            "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => request = true,
            // A key, parameters: not part of an answer, and never kept.
            _ => {}
        }
    }
    if out.is_empty() && request {
        return Err(AnswerError::RequestNotAnswer);
    }
    Ok(out)
}

/// A DER certificate, or a DER PKCS#7 bundle.
fn der(bytes: &[u8]) -> Result<Vec<Vec<u8>>, AnswerError> {
    use x509_parser::prelude::FromDer;
    if let Ok((rest, _)) = x509_parser::certificate::X509Certificate::from_der(bytes) {
        if rest.is_empty() {
            return Ok(vec![bytes.to_vec()]);
        }
        return Err(AnswerError::Unreadable(format!(
            "{} bytes follow the certificate",
            rest.len()
        )));
    }
    if bytes.first() == Some(&0x30) && cms::content_info::ContentInfo::from_der(bytes).is_ok() {
        return pkcs7(bytes);
    }
    Err(AnswerError::Unreadable(
        "it is neither text nor a DER certificate or bundle".into(),
    ))
}

/// The certificates of a PKCS#7 signedData bundle (its signatures, which
/// a `.p7b` of certificates does not have, are not looked at).
fn pkcs7(bytes: &[u8]) -> Result<Vec<Vec<u8>>, AnswerError> {
    let damaged =
        |e: der::Error| AnswerError::Unreadable(format!("its PKCS#7 bundle is damaged: {e}"));
    let info = cms::content_info::ContentInfo::from_der(bytes).map_err(damaged)?;
    if info.content_type != SIGNED_DATA {
        return Err(AnswerError::Unreadable(format!(
            "a PKCS#7 file of type {}, not a certificate bundle",
            info.content_type
        )));
    }
    let inner = info.content.to_der().map_err(damaged)?;
    let signed = cms::signed_data::SignedData::from_der(&inner).map_err(damaged)?;
    let mut out = Vec::new();
    for choice in signed.certificates.iter().flat_map(|set| set.0.iter()) {
        if let cms::cert::CertificateChoices::Certificate(c) = choice {
            push(&mut out, c.to_der().map_err(damaged)?)?;
        }
    }
    if out.is_empty() {
        return Err(AnswerError::NoCertificate(
            "its PKCS#7 bundle is empty".into(),
        ));
    }
    Ok(out)
}

/// The certificate fields of a Vault or step-ca answer, as one PEM text.
fn json(text: &[u8]) -> Result<Vec<Vec<u8>>, AnswerError> {
    let value: Value = serde_json::from_slice(text)
        .map_err(|e| AnswerError::Unreadable(format!("its JSON is damaged: {e}")))?;
    let mut pem = String::new();
    for object in [Some(&value), value.get("data")].into_iter().flatten() {
        for key in ["certificate", "issuing_ca", "crt", "ca"] {
            if let Some(Value::String(s)) = object.get(key) {
                pem.push_str(s);
                pem.push('\n');
            }
        }
        for key in ["ca_chain", "certChain"] {
            if let Some(Value::Array(items)) = object.get(key) {
                for s in items.iter().filter_map(Value::as_str) {
                    pem.push_str(s);
                    pem.push('\n');
                }
            }
        }
    }
    if pem.is_empty() {
        return Err(AnswerError::NoCertificate(
            "a JSON answer with none of the fields certificate, ca_chain, crt or certChain".into(),
        ));
    }
    pem_blocks(pem.as_bytes())
}
