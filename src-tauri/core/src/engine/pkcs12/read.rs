//! AuthCert's PKCS#12 reader: checks the MAC, decrypts the bags, and hands
//! back every key and certificate with its friendlyName and localKeyId. It
//! reads untrusted files (certificates made elsewhere), so limits come
//! before any work: the file's size, the iteration counts of each key
//! derivation and of all of them together (refused rather than spun on for
//! minutes), the number of parts, bags and certificates, and the nesting of
//! bags in bags. DER only, as OpenSSL, Java and Windows write.

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
    /// Rounds of key derivation in all (`pbe::cost` of every encryption,
    /// the MAC's), counted before any is spent.
    pub max_total_rounds: u64,
    /// Parts of the authenticated safe (ContentInfos).
    pub max_contents: usize,
    pub max_bags: usize,
    pub max_certificates: usize,
    /// Bags holding bags (safeContentsBag), deepest.
    pub max_depth: usize,
}

impl Default for Limits {
    /// A real file is a few kilobytes, with two or three parts, a few bags
    /// and 2 048 to 600 000 iterations (OpenSSL's default to OWASP's advice
    /// for PBKDF2): 4 MB, 1 000 000 iterations per derivation (p12-keystore's
    /// own limit, about a second here), 3 000 000 in all (a MAC, a key and
    /// the certificates at 600 000 with Triple DES's two derivations each;
    /// about three seconds), 16 parts, 256 bags, 64 certificates, 4 levels.
    fn default() -> Self {
        Limits {
            max_bytes: 4 * 1024 * 1024,
            max_iterations: 1_000_000,
            max_total_rounds: 3_000_000,
            max_contents: 16,
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
    #[error("it asks for {found} rounds of key derivation in all; AuthCert reads files with up to {max}, so it does not spend minutes on this one")]
    TooMuchWork { found: u64, max: u64 },
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
    /// X.509 revocation lists (DER): an authority's backup carries them.
    pub crls: Vec<Vec<u8>>,
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
    let contents = Vec::<ContentInfo>::from_der(safe.as_bytes())
        .map_err(|e| ReadError::NotPkcs12(e.to_string()))?;
    if contents.len() > limits.max_contents {
        return Err(ReadError::TooMany {
            what: "parts",
            max: limits.max_contents,
        });
    }
    // All the work the file asks for that can be seen without a password,
    // counted before any of it is done.
    let mut budget = Budget::new(limits);
    if let Some(mac) = &pfx.mac_data {
        // An empty password is tried two ways (bmp_passwords).
        let tries = if password.is_empty() { 2 } else { 1 };
        budget.charge(u64::try_from(mac.iterations).unwrap_or(0) * tries)?;
    }
    for content in &contents {
        if content.content_type == oids::ENCRYPTED_DATA {
            if let Ok(enc) = content.content.decode_as::<EncryptedData>() {
                budget.charge(pbe::cost(&enc.enc_content_info.content_enc_alg))?;
            }
        } else if content.content_type == oids::DATA {
            if let Ok(data) = content.content.decode_as::<OctetString>() {
                if let Ok(bags) = Vec::<SafeBag>::from_der(data.as_bytes()) {
                    budget.charge(bags_cost(&bags, limits.max_depth))?;
                }
            }
        }
    }
    let mut protection = Protection::default();
    if let Some(mac) = &pfx.mac_data {
        verify_mac(mac, password, safe.as_bytes(), limits, &mut protection)?;
    }
    let mut opened = Opened {
        keys: Vec::new(),
        certificates: Vec::new(),
        crls: Vec::new(),
        protection,
    };
    let mut bags_seen = 0;
    for content in contents {
        let encrypted = content.content_type == oids::ENCRYPTED_DATA;
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
        // Keys inside an encrypted part show only now: their cost too is
        // counted before any of them is derived.
        if encrypted {
            budget.charge(bags_cost(&bags, limits.max_depth))?;
        }
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
        } else if bag.bag_id == pkcs12::PKCS_12_CRL_BAG_OID {
            let crl = pkcs12::CrlBag::from_der(inner).map_err(damaged)?;
            if crl.crl_id == oids::X509_CRL {
                opened.crls.push(crl.crl_value.as_bytes().to_vec());
            }
        }
        // Secret bags are not certificates or keys: skipped.
    }
    Ok(())
}

/// The rounds of key derivation a file may ask for, spent from a fixed
/// allowance: a file that asks for more is refused before the work.
struct Budget {
    spent: u64,
    max: u64,
}

impl Budget {
    fn new(limits: &Limits) -> Budget {
        Budget {
            spent: 0,
            max: limits.max_total_rounds,
        }
    }

    fn charge(&mut self, rounds: u64) -> Result<(), ReadError> {
        self.spent = self.spent.saturating_add(rounds);
        if self.spent > self.max {
            return Err(ReadError::TooMuchWork {
                found: self.spent,
                max: self.max,
            });
        }
        Ok(())
    }
}

/// What decrypting the shrouded keys among `bags` (and bags within them,
/// to `depth` levels) costs.
fn bags_cost(bags: &[SafeBag], depth: usize) -> u64 {
    bags.iter()
        .map(|bag| {
            let Ok(outer) = Any::from_der(&bag.bag_value) else {
                return 0;
            };
            if bag.bag_id == pkcs12::PKCS_12_PKCS8_KEY_BAG_OID {
                EncryptedPrivateKeyInfo::from_der(outer.value())
                    .map(|k| pbe::cost(&k.encryption_algorithm))
                    .unwrap_or(0)
            } else if bag.bag_id == pkcs12::PKCS_12_SAFE_CONTENTS_BAG_OID && depth > 1 {
                Vec::<SafeBag>::from_der(outer.value())
                    .map(|nested| bags_cost(&nested, depth - 1))
                    .unwrap_or(0)
            } else {
                0
            }
        })
        .fold(0u64, u64::saturating_add)
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

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;
    use pkcs12::cms::content_info::CmsVersion;
    use pkcs12::cms::enveloped_data::EncryptedContentInfo;
    use pkcs12::pfx::Version;

    use crate::engine::pkcs12::pbe::WriteScheme;
    use crate::engine::pkcs12::write::{self, Contents, MacDigest};

    /// A small real file: a P-256 key and a certificate, 2 048 iterations.
    fn real_file(scheme: WriteScheme, password: &str) -> Zeroizing<Vec<u8>> {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["x".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        write::write(
            &Contents {
                key_pkcs8: key.serialized_der(),
                certificate: cert.der(),
                chain: &[],
                friendly_name: "Reader test",
                local_key_id: b"id",
                crls: &[],
            },
            scheme,
            MacDigest::Sha256,
            password,
            2048,
        )
        .unwrap()
    }

    /// An encrypted part that claims `iterations` rounds of PBKDF2: never
    /// decrypted by the tests that use it (the reader refuses first).
    fn costly_part(iterations: u32) -> ContentInfo {
        let params = pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(
            iterations, &[7u8; 16], [9u8; 16],
        )
        .unwrap();
        let enc = EncryptedData {
            version: CmsVersion::V0,
            enc_content_info: EncryptedContentInfo {
                content_type: oids::DATA,
                content_enc_alg: AlgorithmIdentifierOwned {
                    oid: pkcs5::pbes2::PBES2_OID,
                    parameters: Some(Any::from_der(&params.to_der().unwrap()).unwrap()),
                },
                encrypted_content: Some(OctetString::new(vec![0u8; 32]).unwrap()),
            },
            unprotected_attrs: None,
        };
        ContentInfo {
            content_type: oids::ENCRYPTED_DATA,
            content: Any::from_der(&enc.to_der().unwrap()).unwrap(),
        }
    }

    /// A file of `parts`, without a MAC.
    fn file_of(parts: Vec<ContentInfo>) -> Vec<u8> {
        let safe = parts.to_der().unwrap();
        Pfx {
            version: Version::V3,
            auth_safe: ContentInfo {
                content_type: oids::DATA,
                content: Any::from_der(&OctetString::new(safe).unwrap().to_der().unwrap()).unwrap(),
            },
            mac_data: None,
        }
        .to_der()
        .unwrap()
    }

    #[test]
    fn what_the_writer_makes_opens_and_a_wrong_password_is_said() {
        for scheme in [WriteScheme::Pbes2Aes256, WriteScheme::Pkcs12TripleDes] {
            let file = real_file(scheme, "pw-1");
            let opened = open(&file, "pw-1", &Limits::default()).unwrap();
            assert_eq!((opened.keys.len(), opened.certificates.len()), (1, 1));
            assert_eq!(opened.keys[0].friendly_name.as_deref(), Some("Reader test"));
            assert_eq!(opened.protection.mac, Some("SHA-256"));
            assert_eq!(
                open(&file, "pw-2", &Limits::default()).unwrap_err(),
                ReadError::WrongPassword
            );
        }
    }

    /// Hundreds of parts at the per-derivation limit: each is allowed, all
    /// of them together would keep the reader busy for minutes. Refused
    /// from the count alone (no part here could even be decrypted).
    #[test]
    fn the_total_work_is_bounded_before_any_is_done() {
        let limits = Limits {
            max_contents: 1000,
            ..Limits::default()
        };
        let file = file_of((0..300).map(|_| costly_part(1_000_000)).collect());
        let err = open(&file, "any", &limits).unwrap_err();
        assert!(
            matches!(err, ReadError::TooMuchWork { found, max: 3_000_000 } if found > 3_000_000),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("rounds of key derivation in all"),
            "{err}"
        );
        // And with the default limits the parts alone are too many.
        let err = open(&file, "any", &Limits::default()).unwrap_err();
        assert_eq!(
            err,
            ReadError::TooMany {
                what: "parts",
                max: 16
            }
        );
        // Three parts at the limit fit the allowance: they are tried (and
        // found not to decrypt), not refused for their cost.
        let three = file_of((0..3).map(|_| costly_part(1_000_000)).collect());
        let err = open(&three, "any", &Limits::default()).unwrap_err();
        assert!(!matches!(err, ReadError::TooMuchWork { .. }), "{err:?}");
    }

    #[test]
    fn a_derivation_over_its_own_limit_is_refused() {
        let file = file_of(vec![costly_part(2_000_000)]);
        assert!(matches!(
            open(&file, "any", &Limits::default()).unwrap_err(),
            ReadError::TooMuchWork { .. } | ReadError::TooManyIterations { .. }
        ));
    }

    #[test]
    fn costs_are_read_from_the_parameters() {
        let part = costly_part(12_345);
        let enc = part.content.decode_as::<EncryptedData>().unwrap();
        assert_eq!(pbe::cost(&enc.enc_content_info.content_enc_alg), 12_345);
        let (alg, _) = pbe::encrypt(WriteScheme::Pkcs12TripleDes, "pw", 777, b"x").unwrap();
        assert_eq!(pbe::cost(&alg), 2 * 777, "key and IV");
    }

    #[test]
    fn damaged_and_foreign_files_are_said_plainly() {
        assert!(matches!(
            open(b"not a file", "pw", &Limits::default()).unwrap_err(),
            ReadError::NotPkcs12(_)
        ));
        let big = vec![0u8; 5 * 1024 * 1024];
        assert!(matches!(
            open(&big, "pw", &Limits::default()).unwrap_err(),
            ReadError::TooLarge { .. }
        ));
        let mut file = real_file(WriteScheme::Pbes2Aes256, "pw").to_vec();
        let n = file.len();
        file.truncate(n - 10);
        assert!(open(&file, "pw", &Limits::default()).is_err());
    }
}
