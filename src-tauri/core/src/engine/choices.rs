//! The form's choices: encryption, signature hash, key type and who signs,
//! each with a stable token (the command line, the window, the list) and a
//! label the admin reads; and the key-and-hash pairs that exist.

use super::error::{Field, FieldError};

/// How the `.p12` file is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Encryption {
    /// PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, HMAC-SHA256 MAC.
    #[default]
    Aes256,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC, HMAC-SHA1 MAC, for older systems.
    TripleDes,
}

/// The hash in the certificate's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignatureHash {
    #[default]
    Sha256,
    Sha384,
    Sha512,
}

/// The kind and size of the private key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeyType {
    Rsa2048,
    #[default]
    Rsa3072,
    Rsa4096,
    EcdsaP256,
    EcdsaP384,
}

/// A choice with a stable token (for the command line and the window) and a
/// label the admin reads.
pub trait Choice: Sized + Copy + 'static {
    const FIELD: Field;
    const ALL: &'static [Self];
    fn token(self) -> &'static str;
    fn label(self) -> &'static str;

    fn parse(raw: &str) -> Result<Self, FieldError> {
        let wanted = raw.trim().to_ascii_lowercase();
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.token() == wanted)
            .ok_or_else(|| {
                let tokens: Vec<&str> = Self::ALL.iter().map(|c| c.token()).collect();
                FieldError::new(
                    Self::FIELD,
                    format!(
                        "“{}” is not one of the choices; choose one of: {}.",
                        raw.trim().chars().take(40).collect::<String>(),
                        tokens.join(", ")
                    ),
                )
            })
    }
}

impl Choice for Encryption {
    const FIELD: Field = Field::Encryption;
    const ALL: &'static [Self] = &[Encryption::Aes256, Encryption::TripleDes];
    fn token(self) -> &'static str {
        match self {
            Encryption::Aes256 => "aes-256",
            Encryption::TripleDes => "3des",
        }
    }
    fn label(self) -> &'static str {
        match self {
            Encryption::Aes256 => "AES-256",
            Encryption::TripleDes => "Triple DES",
        }
    }
}

impl Choice for SignatureHash {
    const FIELD: Field = Field::SignatureHash;
    const ALL: &'static [Self] = &[
        SignatureHash::Sha256,
        SignatureHash::Sha384,
        SignatureHash::Sha512,
    ];
    fn token(self) -> &'static str {
        match self {
            SignatureHash::Sha256 => "sha256",
            SignatureHash::Sha384 => "sha384",
            SignatureHash::Sha512 => "sha512",
        }
    }
    fn label(self) -> &'static str {
        match self {
            SignatureHash::Sha256 => "SHA-256",
            SignatureHash::Sha384 => "SHA-384",
            SignatureHash::Sha512 => "SHA-512",
        }
    }
}

impl Choice for KeyType {
    const FIELD: Field = Field::KeyType;
    const ALL: &'static [Self] = &[
        KeyType::Rsa3072,
        KeyType::Rsa2048,
        KeyType::Rsa4096,
        KeyType::EcdsaP256,
        KeyType::EcdsaP384,
    ];
    fn token(self) -> &'static str {
        match self {
            KeyType::Rsa2048 => "rsa-2048",
            KeyType::Rsa3072 => "rsa-3072",
            KeyType::Rsa4096 => "rsa-4096",
            KeyType::EcdsaP256 => "ecdsa-p256",
            KeyType::EcdsaP384 => "ecdsa-p384",
        }
    }
    fn label(self) -> &'static str {
        match self {
            KeyType::Rsa2048 => "RSA 2048",
            KeyType::Rsa3072 => "RSA 3072",
            KeyType::Rsa4096 => "RSA 4096",
            KeyType::EcdsaP256 => "ECDSA P-256",
            KeyType::EcdsaP384 => "ECDSA P-384",
        }
    }
}

/// Who signs the certificate: its own key (self-signed: every service that
/// checks it must be given it), the issuing authority on this computer
/// (the service trusts the authority once), or a certificate authority
/// elsewhere (a company's or a commercial one), which signs a request file
/// (`requested`): then AuthCert makes a request, not a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignerKind {
    #[default]
    SelfSigned,
    Authority,
    Ca,
}

impl Choice for SignerKind {
    const FIELD: Field = Field::SignedBy;
    const ALL: &'static [Self] = &[
        SignerKind::SelfSigned,
        SignerKind::Authority,
        SignerKind::Ca,
    ];
    fn token(self) -> &'static str {
        match self {
            SignerKind::SelfSigned => "self-signed",
            SignerKind::Authority => "authority",
            SignerKind::Ca => "ca",
        }
    }
    fn label(self) -> &'static str {
        match self {
            SignerKind::SelfSigned => "Itself (self-signed)",
            SignerKind::Authority => "The issuing authority",
            SignerKind::Ca => "A certificate authority (request file)",
        }
    }
}

/// Choices are stored (in the list of certificates) by their token.
macro_rules! choice_serde {
    ($($t:ty),*) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.token())
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let token = String::deserialize(d)?;
                <$t as Choice>::parse(&token).map_err(|e| serde::de::Error::custom(e.message))
            }
        }
    )*};
}
choice_serde!(Encryption, SignatureHash, KeyType, SignerKind);

impl KeyType {
    pub fn is_rsa(self) -> bool {
        matches!(self, KeyType::Rsa2048 | KeyType::Rsa3072 | KeyType::Rsa4096)
    }

    /// The hashes this key can sign with. An ECDSA key signs with the hash
    /// of its curve's strength; RSA with any of the three.
    pub fn hashes(self) -> &'static [SignatureHash] {
        match self {
            KeyType::EcdsaP256 => &[SignatureHash::Sha256],
            KeyType::EcdsaP384 => &[SignatureHash::Sha384],
            _ => SignatureHash::ALL,
        }
    }

    /// The hash used when none is chosen.
    pub fn default_hash(self) -> SignatureHash {
        self.hashes()[0]
    }
}

/// A key type with a hash it can sign with. Only the combinations of
/// `KeyType::hashes` exist: the one way to make one is `Signing::new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signing {
    key: KeyType,
    hash: SignatureHash,
}

impl Signing {
    /// The key with `hash`, or the rule it breaks (with the hash that fits).
    pub fn new(key: KeyType, hash: SignatureHash) -> Result<Signing, FieldError> {
        if key.hashes().contains(&hash) {
            return Ok(Signing { key, hash });
        }
        let fits = key.default_hash();
        Err(FieldError::new(
            Field::SignatureHash,
            format!(
                "{} keys sign with {} only, not {}. The combinations that exist: {}.",
                key.label(),
                join_or(key.hashes().iter().map(|h| h.label())),
                hash.label(),
                combinations_text()
            ),
        )
        .suggest(
            Field::SignatureHash,
            fits.token(),
            format!("Use {}", fits.label()),
        ))
    }

    /// The key with the hash it signs with when none is chosen.
    pub fn default_for(key: KeyType) -> Signing {
        Signing {
            key,
            hash: key.default_hash(),
        }
    }

    pub fn key(self) -> KeyType {
        self.key
    }

    pub fn hash(self) -> SignatureHash {
        self.hash
    }
}

/// "a, b or c".
fn join_or<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<&str> = items.collect();
    match items.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The combinations that exist, in words, made from `KeyType::hashes` (the
/// one table): key types that sign with the same hashes are named together.
pub fn combinations_text() -> String {
    let mut groups: Vec<(Vec<KeyType>, &'static [SignatureHash])> = Vec::new();
    for key in KeyType::ALL {
        match groups
            .iter_mut()
            .find(|(_, hashes)| *hashes == key.hashes())
        {
            Some((keys, _)) => keys.push(*key),
            None => groups.push((vec![*key], key.hashes())),
        }
    }
    groups
        .iter()
        .map(|(keys, hashes)| {
            format!(
                "{} with {}",
                join_or(keys.iter().map(|k| k.label())),
                join_or(hashes.iter().map(|h| h.label()))
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_combinations_are_told_from_the_table() {
        assert_eq!(
            combinations_text(),
            "RSA 3072, RSA 2048 or RSA 4096 with SHA-256, SHA-384 or SHA-512; ECDSA P-256 with SHA-256; ECDSA P-384 with SHA-384"
        );
        for key in KeyType::ALL {
            for hash in SignatureHash::ALL {
                assert_eq!(
                    Signing::new(*key, *hash).is_ok(),
                    key.hashes().contains(hash),
                    "{key:?} {hash:?}"
                );
            }
        }
    }
}
