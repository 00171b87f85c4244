//! The certificate profile, with rcgen: a client authentication
//! certificate (extended key usage clientAuth only, not a CA, a random
//! serial) valid from now to the end of the chosen day in the admin's zone.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use rand::rngs::SysRng;
use rand::TryRng;
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyIdMethod,
    KeyPair, KeyUsagePurpose, RsaKeySize, SerialNumber, SignatureAlgorithm,
};

use super::choices::{KeyType, SignatureHash, Signing};
use super::error::IssueError;
use super::request::Request;
use super::signer::Signer;

/// How far notBefore lies in the past, so that a client or server whose clock
/// runs a little behind still accepts a certificate made a moment ago.
pub const CLOCK_SKEW_MINUTES: i64 = 5;
/// Serial number length: 16 bytes, top bit clear (positive), next bit set (so
/// the length is fixed): 126 random bits, well above the 64 required.
pub const SERIAL_BYTES: usize = 16;

/// A new key and its self-signed certificate. The key's PKCS#8 bytes are
/// zeroized by rcgen when the key pair is dropped.
pub struct Made {
    pub key: KeyPair,
    pub cert_der: Vec<u8>,
    pub not_before: Timestamp,
    pub not_after: Timestamp,
}

/// rcgen's algorithm for a key type and the hash it signs with. `Signing`
/// holds only combinations that exist, so an ECDSA key always gets its
/// curve's own hash here.
pub fn signature_algorithm(signing: Signing) -> &'static SignatureAlgorithm {
    match (signing.key(), signing.hash()) {
        (KeyType::EcdsaP256, _) => &rcgen::PKCS_ECDSA_P256_SHA256,
        (KeyType::EcdsaP384, _) => &rcgen::PKCS_ECDSA_P384_SHA384,
        (_, SignatureHash::Sha256) => &rcgen::PKCS_RSA_SHA256,
        (_, SignatureHash::Sha384) => &rcgen::PKCS_RSA_SHA384,
        (_, SignatureHash::Sha512) => &rcgen::PKCS_RSA_SHA512,
    }
}

/// Makes a fresh key of the requested type, bound to its hash.
pub fn generate_key(signing: Signing) -> Result<KeyPair, IssueError> {
    let alg = signature_algorithm(signing);
    let size = match signing.key() {
        KeyType::Rsa2048 => Some(RsaKeySize::_2048),
        KeyType::Rsa3072 => Some(RsaKeySize::_3072),
        KeyType::Rsa4096 => Some(RsaKeySize::_4096),
        KeyType::EcdsaP256 | KeyType::EcdsaP384 => None,
    };
    let made = match size {
        Some(size) => KeyPair::generate_rsa_for(alg, size),
        None => KeyPair::generate_for(alg),
    };
    made.map_err(|e| IssueError::KeyGeneration(e.to_string()))
}

/// The key usages of a client certificate with a key of `key_type`: it
/// signs the handshake (digitalSignature); RSA keys carry keyEncipherment
/// too, as AuthCert's certificates always have. One list for the
/// certificates made here and the requests sent to a CA.
pub fn key_usages(key_type: KeyType) -> Vec<KeyUsagePurpose> {
    if key_type.is_rsa() {
        vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ]
    } else {
        vec![KeyUsagePurpose::DigitalSignature]
    }
}

/// The last second of `date` in `zone`: "valid until the end of that day".
/// Computed as the start of the next day minus one second, which stays right
/// on days whose length daylight saving time changes.
pub fn end_of_day(date: Date, zone: &TimeZone) -> Result<Timestamp, IssueError> {
    let clock_err = |e: jiff::Error| IssueError::Clock {
        zone: zone.iana_name().unwrap_or("local").to_string(),
        detail: e.to_string(),
    };
    let next = date.tomorrow().map_err(clock_err)?;
    let start = next.to_zoned(zone.clone()).map_err(clock_err)?;
    start.timestamp().checked_sub(1.second()).map_err(clock_err)
}

/// A random positive serial number (see SERIAL_BYTES).
pub fn random_serial() -> Result<[u8; SERIAL_BYTES], IssueError> {
    let mut serial = [0u8; SERIAL_BYTES];
    SysRng
        .try_fill_bytes(&mut serial)
        .map_err(|e| IssueError::Randomness(e.to_string()))?;
    serial[0] = (serial[0] & 0x7F) | 0x40;
    Ok(serial)
}

fn to_offset_date_time(ts: Timestamp) -> Result<time::OffsetDateTime, IssueError> {
    time::OffsetDateTime::from_unix_timestamp(ts.as_second())
        .map_err(|e| IssueError::Certificate(e.to_string()))
}

/// Makes the certificate of `request` for `key`, valid from a few minutes
/// before `now` to the end of the end date in `zone`: self-signed, or signed
/// by `signer` (then it names the authority as issuer and carries its key
/// identifier, and may not outlive it).
pub fn make(
    request: &Request,
    key: KeyPair,
    now: Timestamp,
    zone: &TimeZone,
    signer: Option<&Signer>,
) -> Result<Made, IssueError> {
    // Whole seconds: X.509 times carry no fractions.
    let now = Timestamp::from_second(now.as_second())
        .map_err(|e| IssueError::Certificate(e.to_string()))?;
    let not_before = now
        .checked_sub((CLOCK_SKEW_MINUTES * 60).seconds())
        .map_err(|e| IssueError::Certificate(e.to_string()))?;
    let not_after = end_of_day(request.end_date(), zone)?;

    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, request.nickname().as_str());

    let mut params = CertificateParams::default();
    params.distinguished_name = dn;
    params.serial_number = Some(SerialNumber::from_slice(&random_serial()?));
    params.not_before = to_offset_date_time(not_before)?;
    params.not_after = to_offset_date_time(not_after)?;
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = key_usages(request.key_type());
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.key_identifier_method = KeyIdMethod::Sha256;
    params.use_authority_key_identifier_extension = signer.is_some();
    params.subject_alt_names = Vec::new();

    let cert = match signer {
        None => params.self_signed(&key),
        Some(signer) => {
            if not_after > signer.not_after {
                return Err(IssueError::Authority(format!(
                    "the certificate would outlive “{}”",
                    signer.signed_by.name
                )));
            }
            params.signed_by(&key, &signer.issuer)
        }
    }
    .map_err(|e| IssueError::Certificate(e.to_string()))?;
    Ok(Made {
        cert_der: cert.der().to_vec(),
        key,
        not_before,
        not_after,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_of_day_is_last_second_in_zone() {
        let zone = TimeZone::get("America/New_York").unwrap();
        let date = Date::new(2027, 1, 15).unwrap();
        let end = end_of_day(date, &zone).unwrap();
        // 23:59:59 EST (UTC-5) is 04:59:59 UTC the next day.
        assert_eq!(end.to_string(), "2027-01-16T04:59:59Z");
    }

    #[test]
    fn end_of_day_follows_daylight_saving() {
        let zone = TimeZone::get("Europe/Berlin").unwrap();
        // Summer: UTC+2.
        let summer = end_of_day(Date::new(2027, 7, 1).unwrap(), &zone).unwrap();
        assert_eq!(summer.to_string(), "2027-07-01T21:59:59Z");
        // The day the clocks go back (2027-10-31) ends at UTC+1.
        let change = end_of_day(Date::new(2027, 10, 31).unwrap(), &zone).unwrap();
        assert_eq!(change.to_string(), "2027-10-31T22:59:59Z");
    }

    #[test]
    fn end_of_day_on_leap_day() {
        let end = end_of_day(Date::new(2028, 2, 29).unwrap(), &TimeZone::UTC).unwrap();
        assert_eq!(end.to_string(), "2028-02-29T23:59:59Z");
    }

    #[test]
    fn serials_are_positive_long_and_distinct() {
        let a = random_serial().unwrap();
        let b = random_serial().unwrap();
        assert_ne!(a, b);
        for s in [a, b] {
            assert_eq!(s[0] & 0x80, 0, "positive");
            assert_eq!(s[0] & 0x40, 0x40, "fixed length");
        }
    }

    #[test]
    fn every_combination_has_an_algorithm() {
        use crate::engine::Choice;
        for key in KeyType::ALL {
            for hash in key.hashes() {
                let alg = signature_algorithm(Signing::new(*key, *hash).unwrap());
                let name = format!("{alg:?}");
                let expect_hash = hash.label().replace('-', "");
                assert!(name.contains(&expect_hash), "{name} for {key:?}/{hash:?}");
            }
        }
    }
}
