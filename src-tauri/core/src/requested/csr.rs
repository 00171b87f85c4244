//! The request a CA signs: PKCS#10 in PEM. Subject CN = the nickname, the
//! public key, and the extensions AuthCert's own certificates carry asked
//! for (client authentication only, the key usages of the key type, not an
//! authority), signed with the chosen hash. No dates: the CA decides them.
//! No PEM header lines beyond BEGIN/END, which AD CS's submit refuses.

use rcgen::{CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};

use crate::engine::certificate::key_usages;
use crate::engine::{IssueError, KeyType, Nickname};

/// The request for `key` (of `key_type`, bound to its hash), as PEM text.
pub fn request_pem(
    nickname: &Nickname,
    key_type: KeyType,
    key: &KeyPair,
) -> Result<String, IssueError> {
    let failed = |e: rcgen::Error| IssueError::Certificate(e.to_string());
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, nickname.as_str());
    let mut params = CertificateParams::default();
    params.distinguished_name = dn;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = key_usages(key_type);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params
        .serialize_request(key)
        .map_err(failed)?
        .pem()
        .map_err(failed)
}
