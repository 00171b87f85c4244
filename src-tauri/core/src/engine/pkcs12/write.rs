//! AuthCert's PKCS#12 writer (RFC 7292), on the RustCrypto ASN.1 types.
//!
//! Why our own rather than p12-keystore's writer: that one forces the
//! certificate bag's friendlyName to the subject ("CN=Billing API"), and
//! Windows shows the certificate bag's friendlyName as the certificate's
//! Friendly Name after import. Here both bags carry friendlyName = nickname
//! and the same localKeyId; p12-keystore stays, as the independent reader of
//! the self-check (`pkcs12::check`).
//!
//! The layout is OpenSSL's: an authenticated safe of two contents, the
//! certificates encrypted (EncryptedData), then the key in a shrouded key
//! bag (plain Data); a MAC over the whole. The three key derivations (one
//! per encryption, one for the MAC) are independent, so they run at once.

use der::asn1::{BmpString, Null, OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use hmac::{Hmac, KeyInit, Mac};
use pkcs12::cms::content_info::{CmsVersion, ContentInfo};
use pkcs12::cms::encrypted_data::EncryptedData;
use pkcs12::cms::enveloped_data::EncryptedContentInfo;
use pkcs12::kdf::{derive_key_utf8, Pkcs12KeyType};
use pkcs12::pbe_params::EncryptedPrivateKeyInfo;
use pkcs12::pfx::{Pfx, Version};
use pkcs12::safe_bag::SafeBag;
use pkcs12::{CertBag, DigestInfo, MacData};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::{Attribute, Attributes};
use zeroize::Zeroizing;

use super::oids;
use super::pbe::{self, WriteScheme};

/// What goes into the file.
pub struct Contents<'a> {
    /// The private key, PKCS#8 DER.
    pub key_pkcs8: &'a [u8],
    /// The certificate, DER.
    pub certificate: &'a [u8],
    /// Further certificates (the issuing authority's), DER, with their names.
    pub chain: &'a [(&'a str, &'a [u8])],
    /// friendlyName of the key and its certificate.
    pub friendly_name: &'a str,
    /// localKeyId of the key and its certificate.
    pub local_key_id: &'a [u8],
    /// Revocation lists (DER), in crlBags beside the certificates: an
    /// authority's backup carries its revocations this way.
    pub crls: &'a [&'a [u8]],
}

/// The MAC's digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacDigest {
    Sha256,
    Sha1,
}

/// The whole file, wiped when dropped.
pub fn write(
    contents: &Contents<'_>,
    scheme: WriteScheme,
    mac: MacDigest,
    password: &str,
    iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, String> {
    let err = |e: der::Error| e.to_string();
    let named = attributes(contents.friendly_name, Some(contents.local_key_id)).map_err(err)?;

    // The certificates' SafeContents: ours with the key's names, the chain's
    // with their own.
    let mut certs = vec![cert_bag(contents.certificate, named.clone()).map_err(err)?];
    for (name, der) in contents.chain {
        certs.push(cert_bag(der, attributes(name, None).map_err(err)?).map_err(err)?);
    }
    for der in contents.crls {
        certs.push(crl_bag(der).map_err(err)?);
    }
    let certs_der = Zeroizing::new(certs.to_der().map_err(err)?);
    let mac_salt = random_salt()?;
    let rounds = i32::try_from(iterations).map_err(|e| e.to_string())?;

    // The three derivations on two threads: the certificates' on one, the
    // key's then the MAC key's (about half the work of one) on this one.
    // A third thread would only share the same two cores less evenly.
    let (certs_enc, key_enc, mac_key) = std::thread::scope(|s| {
        let certs = s.spawn(|| pbe::encrypt(scheme, password, iterations, &certs_der));
        let key = pbe::encrypt(scheme, password, iterations, contents.key_pkcs8);
        let mac_key = mac_key(mac, password, &mac_salt, rounds);
        let certs = certs
            .join()
            .unwrap_or_else(|_| Err("a key derivation stopped unexpectedly".to_string()));
        (certs, key, mac_key)
    });
    let (certs_alg, certs_ct) = certs_enc?;
    let (key_alg, key_ct) = key_enc?;
    let mac_key = mac_key?;

    let encrypted_certs = EncryptedData {
        version: CmsVersion::V0,
        enc_content_info: EncryptedContentInfo {
            content_type: oids::DATA,
            content_enc_alg: certs_alg,
            encrypted_content: Some(OctetString::new(certs_ct).map_err(err)?),
        },
        unprotected_attrs: None,
    };
    let shrouded = EncryptedPrivateKeyInfo {
        encryption_algorithm: key_alg,
        encrypted_data: OctetString::new(key_ct).map_err(err)?,
    };
    let key_bags = vec![SafeBag {
        bag_id: pkcs12::PKCS_12_PKCS8_KEY_BAG_OID,
        bag_value: shrouded.to_der().map_err(err)?,
        bag_attributes: Some(named),
    }];
    let auth_safe = vec![
        ContentInfo {
            content_type: oids::ENCRYPTED_DATA,
            content: any(&encrypted_certs).map_err(err)?,
        },
        ContentInfo {
            content_type: oids::DATA,
            content: any(&OctetString::new(key_bags.to_der().map_err(err)?).map_err(err)?)
                .map_err(err)?,
        },
    ];
    let auth_safe_der = auth_safe.to_der().map_err(err)?;
    let digest = hmac_of(mac, &mac_key, &auth_safe_der)?;

    let pfx = Pfx {
        version: Version::V3,
        auth_safe: ContentInfo {
            content_type: oids::DATA,
            content: any(&OctetString::new(auth_safe_der).map_err(err)?).map_err(err)?,
        },
        mac_data: Some(MacData {
            mac: DigestInfo {
                algorithm: AlgorithmIdentifierOwned {
                    oid: match mac {
                        MacDigest::Sha256 => oids::SHA256,
                        MacDigest::Sha1 => oids::SHA1,
                    },
                    // NULL parameters, as OpenSSL writes them.
                    parameters: Some(any(&Null).map_err(err)?),
                },
                digest: OctetString::new(digest).map_err(err)?,
            },
            mac_salt: OctetString::new(mac_salt.to_vec()).map_err(err)?,
            iterations: rounds,
        }),
    };
    pfx.to_der().map(Zeroizing::new).map_err(err)
}

fn any(value: &impl Encode) -> der::Result<Any> {
    Any::from_der(&value.to_der()?)
}

/// friendlyName (a BMPString) and, when given, localKeyId.
fn attributes(name: &str, local_key_id: Option<&[u8]>) -> der::Result<Attributes> {
    let mut attrs = Attributes::new();
    let name = BmpString::from_utf8(name)?;
    attrs.insert(Attribute {
        oid: oids::FRIENDLY_NAME,
        values: SetOfVec::try_from(vec![any(&name)?])?,
    })?;
    if let Some(id) = local_key_id {
        attrs.insert(Attribute {
            oid: oids::LOCAL_KEY_ID,
            values: SetOfVec::try_from(vec![any(&OctetString::new(id.to_vec())?)?])?,
        })?;
    }
    Ok(attrs)
}

fn cert_bag(der: &[u8], attrs: Attributes) -> der::Result<SafeBag> {
    let bag = CertBag {
        cert_id: pkcs12::PKCS_12_X509_CERT_OID,
        cert_value: OctetString::new(der.to_vec())?,
    };
    // SafeBag's encoder adds the [0] EXPLICIT around bag_value itself.
    Ok(SafeBag {
        bag_id: pkcs12::PKCS_12_CERT_BAG_OID,
        bag_value: bag.to_der()?,
        bag_attributes: Some(attrs),
    })
}

fn crl_bag(der: &[u8]) -> der::Result<SafeBag> {
    let bag = pkcs12::CrlBag {
        crl_id: oids::X509_CRL,
        crl_value: OctetString::new(der.to_vec())?,
    };
    Ok(SafeBag {
        bag_id: pkcs12::PKCS_12_CRL_BAG_OID,
        bag_value: bag.to_der()?,
        bag_attributes: None,
    })
}

fn random_salt() -> Result<[u8; 16], String> {
    use rand::TryRng;
    let mut salt = [0u8; 16];
    rand::rngs::SysRng
        .try_fill_bytes(&mut salt)
        .map_err(|e| format!("the system's random generator failed: {e}"))?;
    Ok(salt)
}

/// The MAC key: the PKCS#12 key derivation (id 3) with the MAC's digest.
pub fn mac_key(
    mac: MacDigest,
    password: &str,
    salt: &[u8],
    rounds: i32,
) -> Result<Zeroizing<Vec<u8>>, String> {
    let key = match mac {
        MacDigest::Sha256 => {
            derive_key_utf8::<sha2::Sha256>(password, salt, Pkcs12KeyType::Mac, rounds, 32)
        }
        MacDigest::Sha1 => {
            derive_key_utf8::<sha1::Sha1>(password, salt, Pkcs12KeyType::Mac, rounds, 20)
        }
    };
    key.map(Zeroizing::new)
        .map_err(|_| "the password cannot be written as a PKCS#12 password (BMPString)".into())
}

/// HMAC of `data` under `key`.
pub fn hmac_of(mac: MacDigest, key: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
    let bad = |_| "the MAC key has a length HMAC refuses".to_string();
    Ok(match mac {
        MacDigest::Sha256 => {
            let mut h = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).map_err(bad)?;
            h.update(data);
            h.finalize().into_bytes().to_vec()
        }
        MacDigest::Sha1 => {
            let mut h = <Hmac<sha1::Sha1> as KeyInit>::new_from_slice(key).map_err(bad)?;
            h.update(data);
            h.finalize().into_bytes().to_vec()
        }
    })
}
