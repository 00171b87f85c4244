//! PKCS#12 files: the two encryption profiles, written by AuthCert's own
//! writer (write.rs), and the check that opens each new file again before
//! anyone is told it is ready, with two independent readers: p12-keystore
//! (MAC, decryption, the key against the certificate) and AuthCert's reader
//! (read.rs, also the importer's), for both bags' names.

pub mod oids;
pub mod pbe;
pub mod read;
pub mod write;

use p12_keystore::{KeyStore, Pkcs12ImportPolicy};
use rcgen::{KeyPair, PublicKeyData};
use zeroize::Zeroizing;

use super::error::IssueError;
use super::password::Password;
use super::request::Encryption;
use pbe::WriteScheme;
use write::{Contents, MacDigest};

/// PBKDF2 / PKCS#12-KDF iterations, for both bags and the MAC.
///
/// Iterations slow down guessing a *weak* password. This password is 24
/// random characters (about 139 bits): guessing it is out of reach at any
/// count, so stretching buys nothing here while every client pays it on each
/// open (curl opens the file on every request). 10 000 is above OpenSSL 3's
/// default (2 048) and NIST SP 800-132's minimum (1 000), the default of Java
/// and of p12-keystore, and well below the 1 000 000 at which p12-keystore's
/// own reader (and some platform readers) give up.
pub const ITERATIONS: u32 = 10_000;

impl Encryption {
    fn profile(self) -> (WriteScheme, MacDigest) {
        match self {
            // PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC; MAC HMAC-SHA256.
            Encryption::Aes256 => (WriteScheme::Pbes2Aes256, MacDigest::Sha256),
            // pbeWithSHAAnd3-KeyTripleDES-CBC for both bags; MAC HMAC-SHA1.
            // Never RC2: OpenSSL 3 refuses it without the legacy provider.
            Encryption::TripleDes => (WriteScheme::Pkcs12TripleDes, MacDigest::Sha1),
        }
    }
}

/// What goes into a new file besides the key and its certificate.
#[derive(Debug, Clone, Copy)]
pub struct Naming<'a> {
    /// friendlyName of the key and its certificate: the nickname.
    pub friendly_name: &'a str,
    /// localKeyId of both: the certificate's SHA-1 hash, as OpenSSL and
    /// Windows make it.
    pub local_key_id: &'a [u8],
    /// The issuing authority's certificate, with its name, when it signed.
    pub chain: &'a [(&'a str, &'a [u8])],
}

/// Packs the key (PKCS#8 DER) and its certificate.
pub fn pack(
    key_pkcs8: &[u8],
    cert_der: &[u8],
    naming: Naming<'_>,
    encryption: Encryption,
    password: &Password,
) -> Result<Zeroizing<Vec<u8>>, IssueError> {
    let (scheme, mac) = encryption.profile();
    write::write(
        &Contents {
            key_pkcs8,
            certificate: cert_der,
            chain: naming.chain,
            friendly_name: naming.friendly_name,
            local_key_id: naming.local_key_id,
        },
        scheme,
        mac,
        password.expose(),
        ITERATIONS,
    )
    .map_err(IssueError::Pkcs12Write)
}

/// Opens `p12` with `password` and checks it is the file meant:
/// - p12-keystore (the independent reader) opens it (checking its MAC),
///   finds exactly one key, under `naming.friendly_name`, whose public key
///   is the certificate's, and that certificate (then the chain);
/// - AuthCert's reader finds both bags named `friendly_name` with the same
///   `local_key_id`, and the chain's certificates.
pub fn check(
    p12: &[u8],
    password: &Password,
    naming: Naming<'_>,
    cert_der: &[u8],
) -> Result<(), IssueError> {
    // Each reader derives its own keys (three derivations each): on two
    // threads at once, the check costs one reader's time.
    let (independent, own) = std::thread::scope(|s| {
        let independent = s.spawn(|| check_independent(p12, password, naming, cert_der));
        let own = check_own(p12, password, naming, cert_der);
        let independent = independent.join().unwrap_or_else(|_| {
            Err(IssueError::SelfCheck(
                "the independent reader stopped unexpectedly".into(),
            ))
        });
        (independent, own)
    });
    independent.and(own)
}

/// p12-keystore opens the file (checking its MAC) and finds exactly one key,
/// under the nickname, whose public key is the certificate's, and that
/// certificate.
fn check_independent(
    p12: &[u8],
    password: &Password,
    naming: Naming<'_>,
    cert_der: &[u8],
) -> Result<(), IssueError> {
    let fail = |m: String| IssueError::SelfCheck(m);
    let store = KeyStore::from_pkcs12(p12, password.expose(), Pkcs12ImportPolicy::Strict)
        .map_err(|e| fail(format!("it does not open with its password ({e})")))?;
    let (alias, chain) = store
        .private_key_chain()
        .ok_or_else(|| fail("it holds no private key".into()))?;
    if alias != naming.friendly_name {
        return Err(fail("the key's friendly name is not the nickname".into()));
    }
    let expected: Vec<&[u8]> = std::iter::once(cert_der)
        .chain(naming.chain.iter().map(|(_, der)| *der))
        .collect();
    let found: Vec<&[u8]> = chain.certs().iter().map(|c| c.as_der()).collect();
    if found.first() != expected.first() {
        return Err(fail(
            "the certificate in the file is not the one made".into(),
        ));
    }
    let key = KeyPair::try_from(chain.key().as_der())
        .map_err(|e| fail(format!("its private key cannot be read ({e})")))?;
    let (_, parsed) = x509_parser::parse_x509_certificate(cert_der)
        .map_err(|e| fail(format!("its certificate cannot be read ({e})")))?;
    if key.subject_public_key_info() != parsed.public_key().raw {
        return Err(fail(
            "the private key does not match the certificate".into(),
        ));
    }
    Ok(())
}

/// AuthCert's reader finds both bags named `friendly_name` with the same
/// `local_key_id`, and the chain's certificates.
fn check_own(
    p12: &[u8],
    password: &Password,
    naming: Naming<'_>,
    cert_der: &[u8],
) -> Result<(), IssueError> {
    let fail = |m: String| IssueError::SelfCheck(m);
    let opened = read::open(p12, password.expose(), &read::Limits::default())
        .map_err(|e| fail(format!("AuthCert's own reader cannot open it: {e}")))?;
    let [key_bag] = opened.keys.as_slice() else {
        return Err(fail(format!(
            "it holds {} keys, not one",
            opened.keys.len()
        )));
    };
    let Some(cert_bag) = opened.certificates.iter().find(|c| c.value == cert_der) else {
        return Err(fail(
            "AuthCert's reader finds no certificate bag for it".into(),
        ));
    };
    for (what, name, id) in [
        ("key", &key_bag.friendly_name, &key_bag.local_key_id),
        (
            "certificate",
            &cert_bag.friendly_name,
            &cert_bag.local_key_id,
        ),
    ] {
        if name.as_deref() != Some(naming.friendly_name) {
            return Err(fail(format!(
                "the {what} bag's friendly name is not the nickname"
            )));
        }
        if id.as_deref() != Some(naming.local_key_id) {
            return Err(fail(format!(
                "the {what} bag's local key id is not the certificate's"
            )));
        }
    }
    let mut others: Vec<&[u8]> = opened
        .certificates
        .iter()
        .filter(|c| c.value != cert_der)
        .map(|c| c.value.as_slice())
        .collect();
    let mut chain_expected: Vec<&[u8]> = naming.chain.iter().map(|(_, d)| *d).collect();
    others.sort();
    chain_expected.sort();
    if others != chain_expected {
        return Err(fail(
            "the file's other certificates are not the authority's".into(),
        ));
    }
    Ok(())
}
