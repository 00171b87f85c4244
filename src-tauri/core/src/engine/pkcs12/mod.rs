//! The two PKCS#12 encryption profiles, with p12-keystore, and the read-back
//! check that opens the file again before anyone is told it is ready.

use p12_keystore::{
    Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, Pkcs12ImportPolicy,
    PrivateKey, PrivateKeyChain,
};
use rcgen::{KeyPair, PublicKeyData};
use zeroize::Zeroizing;

use super::error::IssueError;
use super::password::Password;
use super::request::Encryption;

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
    fn algorithms(self) -> (EncryptionAlgorithm, MacAlgorithm) {
        match self {
            // PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC; MAC HMAC-SHA256.
            Encryption::Aes256 => (
                EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
                MacAlgorithm::HmacSha256,
            ),
            // pbeWithSHAAnd3-KeyTripleDES-CBC for both bags; MAC HMAC-SHA1.
            // Never RC2: OpenSSL 3 refuses it without the legacy provider.
            Encryption::TripleDes => (
                EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
                MacAlgorithm::HmacSha1,
            ),
        }
    }
}

/// Packs the key and its certificate. The key bag's friendly name is the
/// nickname and both bags carry the same localKeyId (the certificate's SHA-1
/// hash, as OpenSSL and Windows make it).
pub fn pack(
    key: &KeyPair,
    cert_der: &[u8],
    friendly_name: &str,
    local_key_id: &[u8],
    encryption: Encryption,
    password: &Password,
) -> Result<Zeroizing<Vec<u8>>, IssueError> {
    let write_err = |e: p12_keystore::error::Error| IssueError::Pkcs12Write(e.to_string());
    let private = PrivateKey::from_der(key.serialized_der()).map_err(write_err)?;
    let cert = Certificate::from_der(cert_der).map_err(write_err)?;
    let chain = PrivateKeyChain::new(local_key_id.to_vec(), private, [cert]);
    let mut store = KeyStore::new();
    store.add_entry(friendly_name, KeyStoreEntry::PrivateKeyChain(chain));
    let (enc, mac) = encryption.algorithms();
    let bytes = store
        .writer(password.expose())
        .encryption_algorithm(enc)
        .encryption_iterations(ITERATIONS)
        .mac_algorithm(mac)
        .mac_iterations(ITERATIONS)
        .write()
        .map_err(write_err)?;
    Ok(Zeroizing::new(bytes))
}

/// Opens `p12` with `password` (checking its MAC) and checks that it holds
/// exactly one key, under `friendly_name`, whose public key is the one in
/// `cert_der`, and that certificate.
pub fn check(
    p12: &[u8],
    password: &Password,
    friendly_name: &str,
    cert_der: &[u8],
) -> Result<(), IssueError> {
    let fail = |m: String| IssueError::SelfCheck(m);
    let store = KeyStore::from_pkcs12(p12, password.expose(), Pkcs12ImportPolicy::Strict)
        .map_err(|e| fail(format!("it does not open with its password ({e})")))?;
    if store.entries_len() != 1 {
        return Err(fail(format!(
            "it holds {} entries, not one",
            store.entries_len()
        )));
    }
    let (alias, chain) = store
        .private_key_chain()
        .ok_or_else(|| fail("it holds no private key".into()))?;
    if alias != friendly_name {
        return Err(fail("the key's friendly name is not the nickname".into()));
    }
    match chain.certs() {
        [only] if only.as_der() == cert_der => {}
        _ => {
            return Err(fail(
                "the certificate in the file is not the one made".into(),
            ))
        }
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
