//! Reading a file made elsewhere — untrusted input. Limits come first (the
//! file's size; the PKCS#12 reader's iteration, bag, certificate and nesting
//! limits; the number of PEM blocks), then the format: PEM text, PKCS#12,
//! or one DER certificate. Nothing here writes anything.

use std::io::Read;
use std::path::Path;

use zeroize::Zeroizing;

use super::certificate::Candidate;
use super::ImportError;
use crate::engine::pkcs12::read::{self as p12, Limits};
use crate::engine::Encryption;

/// At most this many certificates are read from one PEM file.
pub const MAX_PEM_CERTIFICATES: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Format {
    Pkcs12,
    Pem,
    Der,
}

impl Format {
    pub fn words(self, has_key: bool) -> &'static str {
        match (self, has_key) {
            (Format::Pkcs12, _) => "PKCS#12 file with its private key",
            (Format::Pem, true) => "PEM file (its private key ignored)",
            (Format::Pem, false) => "public certificate (PEM)",
            (Format::Der, _) => "public certificate (DER)",
        }
    }
}

/// What a file holds.
#[derive(Debug, Clone)]
pub struct Inspected {
    pub format: Format,
    /// Every certificate in the file, in its order.
    pub certificates: Vec<Candidate>,
    /// The certificate whose private key is in the file (PKCS#12).
    pub with_key: Option<usize>,
    /// Things the admin should know (an old method, a key left in clear).
    pub warnings: Vec<String>,
    /// How a PKCS#12 file is protected, in words.
    pub protection: Option<String>,
    /// The AuthCert encryption closest to the file's (for a replacement).
    pub encryption: Encryption,
}

/// Whether `bytes` look like a PKCS#12 file (which needs a password).
pub fn is_pkcs12(bytes: &[u8]) -> bool {
    !looks_like_pem(bytes) && p12::is_pkcs12(bytes)
}

/// A path for a message: whole unless absurdly long (then its start and end).
fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 240 {
        return text;
    }
    let head: String = chars[..120].iter().collect();
    let tail: String = chars[chars.len() - 80..].iter().collect();
    format!("{head}…{tail}")
}

/// Reads at most the size limit of `path`. The file is opened once and
/// its handle checked: a check of the path followed by an open would let a
/// FIFO swapped in between block the read forever. On Unix the open itself
/// does not wait for a FIFO's writer (O_NONBLOCK, which changes nothing
/// for a regular file).
pub fn file_bytes(path: &Path) -> Result<Zeroizing<Vec<u8>>, ImportError> {
    let unreadable = |e: std::io::Error| ImportError::Unreadable {
        path: shown(path),
        reason: crate::store::plain_io(&e),
    };
    let max = Limits::default().max_bytes;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        // Windows opens no folder as a file: say what it is.
        Err(_) if path.is_dir() => return Err(ImportError::NotAFile(shown(path))),
        Err(e) => return Err(unreadable(e)),
    };
    if !file.metadata().map_err(unreadable)?.is_file() {
        return Err(ImportError::NotAFile(shown(path)));
    }
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() > max {
        return Err(ImportError::TooLarge { max });
    }
    Ok(bytes)
}

fn looks_like_pem(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    head.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Reads a file's bytes; `password` opens a PKCS#12 file.
pub fn inspect(bytes: &[u8], password: Option<&str>) -> Result<Inspected, ImportError> {
    inspect_with(bytes, password, &Limits::default())
}

/// `inspect` with other limits (the fuzz target lowers the iterations).
pub fn inspect_with(
    bytes: &[u8],
    password: Option<&str>,
    limits: &Limits,
) -> Result<Inspected, ImportError> {
    let max = limits.max_bytes;
    if bytes.len() > max {
        return Err(ImportError::TooLarge { max });
    }
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if looks_like_pem(bytes) {
        return pem(bytes);
    }
    if p12::is_pkcs12(bytes) {
        return pkcs12(bytes, password, limits);
    }
    match Candidate::parse(bytes) {
        Ok(c) => Ok(Inspected {
            format: Format::Der,
            certificates: vec![c],
            with_key: None,
            warnings: Vec::new(),
            protection: None,
            encryption: Encryption::default(),
        }),
        // A DER certificate with bytes after it is refused as such.
        Err(why) if why.contains("bytes follow") => Err(ImportError::BadCertificate(why)),
        Err(_) => Err(ImportError::NotRecognized),
    }
}

fn pkcs12(bytes: &[u8], password: Option<&str>, limits: &Limits) -> Result<Inspected, ImportError> {
    let password = password.ok_or(ImportError::PasswordNeeded)?;
    let opened = p12::open(bytes, password, limits).map_err(ImportError::Pkcs12)?;
    let mut certificates = Vec::new();
    for (i, bag) in opened.certificates.iter().enumerate() {
        certificates.push(Candidate::parse(&bag.value).map_err(|why| {
            ImportError::BadCertificate(format!("certificate {} of the file: {why}", i + 1))
        })?);
    }
    if certificates.is_empty() {
        return Err(ImportError::NoCertificate);
    }
    let key = opened.keys.first().ok_or(ImportError::NoKeyInPkcs12)?;
    let key_spki = public_spki(&key.value);
    // The key's certificate: the one whose public key it is; else the one
    // with the same localKeyId (a key AuthCert cannot read the public half
    // of).
    let by_spki = key_spki
        .as_ref()
        .and_then(|spki| certificates.iter().position(|c| &c.spki == spki));
    let by_id = opened
        .certificates
        .iter()
        .position(|c| c.local_key_id.is_some() && c.local_key_id == key.local_key_id);
    let with_key = match (key_spki.is_some(), by_spki, by_id) {
        (_, Some(i), _) => i,
        (false, None, Some(i)) => i,
        _ => return Err(ImportError::KeyMismatch),
    };
    let schemes = &opened.protection.schemes;
    let mut warnings = Vec::new();
    if let Some(old) = schemes.iter().find(|s| s.is_legacy()) {
        warnings.push(format!(
            "The file was made with an old method ({}). AuthCert can read it, but newer systems may refuse it: replace it with a new certificate when you can.",
            old.describe()
        ));
    }
    if opened.protection.mac.is_none() && schemes.is_empty() {
        warnings.push("This file is not protected by a password: it has no integrity check and nothing in it is encrypted, so it opens with any password. Anyone who has a copy can use its private key: keep it somewhere only you can read, and replace it with a new certificate when you can.".into());
    } else if opened.protection.plain_key {
        warnings.push("The file's private key is not encrypted inside it; keep the file somewhere only you can read.".into());
    }
    // Anything but AES is a file made for older systems: its replacement
    // gets Triple DES.
    let triple_des = schemes.iter().any(|s| match s {
        crate::engine::pkcs12::pbe::Scheme::Pbes2 { cipher, .. } => !cipher.starts_with("AES"),
        _ => true,
    });
    let mut words: Vec<String> = schemes.iter().map(|s| s.describe()).collect();
    words.dedup();
    if let Some(mac) = opened.protection.mac {
        words.push(format!("{mac} integrity"));
    }
    Ok(Inspected {
        format: Format::Pkcs12,
        certificates,
        with_key: Some(with_key),
        warnings,
        protection: Some(words.join(", ")),
        encryption: if triple_des {
            Encryption::TripleDes
        } else {
            Encryption::Aes256
        },
    })
}

/// The SubjectPublicKeyInfo of a PKCS#8 private key, when aws-lc reads it.
fn public_spki(pkcs8: &[u8]) -> Option<Vec<u8>> {
    use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    let key = provider
        .key_provider
        .load_private_key(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            pkcs8.to_vec(),
        )))
        .ok()?;
    key.public_key().map(|spki| spki.as_ref().to_vec())
}

fn pem(bytes: &[u8]) -> Result<Inspected, ImportError> {
    let blocks = pem::parse_many(bytes)
        .map_err(|e| ImportError::BadCertificate(format!("its PEM text is damaged ({e})")))?;
    let mut certificates = Vec::new();
    let (mut clear_keys, mut encrypted_keys, mut others) = (0, 0, Vec::new());
    for block in &blocks {
        match block.tag() {
            "CERTIFICATE" | "X509 CERTIFICATE" => {
                if certificates.len() == MAX_PEM_CERTIFICATES {
                    return Err(ImportError::TooManyCertificates {
                        max: MAX_PEM_CERTIFICATES,
                    });
                }
                certificates.push(Candidate::parse(block.contents()).map_err(|why| {
                    ImportError::BadCertificate(format!(
                        "certificate {} of the file: {why}",
                        certificates.len() + 1
                    ))
                })?);
            }
            "PRIVATE KEY" | "RSA PRIVATE KEY" | "EC PRIVATE KEY" => clear_keys += 1,
            "ENCRYPTED PRIVATE KEY" => encrypted_keys += 1,
            other => others.push(other.chars().take(40).collect::<String>()),
        }
    }
    // Everything a block-by-block parse does not see is gone from memory
    // with `blocks`; the clear key is never kept.
    drop(blocks);
    if certificates.is_empty() {
        return Err(if clear_keys + encrypted_keys > 0 {
            ImportError::OnlyPrivateKey
        } else {
            ImportError::NoCertificate
        });
    }
    let mut warnings = Vec::new();
    if clear_keys > 0 {
        warnings.push("This file also holds a private key that is not encrypted. AuthCert ignores it and keeps only the public certificate, but anyone who can read this file can use the certificate: keep it somewhere only you can read, or protect it with a password (a .p12 file).".into());
    }
    if encrypted_keys > 0 {
        warnings.push("The file's encrypted private key is left as it is: AuthCert keeps only the public certificate, so tests with your API need the key in a .p12 file.".into());
    }
    if !others.is_empty() {
        warnings.push(format!(
            "Parts of the file that are not certificates were skipped ({}).",
            others.join(", ")
        ));
    }
    Ok(Inspected {
        format: Format::Pem,
        certificates,
        with_key: None,
        warnings,
        protection: None,
        encryption: Encryption::default(),
    })
}
