//! The object identifiers the PKCS#12 files use that the pkcs12 crate does
//! not name (from RFC 5652, RFC 2985, RFC 8018 and NIST's registry).

use der::asn1::ObjectIdentifier as Oid;

/// id-data (RFC 5652).
pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
/// id-encryptedData (RFC 5652).
pub const ENCRYPTED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.6");
/// id-envelopedData (RFC 5652): public-key encryption, not read.
pub const ENVELOPED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.3");
/// x509CRL, the one CRL type of a crlBag (RFC 7292 4.2.4, pkcs-9 crlTypes 1).
pub const X509_CRL: Oid = Oid::new_unwrap("1.2.840.113549.1.9.23.1");
/// pkcs-9-at-friendlyName (RFC 2985).
pub const FRIENDLY_NAME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.20");
/// pkcs-9-at-localKeyId (RFC 2985).
pub const LOCAL_KEY_ID: Oid = Oid::new_unwrap("1.2.840.113549.1.9.21");
/// PBMAC1 (RFC 8018, used for PKCS#12 by RFC 9579): not read yet.
pub const PBMAC1: Oid = Oid::new_unwrap("1.2.840.113549.1.5.14");
pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
