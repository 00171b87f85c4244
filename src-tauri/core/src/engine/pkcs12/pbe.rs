//! Password-based encryption of PKCS#12 bags: PBES2 (RFC 8018, through the
//! pkcs5 crate) and the PKCS#12 schemes of RFC 7292 appendix C (its own key
//! derivation, appendix B, through the pkcs12 crate). Writing uses two:
//! PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, and
//! pbeWithSHAAnd3-KeyTripleDES-CBC. Reading also takes the legacy schemes
//! other tools still write (2-key Triple DES, 128- and 40-bit RC2) and says
//! plainly which ones it cannot (RC4).

use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyIvInit};
use der::asn1::OctetString;
use der::{Any, Decode, Encode};
use pkcs12::kdf::{derive_key_utf8, Pkcs12KeyType};
use pkcs12::pbe_params::Pkcs12PbeParams;
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

/// A scheme AuthCert writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteScheme {
    /// PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC.
    Pbes2Aes256,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC.
    Pkcs12TripleDes,
}

/// What protected a bag, as found in a file (for the importer's words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    Pbes2 { cipher: String, prf: String },
    Pkcs12TripleDes,
    Pkcs12TwoKeyTripleDes,
    Pkcs12Rc2 { bits: usize },
    Pkcs12Rc4 { bits: usize },
    Other(String),
}

impl Scheme {
    /// In words, for the admin's IT colleague.
    pub fn describe(&self) -> String {
        match self {
            Scheme::Pbes2 { cipher, prf } => format!("PBES2 ({cipher}, PBKDF2 with {prf})"),
            Scheme::Pkcs12TripleDes => "Triple DES (pbeWithSHAAnd3-KeyTripleDES-CBC)".into(),
            Scheme::Pkcs12TwoKeyTripleDes => {
                "two-key Triple DES (pbeWithSHAAnd2-KeyTripleDES-CBC)".into()
            }
            Scheme::Pkcs12Rc2 { bits } => format!("RC2 with {bits}-bit keys (an old method)"),
            Scheme::Pkcs12Rc4 { bits } => format!("RC4 with {bits}-bit keys (an old method)"),
            Scheme::Other(oid) => format!("an unknown method ({oid})"),
        }
    }

    /// Methods considered weak today (RC2, RC4, 2-key Triple DES).
    pub fn is_legacy(&self) -> bool {
        matches!(
            self,
            Scheme::Pkcs12Rc2 { .. } | Scheme::Pkcs12Rc4 { .. } | Scheme::Pkcs12TwoKeyTripleDes
        )
    }
}

/// Why a bag could not be decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PbeError {
    /// The parameters are not what the scheme says.
    Malformed(String),
    /// A scheme AuthCert cannot decrypt (named).
    Unsupported(Scheme),
    /// More iterations than `max`: refused rather than spun on.
    TooManyIterations { found: u64, max: u32 },
    /// The padding did not check out: nearly always the wrong password.
    WrongPassword,
}

fn random<const N: usize>() -> Result<[u8; N], String> {
    use rand::TryRng;
    let mut out = [0u8; N];
    rand::rngs::SysRng
        .try_fill_bytes(&mut out)
        .map_err(|e| format!("the system's random generator failed: {e}"))?;
    Ok(out)
}

/// Salt length for both schemes: 16 bytes (Windows was reported to refuse
/// 64-byte salts and to take 8, 16 and 32).
const SALT_LEN: usize = 16;

/// Encrypts `plaintext` with `scheme`; answers the algorithm identifier and
/// the ciphertext.
pub fn encrypt(
    scheme: WriteScheme,
    password: &str,
    iterations: u32,
    plaintext: &[u8],
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>), String> {
    let salt = random::<SALT_LEN>()?;
    match scheme {
        WriteScheme::Pbes2Aes256 => {
            let iv = random::<16>()?;
            let params =
                pkcs5::pbes2::Parameters::generate_pbkdf2_sha256_aes256cbc(iterations, &salt, iv)
                    .map_err(|e| e.to_string())?;
            let ciphertext = params
                .encrypt(password.as_bytes(), plaintext)
                .map_err(|e| e.to_string())?;
            let alg = AlgorithmIdentifierOwned {
                oid: pkcs5::pbes2::PBES2_OID,
                parameters: Some(any_of(&params)?),
            };
            Ok((alg, ciphertext))
        }
        WriteScheme::Pkcs12TripleDes => {
            let rounds = i32::try_from(iterations).map_err(|e| e.to_string())?;
            let key = kdf(password, &salt, Pkcs12KeyType::EncryptionKey, rounds, 24)?;
            let iv = kdf(password, &salt, Pkcs12KeyType::Iv, rounds, 8)?;
            let ciphertext = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                .map_err(|e| e.to_string())?
                .encrypt_padded_vec::<Pkcs7>(plaintext);
            let params = Pkcs12PbeParams {
                salt: OctetString::new(salt.to_vec()).map_err(|e| e.to_string())?,
                iterations: rounds,
            };
            let alg = AlgorithmIdentifierOwned {
                oid: pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC,
                parameters: Some(any_of(&params)?),
            };
            Ok((alg, ciphertext))
        }
    }
}

fn any_of(value: &impl Encode) -> Result<Any, String> {
    let der = value.to_der().map_err(|e| e.to_string())?;
    Any::from_der(&der).map_err(|e| e.to_string())
}

/// The PKCS#12 key derivation (RFC 7292 appendix B) with SHA-1, which every
/// PKCS#12 PBE scheme uses, wiped when dropped.
fn kdf(
    password: &str,
    salt: &[u8],
    id: Pkcs12KeyType,
    rounds: i32,
    len: usize,
) -> Result<Zeroizing<Vec<u8>>, String> {
    derive_key_utf8::<sha1::Sha1>(password, salt, id, rounds, len)
        .map(Zeroizing::new)
        .map_err(|_| "the password cannot be written as a PKCS#12 password (BMPString)".into())
}

/// The scheme an algorithm identifier names.
pub fn scheme_of(alg: &AlgorithmIdentifierOwned) -> Scheme {
    let oid = alg.oid;
    if oid == pkcs5::pbes2::PBES2_OID {
        let described = alg
            .parameters
            .as_ref()
            .and_then(|p| p.to_der().ok())
            .and_then(|der| pkcs5::pbes2::Parameters::from_der(&der).ok());
        return match described {
            Some(p) => Scheme::Pbes2 {
                cipher: cipher_name(&p.encryption),
                prf: match &p.kdf {
                    pkcs5::pbes2::Kdf::Pbkdf2(k) => prf_name(k.prf).into(),
                    pkcs5::pbes2::Kdf::Scrypt(_) => "scrypt".into(),
                    _ => "an unknown function".into(),
                },
            },
            None => Scheme::Pbes2 {
                cipher: "a cipher AuthCert does not know".into(),
                prf: "unknown".into(),
            },
        };
    }
    match oid {
        o if o == pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC => Scheme::Pkcs12TripleDes,
        o if o == pkcs12::PKCS_12_PBE_WITH_SHAAND2_KEY_TRIPLE_DES_CBC => {
            Scheme::Pkcs12TwoKeyTripleDes
        }
        o if o == pkcs12::PKCS_12_PBE_WITH_SHAAND128_BIT_RC2_CBC => Scheme::Pkcs12Rc2 { bits: 128 },
        o if o == pkcs12::PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC => Scheme::Pkcs12Rc2 { bits: 40 },
        o if o == pkcs12::PKCS_12_PBE_WITH_SHAAND128_BIT_RC4 => Scheme::Pkcs12Rc4 { bits: 128 },
        o if o == pkcs12::PKCS_12_PBE_WITH_SHAAND40_BIT_RC4 => Scheme::Pkcs12Rc4 { bits: 40 },
        other => Scheme::Other(other.to_string()),
    }
}

fn prf_name(prf: pkcs5::pbes2::Pbkdf2Prf) -> &'static str {
    use pkcs5::pbes2::Pbkdf2Prf as P;
    match prf {
        P::HmacWithSha1 => "HMAC-SHA1",
        P::HmacWithSha224 => "HMAC-SHA224",
        P::HmacWithSha256 => "HMAC-SHA256",
        P::HmacWithSha384 => "HMAC-SHA384",
        P::HmacWithSha512 => "HMAC-SHA512",
        _ => "an unknown function",
    }
}

fn cipher_name(e: &pkcs5::pbes2::EncryptionScheme) -> String {
    use pkcs5::pbes2::EncryptionScheme as E;
    match e {
        E::Aes128Cbc { .. } => "AES-128-CBC".into(),
        E::Aes192Cbc { .. } => "AES-192-CBC".into(),
        E::Aes256Cbc { .. } => "AES-256-CBC".into(),
        E::DesEde3Cbc { .. } => "Triple DES (DES-EDE3-CBC)".into(),
        other => format!("{:?}", other.oid()),
    }
}

/// The rounds of key derivation decrypting with `alg` costs, read from its
/// parameters before any is spent: PBKDF2's iterations times its output
/// blocks, or the PKCS#12 schemes' iterations twice (key, then IV).
/// Parameters that do not parse cost nothing (decryption refuses them).
pub fn cost(alg: &AlgorithmIdentifierOwned) -> u64 {
    let Some(params_der) = alg.parameters.as_ref().and_then(|p| p.to_der().ok()) else {
        return 0;
    };
    match scheme_of(alg) {
        Scheme::Pbes2 { .. } => match pkcs5::pbes2::Parameters::from_der(&params_der) {
            Ok(p) => match &p.kdf {
                pkcs5::pbes2::Kdf::Pbkdf2(k) => {
                    use pkcs5::pbes2::Pbkdf2Prf as P;
                    // A 20- or 28-byte PRF needs two blocks for an AES-256 key.
                    let blocks = match k.prf {
                        P::HmacWithSha1 | P::HmacWithSha224 => 2,
                        _ => 1,
                    };
                    u64::from(k.iteration_count) * blocks
                }
                _ => 0,
            },
            Err(_) => 0,
        },
        Scheme::Pkcs12TripleDes | Scheme::Pkcs12TwoKeyTripleDes | Scheme::Pkcs12Rc2 { .. } => {
            Pkcs12PbeParams::from_der(&params_der)
                .map(|p| u64::try_from(p.iterations).unwrap_or(0) * 2)
                .unwrap_or(0)
        }
        _ => 0,
    }
}

/// Decrypts `ciphertext`, refusing more than `max_iterations`.
pub fn decrypt(
    alg: &AlgorithmIdentifierOwned,
    password: &str,
    ciphertext: &[u8],
    max_iterations: u32,
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    let scheme = scheme_of(alg);
    let params_der = alg
        .parameters
        .as_ref()
        .ok_or_else(|| PbeError::Malformed("no parameters".into()))?
        .to_der()
        .map_err(|e| PbeError::Malformed(e.to_string()))?;
    match scheme {
        Scheme::Pbes2 { .. } => {
            // Parameters that do not parse name a cipher or function the
            // pkcs5 crate does not know (DES, RC2 under PBES2, …).
            let params = pkcs5::pbes2::Parameters::from_der(&params_der)
                .map_err(|_| PbeError::Unsupported(scheme_of(alg)))?;
            let found = match &params.kdf {
                pkcs5::pbes2::Kdf::Pbkdf2(k) => u64::from(k.iteration_count),
                // scrypt's cost is not a count of rounds: refused outright.
                _ => return Err(PbeError::Unsupported(scheme)),
            };
            if found > u64::from(max_iterations) {
                return Err(PbeError::TooManyIterations {
                    found,
                    max: max_iterations,
                });
            }
            params
                .decrypt(password.as_bytes(), ciphertext)
                .map(Zeroizing::new)
                .map_err(|e| match e {
                    pkcs5::Error::DecryptFailed => PbeError::WrongPassword,
                    pkcs5::Error::UnsupportedAlgorithm { .. } => {
                        PbeError::Unsupported(scheme_of(alg))
                    }
                    other => PbeError::Malformed(other.to_string()),
                })
        }
        Scheme::Pkcs12TripleDes | Scheme::Pkcs12TwoKeyTripleDes | Scheme::Pkcs12Rc2 { .. } => {
            let params = Pkcs12PbeParams::from_der(&params_der)
                .map_err(|e| PbeError::Malformed(e.to_string()))?;
            let rounds = params.iterations;
            if rounds < 1 {
                return Err(PbeError::Malformed(format!("{rounds} iterations")));
            }
            if rounds as u64 > u64::from(max_iterations) {
                return Err(PbeError::TooManyIterations {
                    found: rounds as u64,
                    max: max_iterations,
                });
            }
            let salt = params.salt.as_bytes();
            let derive =
                |id, len| kdf(password, salt, id, rounds, len).map_err(|_| PbeError::WrongPassword);
            let plain = match scheme {
                Scheme::Pkcs12TripleDes => {
                    let (key, iv) = (
                        derive(Pkcs12KeyType::EncryptionKey, 24)?,
                        derive(Pkcs12KeyType::Iv, 8)?,
                    );
                    cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                        .map_err(|e| PbeError::Malformed(e.to_string()))?
                        .decrypt_padded_vec::<Pkcs7>(ciphertext)
                }
                Scheme::Pkcs12TwoKeyTripleDes => {
                    let (key, iv) = (
                        derive(Pkcs12KeyType::EncryptionKey, 16)?,
                        derive(Pkcs12KeyType::Iv, 8)?,
                    );
                    cbc::Decryptor::<des::TdesEde2>::new_from_slices(&key, &iv)
                        .map_err(|e| PbeError::Malformed(e.to_string()))?
                        .decrypt_padded_vec::<Pkcs7>(ciphertext)
                }
                Scheme::Pkcs12Rc2 { bits } => {
                    let (key, iv) = (
                        derive(Pkcs12KeyType::EncryptionKey, bits / 8)?,
                        derive(Pkcs12KeyType::Iv, 8)?,
                    );
                    let cipher = rc2::Rc2::new_with_eff_key_len(&key, bits);
                    cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(cipher, &iv)
                        .map_err(|e| PbeError::Malformed(e.to_string()))?
                        .decrypt_padded_vec::<Pkcs7>(ciphertext)
                }
                _ => unreachable!("matched above"),
            };
            plain
                .map(Zeroizing::new)
                .map_err(|_| PbeError::WrongPassword)
        }
        other => Err(PbeError::Unsupported(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_written_schemes_round_trip_and_a_wrong_password_is_told() {
        for scheme in [WriteScheme::Pbes2Aes256, WriteScheme::Pkcs12TripleDes] {
            let (alg, ct) = encrypt(scheme, "pässword-1", 2048, b"the plaintext").unwrap();
            let back = decrypt(&alg, "pässword-1", &ct, 10_000).unwrap();
            assert_eq!(back.as_slice(), b"the plaintext");
            // A wrong key fails the padding check, except by chance (1 in
            // 256), when it yields other bytes: never the plaintext.
            match decrypt(&alg, "another", &ct, 10_000) {
                Err(e) => assert_eq!(e, PbeError::WrongPassword, "{scheme:?}"),
                Ok(garbage) => assert_ne!(garbage.as_slice(), b"the plaintext"),
            }
            assert!(matches!(
                decrypt(&alg, "pässword-1", &ct, 1000).unwrap_err(),
                PbeError::TooManyIterations {
                    found: 2048,
                    max: 1000
                }
            ));
        }
    }
}
