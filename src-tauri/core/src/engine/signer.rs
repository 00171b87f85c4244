//! An issuing authority's key, ready to sign one certificate: the engine
//! signs with it instead of the certificate's own key. Where the key comes
//! from (the keychain) is the authority module's business, not the engine's.

use jiff::Timestamp;
use rcgen::{Issuer, KeyPair};
use rustls_pki_types::{CertificateDer, PrivatePkcs8KeyDer};
use serde::{Deserialize, Serialize};

use super::choices::SignatureHash;
use super::error::IssueError;
use crate::ids::Fingerprint;

/// Which authority signed a certificate: its name and the SHA-256
/// fingerprint of its certificate (hex bytes joined by colons).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedBy {
    pub name: String,
    pub sha256_fingerprint: Fingerprint,
}

/// The authority's certificate and key, bound to one hash. The key's bytes
/// are wiped by rcgen when this is dropped.
pub struct Signer {
    pub(crate) issuer: Issuer<'static, KeyPair>,
    pub certificate_der: Vec<u8>,
    pub signed_by: SignedBy,
    /// No certificate it signs may outlive it.
    pub not_after: Timestamp,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("signed_by", &self.signed_by)
            .field("key", &"<redacted>")
            .finish()
    }
}

impl Signer {
    /// An RSA authority key (PKCS#8) signing with `hash`: the certificate's
    /// own hash choice is kept, which an RSA key can sign with whatever it
    /// is. Refused unless the key is the one of `certificate_der`: a
    /// signer with another key cannot exist, so nothing is ever signed that
    /// no server would verify.
    pub fn rsa(
        key_pkcs8: &[u8],
        certificate_der: Vec<u8>,
        hash: SignatureHash,
        signed_by: SignedBy,
        not_after: Timestamp,
    ) -> Result<Signer, IssueError> {
        let alg = match hash {
            SignatureHash::Sha256 => &rcgen::PKCS_RSA_SHA256,
            SignatureHash::Sha384 => &rcgen::PKCS_RSA_SHA384,
            SignatureHash::Sha512 => &rcgen::PKCS_RSA_SHA512,
        };
        let der = PrivatePkcs8KeyDer::from(key_pkcs8);
        let key = KeyPair::from_pkcs8_der_and_sign_algo(&der, alg)
            .map_err(|e| IssueError::Authority(format!("its key cannot sign: {e}")))?;
        let (_, cert) = x509_parser::parse_x509_certificate(&certificate_der)
            .map_err(|e| IssueError::Authority(format!("its certificate cannot be read: {e}")))?;
        if rcgen::PublicKeyData::subject_public_key_info(&key) != cert.public_key().raw {
            return Err(IssueError::Authority(
                "its key does not belong to its certificate".into(),
            ));
        }
        let issuer = Issuer::from_ca_cert_der(&CertificateDer::from(&certificate_der[..]), key)
            .map_err(|e| IssueError::Authority(format!("its certificate cannot be read: {e}")))?;
        Ok(Signer {
            issuer,
            certificate_der,
            signed_by,
            not_after,
        })
    }
}
