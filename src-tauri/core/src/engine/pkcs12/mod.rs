//! PKCS#12 files: the two encryption profiles, written by AuthCert's own
//! writer (write.rs), and the check that opens each new file again before
//! anyone is told it is ready, with a reader AuthCert did not write
//! (p12-keystore: MAC, decryption, both bags' names, the key against the
//! certificate). AuthCert's reader (read.rs) is the importer's.

pub mod oids;
pub mod pbe;
pub mod read;
pub mod write;

use p12_keystore::Pkcs12Archive;
use rcgen::{KeyPair, PublicKeyData};
use zeroize::Zeroizing;

use super::choices::Encryption;
use super::error::IssueError;
use super::password::Password;
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
    pack_with_crls(key_pkcs8, cert_der, naming, &[], encryption, password)
}

/// As `pack`, with revocation lists (DER) in crlBags beside the
/// certificates (readers that know no CRLs skip them).
pub fn pack_with_crls(
    key_pkcs8: &[u8],
    cert_der: &[u8],
    naming: Naming<'_>,
    crls: &[&[u8]],
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
            crls,
        },
        scheme,
        mac,
        password.expose(),
        ITERATIONS,
    )
    .map_err(IssueError::Pkcs12Write)
}

/// Opens `p12` with `password` through p12-keystore, a reader AuthCert did
/// not write (its MAC, then both bags decrypted), and checks it is the file
/// meant: exactly one key, whose public key is the certificate's; the
/// certificate; both bags named `friendly_name` with `local_key_id`; and,
/// besides, exactly the chain's certificates.
///
/// One reader, three key derivations: a second reader (AuthCert's own, the
/// importer's) would only repeat the same derivations with the same code as
/// the writer, and it is checked against every kind of file the writer
/// makes in the tests
/// (`authcerts_own_reader_opens_every_kind_of_file_it_writes`).
pub fn check(
    p12: &[u8],
    password: &Password,
    naming: Naming<'_>,
    cert_der: &[u8],
) -> Result<(), IssueError> {
    let fail = |m: String| IssueError::SelfCheck(m);
    let archive = Pkcs12Archive::from_pkcs12(p12, password.expose())
        .map_err(|e| fail(format!("it does not open with its password ({e})")))?;
    let [key_bag] = archive.keys.as_slice() else {
        return Err(fail(format!(
            "it holds {} keys, not one",
            archive.keys.len()
        )));
    };
    let Some(cert_bag) = archive.certs.iter().find(|c| c.cert.as_der() == cert_der) else {
        return Err(fail(
            "the certificate in the file is not the one made".into(),
        ));
    };
    for (what, name, id) in [
        (
            "key",
            &key_bag.friendly_name,
            key_bag.local_key_id.as_ref().map(|id| id.0.as_slice()),
        ),
        (
            "certificate",
            &cert_bag.friendly_name,
            cert_bag.local_key_id.as_deref(),
        ),
    ] {
        if name.as_deref() != Some(naming.friendly_name) {
            return Err(fail(format!(
                "the {what} bag's friendly name is not the nickname"
            )));
        }
        if id != Some(naming.local_key_id) {
            return Err(fail(format!(
                "the {what} bag's local key id is not the certificate's"
            )));
        }
    }
    let mut others: Vec<&[u8]> = archive
        .certs
        .iter()
        .map(|c| c.cert.as_der())
        .filter(|der| *der != cert_der)
        .collect();
    let mut chain: Vec<&[u8]> = naming.chain.iter().map(|(_, der)| *der).collect();
    others.sort();
    chain.sort();
    // The count also catches a second copy of the certificate itself.
    if others != chain || archive.certs.len() != naming.chain.len() + 1 {
        return Err(fail(
            "the file's other certificates are not the authority's".into(),
        ));
    }
    let key = KeyPair::try_from(key_bag.key.as_der())
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
