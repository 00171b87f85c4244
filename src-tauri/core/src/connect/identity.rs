//! The certificate presented in a test: the chain and the private key out
//! of a `.p12`, ready for rustls. The key stays in memory only for the test
//! (the PKCS#8 bytes in a zeroizing holder; inside rustls, in aws-lc's key
//! object, freed through the wiping allocator).

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;
use zeroize::Zeroizing;

use super::ConnectError;
use crate::engine::pkcs12::read::{self, Limits};

/// A certificate and its key, checked to belong together.
pub struct Identity {
    pub(super) key: Arc<CertifiedKey>,
    /// The presented certificate, DER (for the verdict's facts).
    pub(super) certificate: Vec<u8>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field(
                "certificate",
                &format_args!("<{} bytes>", self.certificate.len()),
            )
            .field("key", &"<redacted>")
            .finish()
    }
}

impl Identity {
    /// Opens a PKCS#12 file's bytes with its password: the key, the
    /// certificate with the same localKeyId (or the first), and the other
    /// certificates as its chain.
    pub fn from_pkcs12(bytes: &[u8], password: &str) -> Result<Identity, ConnectError> {
        let opened = read::open(bytes, password, &Limits::default()).map_err(ConnectError::File)?;
        let key = opened.keys.first().ok_or(ConnectError::NoKey)?;
        let own = opened
            .certificates
            .iter()
            .position(|c| c.local_key_id.is_some() && c.local_key_id == key.local_key_id)
            .unwrap_or(0);
        let mut chain: Vec<CertificateDer<'static>> = Vec::new();
        let first = opened.certificates.get(own).ok_or(ConnectError::NoKey)?;
        chain.push(CertificateDer::from(first.value.clone()));
        for (i, other) in opened.certificates.iter().enumerate() {
            if i != own {
                chain.push(CertificateDer::from(other.value.clone()));
            }
        }
        let pkcs8 = Zeroizing::new(key.value.to_vec());
        Identity::new(chain, &pkcs8)
    }

    fn new(chain: Vec<CertificateDer<'static>>, pkcs8: &[u8]) -> Result<Identity, ConnectError> {
        let provider: CryptoProvider = rustls::crypto::aws_lc_rs::default_provider();
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pkcs8.to_vec()));
        let signing = provider
            .key_provider
            .load_private_key(der)
            .map_err(|_| ConnectError::KeyUnusable)?;
        let certificate = chain.first().map(|c| c.to_vec()).unwrap_or_default();
        let key = CertifiedKey::new(chain, signing);
        key.keys_match().map_err(|_| ConnectError::KeyMismatch)?;
        Ok(Identity {
            key: Arc::new(key),
            certificate,
        })
    }

    /// The presented certificate's SHA-256 fingerprint.
    pub fn fingerprint(&self) -> super::Fingerprint {
        super::Fingerprint::of(&self.certificate)
    }
}
