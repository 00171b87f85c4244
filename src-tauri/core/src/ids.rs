//! What names a certificate: its SHA-256 fingerprint (the list's key, and
//! what `--trust-server` takes of a server) and its serial number (what a
//! revocation list names). Parsed once, at the edge; written as the list,
//! the window and the command line have always written them: upper-case hex
//! bytes joined by colons, so files of every earlier format read unchanged.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Upper-case hex bytes joined by `sep`.
pub fn hex(bytes: &[u8], sep: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// The bytes of hex text, with or without colons, spaces or dashes between
/// them (as tools print them); None unless every byte is two hex digits.
fn bytes_of(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = text
        .trim()
        .bytes()
        .filter(|b| !matches!(b, b':' | b' ' | b'-'))
        .collect();
    if digits.is_empty()
        || !digits.len().is_multiple_of(2)
        || !digits.iter().all(u8::is_ascii_hexdigit)
    {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// Why a text is not an id, in words for the message that names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("give a SHA-256 fingerprint: 64 hexadecimal digits (0-9, A-F), colons allowed, as AuthCert shows it.")]
    Fingerprint,
    #[error("give a serial number in hexadecimal, as `authcert list` or the certificate's details show it, such as 4F:1A:09:….")]
    Serial,
}

/// A SHA-256 fingerprint: of a listed certificate (its id in the list, the
/// window and the command line) or of a server's.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// 64 hex digits, with or without colons or spaces, any case.
    pub fn parse(raw: &str) -> Result<Fingerprint, IdError> {
        if raw.len() > 200 {
            return Err(IdError::Fingerprint);
        }
        let bytes = bytes_of(raw).ok_or(IdError::Fingerprint)?;
        let array: [u8; 32] = bytes.try_into().map_err(|_| IdError::Fingerprint)?;
        Ok(Fingerprint(array))
    }

    /// The fingerprint of a DER certificate.
    pub fn of(der: &[u8]) -> Fingerprint {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der);
        let mut out = [0u8; 32];
        out.copy_from_slice(digest.as_ref());
        Fingerprint(out)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Its first eight hex digits (a keychain account's tag).
    pub fn short(&self) -> String {
        hex(&self.0[..4], "")
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0, ":"))
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl TryFrom<String> for Fingerprint {
    type Error = IdError;
    fn try_from(text: String) -> Result<Self, IdError> {
        Fingerprint::parse(&text)
    }
}

impl From<Fingerprint> for String {
    fn from(f: Fingerprint) -> String {
        f.to_string()
    }
}

/// The id of a listed certificate: its SHA-256 fingerprint.
pub type CertificateId = Fingerprint;

/// The longest serial read: RFC 5280 allows 20 bytes, but certificates made
/// elsewhere are added as they are, within reason.
pub const MAX_SERIAL_BYTES: usize = 64;

/// A certificate's serial number, as its bytes.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Serial(Vec<u8>);

impl Serial {
    /// Hex digits, with or without colons.
    pub fn parse(raw: &str) -> Result<Serial, IdError> {
        if raw.len() > 4 * MAX_SERIAL_BYTES {
            return Err(IdError::Serial);
        }
        Serial::from_bytes(&bytes_of(raw).ok_or(IdError::Serial)?)
    }

    /// The serial as a certificate or a revocation list holds it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Serial, IdError> {
        if bytes.is_empty() || bytes.len() > MAX_SERIAL_BYTES {
            return Err(IdError::Serial);
        }
        Ok(Serial(bytes.to_vec()))
    }

    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0, ":"))
    }
}

impl fmt::Debug for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Serial({self})")
    }
}

impl TryFrom<String> for Serial {
    type Error = IdError;
    fn try_from(text: String) -> Result<Self, IdError> {
        Serial::parse(&text)
    }
}

impl From<Serial> for String {
    fn from(s: Serial) -> String {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_upper_and_joined() {
        assert_eq!(hex(&[0x0a, 0xff, 0x00], ":"), "0A:FF:00");
        assert_eq!(hex(&[0x0a, 0xff], ""), "0AFF");
    }

    #[test]
    fn fingerprints_read_every_way_tools_write_them_and_write_the_lists_way() {
        let colons = "AB:".repeat(31) + "CD";
        let f = Fingerprint::parse(&colons).unwrap();
        assert_eq!(f.to_string(), colons);
        for other in [
            colons.replace(':', ""),
            colons.to_lowercase(),
            colons.replace(':', " "),
        ] {
            assert_eq!(Fingerprint::parse(&other).unwrap(), f, "{other}");
        }
        assert_eq!(f.short(), "ABABABAB");
        for bad in [
            "",
            "AB",
            &"AB".repeat(33),
            &"ZZ".repeat(32),
            &"A".repeat(300),
        ] {
            assert_eq!(
                Fingerprint::parse(bad).unwrap_err(),
                IdError::Fingerprint,
                "{bad}"
            );
        }
        assert_eq!(Fingerprint::of(b"abc").to_string().len(), 32 * 3 - 1);
    }

    #[test]
    fn ids_serialize_as_the_list_always_wrote_them() {
        let f = Fingerprint::of(b"x");
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, format!("\"{f}\""));
        assert_eq!(serde_json::from_str::<Fingerprint>(&json).unwrap(), f);
        assert!(serde_json::from_str::<Fingerprint>("\"not one\"").is_err());
        let s = Serial::parse("4f1a09").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"4F:1A:09\"");
        assert_eq!(serde_json::from_str::<Serial>("\"4F:1A:09\"").unwrap(), s);
        for bad in ["", "4F1", "xyz", &"AB".repeat(65)] {
            assert_eq!(Serial::parse(bad).unwrap_err(), IdError::Serial, "{bad}");
        }
    }
}
