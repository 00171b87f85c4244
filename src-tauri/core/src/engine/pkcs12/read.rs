//! AuthCert's PKCS#12 reader: checks the MAC, decrypts the bags, and hands
//! back every key and certificate with its friendlyName and localKeyId. It
//! reads untrusted files (certificates made elsewhere), so limits come
//! before any work: the file's size, the iteration counts (refused rather
//! than spun on for minutes), the number of bags and certificates, and the
//! nesting of bags in bags. DER only, as OpenSSL, Java and Windows write.

use der::asn1::{BmpString, OctetString};
use der::{Any, Decode};
use hmac::{Hmac, KeyInit, Mac};
use pkcs12::cms::content_info::ContentInfo;
use pkcs12::cms::encrypted_data::EncryptedData;
use pkcs12::kdf::{derive_key, Pkcs12KeyType};
use pkcs12::pbe_params::EncryptedPrivateKeyInfo;
use pkcs12::pfx::Pfx;
use pkcs12::safe_bag::SafeBag;
use pkcs12::CertBag;
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attributes;
use zeroize::Zeroizing;

use super::oids;
use super::pbe::{self, PbeError, Scheme};

/// What the reader accepts before it does any work.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    /// Per key derivation (MAC and each encryption).
    pub max_iterations: u32,
    pub max_bags: usize,
    pub max_certificates: usize,
    /// Bags holding bags (safeContentsBag), deepest.
    pub max_depth: usize,
}

impl Default for Limits {
    /// A real file is a few kilobytes, with a few bags and 2 048 to 600 000
    /// iterations (OpenSSL's default to OWASP's advice for PBKDF2): 4 MB,
    /// 1 000 000 iterations (p12-keystore's own limit, about a second per
    /// derivation here), 256 bags, 64 certificates, 4 levels.
    fn default() -> Self {
        Limits {
            max_bytes: 4 * 1024 * 1024,
            max_iterations: 1_000_000,
            max_bags: 256,
            max_certificates: 64,
            max_depth: 4,
        }
    }
}

/// Why a file could not be read. No variant carries the password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is {bytes} bytes; a certificate file is a few kilobytes, so files over {max} bytes are not read")]
    TooLarge { bytes: usize, max: usize },
    #[error("it is not a PKCS#12 file ({0})")]
    NotPkcs12(String),
    #[error("the password is wrong (or the file is damaged)")]
    WrongPassword,
    #[error("it asks for {found} rounds of key derivation; AuthCert reads files with up to {max}, so it does not spend minutes on this one")]
    TooManyIterations { found: u64, max: u32 },
    #[error("it holds more than {max} {what}; AuthCert does not read files that large")]
    TooMany { what: &'static str, max: usize },
    #[error("it is protected with {0}, which AuthCert cannot read")]
    Unsupported(String),
    #[error("it is damaged: {0}")]
    Damaged(String),
}

impl From<PbeError> for ReadError {
    fn from(e: PbeError) -> Self {
        match e {
            PbeError::WrongPassword => ReadError::WrongPassword,
            PbeError::TooManyIterations { found, max } => {
                ReadError::TooManyIterations { found, max }
            }
            PbeError::Unsupported(scheme) => ReadError::Unsupported(scheme.describe()),
            PbeError::Malformed(m) => ReadError::Damaged(m),
        }
    }
}

/// A bag's value and its attributes.
#[derive(Clone)]
pub struct Bag<T> {
    pub value: T,
    pub friendly_name: Option<String>,
    pub local_key_id: Option<Vec<u8>>,
}

/// How the file was protected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Protection {
    /// The MAC's digest ("SHA-256"), or None without a MAC.
    pub mac: Option<&'static str>,
    pub mac_iterations: Option<u64>,
    /// The encryption of each encrypted bag or content, in order.
    pub schemes: Vec<Scheme>,
    /// A private key was stored without encryption inside the file.
    pub plain_key: bool,
}

/// Everything in the file. Keys are PKCS#8 DER, wiped when dropped.
pub struct Opened {
    pub keys: Vec<Bag<Zeroizing<Vec<u8>>>>,
    pub certificates: Vec<Bag<Vec<u8>>>,
    pub protection: Protection,
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("keys", &format_args!("<{} keys>", self.keys.len()))
            .field("certificates", &self.certificates.len())
            .field("protection", &self.protection)
            .finish()
    }
}

fn damaged(e: impl std::fmt::Display) -> ReadError {
    ReadError::Damaged(e.to_string())
}

/// Whether `bytes` looks like a PKCS#12 file at all (its outer structure
/// parses), without a password.
pub fn is_pkcs12(bytes: &[u8]) -> bool {
    bytes.len() <= Limits::default().max_bytes && Pfx::from_der(bytes).is_ok()
}

/// Opens `bytes` with `password`.
pub fn open(bytes: &[u8], password: &str, limits: &Limits) -> Result<Opened, ReadError> {
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::TooLarge {
            bytes: bytes.len(),
            max: limits.max_bytes,
        });
    }
    let pfx = Pfx::from_der(bytes).map_err(|e| ReadError::NotPkcs12(e.to_string()))?;
    if pfx.auth_safe.content_type != oids::DATA {
        return Err(ReadError::Unsupported(
            "public-key integrity (a signature instead of a password MAC)".into(),
        ));
    }
    let safe = pfx
        .auth_safe
        .content
        .decode_as::<OctetString>()
        .map_err(damaged)?;
    let mut protection = Protection::default();
    if let Some(mac) = &pfx.mac_data {
        verify_mac(mac, password, safe.as_bytes(), limits, &mut protection)?;
    }
    let contents = Vec::<ContentInfo>::from_der(safe.as_bytes())
        .map_err(|e| ReadError::NotPkcs12(e.to_string()))?;
    let mut opened = Opened {
        keys: Vec::new(),
        certificates: Vec::new(),
        protection,
    };
    let mut bags_seen = 0;
    for content in contents {
        let bags_der: Zeroizing<Vec<u8>> = if content.content_type == oids::DATA {
            Zeroizing::new(
                content
                    .content
                    .decode_as::<OctetString>()
                    .map_err(damaged)?
                    .as_bytes()
                    .to_vec(),
            )
        } else if content.content_type == oids::ENCRYPTED_DATA {
            let enc = content
                .content
                .decode_as::<EncryptedData>()
                .map_err(damaged)?;
            let info = enc.enc_content_info;
            let alg = info.content_enc_alg;
            opened.protection.schemes.push(pbe::scheme_of(&alg));
            let ct = info
                .encrypted_content
                .ok_or_else(|| damaged("an encrypted content without data"))?;
            pbe::decrypt(&alg, password, ct.as_bytes(), limits.max_iterations)?
        } else if content.content_type == oids::ENVELOPED_DATA {
            return Err(ReadError::Unsupported(
                "public-key encryption (EnvelopedData)".into(),
            ));
        } else {
            return Err(damaged(format!("content of type {}", content.content_type)));
        };
        // A wrong key that happened to pass the padding check leaves bytes
        // that do not parse: the same message as any wrong password.
        let bags = Vec::<SafeBag>::from_der(&bags_der).map_err(|_| ReadError::WrongPassword)?;
        read_bags(bags, password, limits, 1, &mut bags_seen, &mut opened)?;
    }
    Ok(opened)
}

fn read_bags(
    bags: Vec<SafeBag>,
    password: &str,
    limits: &Limits,
    depth: usize,
    seen: &mut usize,
    opened: &mut Opened,
) -> Result<(), ReadError> {
    if depth > limits.max_depth {
        return Err(ReadError::TooMany {
            what: "levels of bags within bags",
            max: limits.max_depth,
        });
    }
    for bag in bags {
        *seen += 1;
        if *seen > limits.max_bags {
            return Err(ReadError::TooMany {
                what: "bags",
                max: limits.max_bags,
            });
        }
        // The decoder keeps the [0] EXPLICIT around the value.
        let outer = Any::from_der(&bag.bag_value).map_err(damaged)?;
        let inner = outer.value();
        let (friendly_name, local_key_id) = names(bag.bag_attributes.as_ref())?;
        if bag.bag_id == pkcs12::PKCS_12_PKCS8_KEY_BAG_OID {
            let shrouded = EncryptedPrivateKeyInfo::from_der(inner).map_err(damaged)?;
            let alg: AlgorithmIdentifierOwned = shrouded.encryption_algorithm;
            opened.protection.schemes.push(pbe::scheme_of(&alg));
            let key = pbe::decrypt(
                &alg,
                password,
                shrouded.encrypted_data.as_bytes(),
                limits.max_iterations,
            )?;
            // Decrypted with a wrong key by chance: not a PKCS#8 structure.
            if der::asn1::AnyRef::from_der(&key).is_err() {
                return Err(ReadError::WrongPassword);
            }
            opened.keys.push(Bag {
                value: key,
                friendly_name,
                local_key_id,
            });
        } else if bag.bag_id == pkcs12::PKCS_12_KEY_BAG_OID {
            opened.protection.plain_key = true;
            opened.keys.push(Bag {
                value: Zeroizing::new(inner.to_vec()),
                friendly_name,
                local_key_id,
            });
        } else if bag.bag_id == pkcs12::PKCS_12_CERT_BAG_OID {
            let cert = CertBag::from_der(inner).map_err(damaged)?;
            if cert.cert_id != pkcs12::PKCS_12_X509_CERT_OID {
                continue; // SDSI certificates: not X.509, not ours to read.
            }
            if opened.certificates.len() >= limits.max_certificates {
                return Err(ReadError::TooMany {
                    what: "certificates",
                    max: limits.max_certificates,
                });
            }
            opened.certificates.push(Bag {
                value: cert.cert_value.as_bytes().to_vec(),
                friendly_name,
                local_key_id,
            });
        } else if bag.bag_id == pkcs12::PKCS_12_SAFE_CONTENTS_BAG_OID {
            let nested = Vec::<SafeBag>::from_der(inner).map_err(damaged)?;
            read_bags(nested, password, limits, depth + 1, seen, opened)?;
        }
        // CRL and secret bags are not certificates or keys: skipped.
    }
    Ok(())
}

/// friendlyName and localKeyId, when present.
fn names(attrs: Option<&Attributes>) -> Result<(Option<String>, Option<Vec<u8>>), ReadError> {
    let (mut name, mut id) = (None, None);
    for attr in attrs.into_iter().flat_map(|a| a.iter()) {
        let Some(value) = attr.values.iter().next() else {
            continue;
        };
        if attr.oid == oids::FRIENDLY_NAME {
            let bmp = value.decode_as::<BmpString>().map_err(damaged)?;
            name = Some(bmp.chars().collect());
        } else if attr.oid == oids::LOCAL_KEY_ID {
            id = Some(
                value
                    .decode_as::<OctetString>()
                    .map_err(damaged)?
                    .as_bytes()
                    .to_vec(),
            );
        }
    }
    Ok((name, id))
}

/// The password as PKCS#12 wants it for its key derivation: UTF-16BE with
/// two terminating zero bytes. An empty password is tried both ways other
/// tools write it (OpenSSL: also no bytes at all).
fn bmp_passwords(password: &str) -> Result<Vec<Zeroizing<Vec<u8>>>, ReadError> {
    let bmp = BmpString::from_utf8(password).map_err(|_| ReadError::WrongPassword)?;
    let mut bytes = Zeroizing::new(bmp.as_bytes().to_vec());
    bytes.extend([0, 0]);
    let mut all = vec![bytes];
    if password.is_empty() {
        all.push(Zeroizing::new(Vec::new()));
    }
    Ok(all)
}

/// Derives the MAC key with the digest and compares the MAC in constant
/// time (`Mac::verify_slice`).
macro_rules! check_with {
    ($digest:ty, $len:expr, $pass:expr, $salt:expr, $rounds:expr, $data:expr, $expected:expr) => {{
        let key = Zeroizing::new(derive_key::<$digest>(
            $pass,
            $salt,
            Pkcs12KeyType::Mac,
            $rounds,
            $len,
        ));
        match <Hmac<$digest> as KeyInit>::new_from_slice(&key) {
            Ok(mut h) => {
                h.update($data);
                h.verify_slice($expected).is_ok()
            }
            Err(_) => false,
        }
    }};
}

fn verify_mac(
    mac: &pkcs12::MacData,
    password: &str,
    data: &[u8],
    limits: &Limits,
    protection: &mut Protection,
) -> Result<(), ReadError> {
    let oid = mac.mac.algorithm.oid;
    if oid == oids::PBMAC1 {
        return Err(ReadError::Unsupported("a PBMAC1 integrity check".into()));
    }
    let rounds = mac.iterations;
    if rounds < 1 {
        return Err(damaged(format!("{rounds} MAC iterations")));
    }
    if rounds as u64 > u64::from(limits.max_iterations) {
        return Err(ReadError::TooManyIterations {
            found: rounds as u64,
            max: limits.max_iterations,
        });
    }
    protection.mac_iterations = Some(rounds as u64);
    let salt = mac.mac_salt.as_bytes();
    let expected = mac.mac.digest.as_bytes();
    for pass in bmp_passwords(password)? {
        let ok = match oid {
            o if o == oids::SHA1 => {
                protection.mac = Some("SHA-1");
                check_with!(sha1::Sha1, 20, &pass, salt, rounds, data, expected)
            }
            o if o == oids::SHA256 => {
                protection.mac = Some("SHA-256");
                check_with!(sha2::Sha256, 32, &pass, salt, rounds, data, expected)
            }
            o if o == oids::SHA384 => {
                protection.mac = Some("SHA-384");
                check_with!(sha2::Sha384, 48, &pass, salt, rounds, data, expected)
            }
            o if o == oids::SHA512 => {
                protection.mac = Some("SHA-512");
                check_with!(sha2::Sha512, 64, &pass, salt, rounds, data, expected)
            }
            other => {
                return Err(ReadError::Unsupported(format!(
                    "an integrity check with the unknown digest {other}"
                )))
            }
        };
        if ok {
            return Ok(());
        }
    }
    Err(ReadError::WrongPassword)
}
