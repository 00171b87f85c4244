//! The one-time password: random from the operating system, unbiased, easy to
//! read aloud and type, and wiped from memory when dropped.

use std::fmt;

use rand::rngs::SysRng;
use rand::TryRng;
use zeroize::{Zeroize, Zeroizing};

use super::error::IssueError;

/// Letters and digits without look-alikes: no 0/O/o, 1/l/I.
pub const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
/// Characters drawn: 24 × log2(56) ≈ 139.4 bits, above the 128 promised.
pub const RANDOM_CHARS: usize = 24;
/// Shown as four groups of six joined by dashes; the dashes are part of it.
pub const GROUP: usize = 6;

/// A password that never prints and is wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(Zeroizing<String>);

impl Password {
    /// Draws a fresh password from the operating system's generator.
    pub fn generate() -> Result<Password, IssueError> {
        let mut out = Zeroizing::new(String::with_capacity(RANDOM_CHARS + RANDOM_CHARS / GROUP));
        let mut drawn = 0;
        let mut buf = Zeroizing::new([0u8; 64]);
        while drawn < RANDOM_CHARS {
            SysRng
                .try_fill_bytes(buf.as_mut())
                .map_err(|e| IssueError::Randomness(e.to_string()))?;
            for c in buf.iter().filter_map(|&b| symbol_for(b)) {
                if drawn == RANDOM_CHARS {
                    break;
                }
                if drawn > 0 && drawn % GROUP == 0 {
                    out.push('-');
                }
                out.push(c);
                drawn += 1;
            }
        }
        buf.zeroize();
        Ok(Password(out))
    }

    /// The secret itself. Callers must not log, format or persist it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Bits of entropy of a generated password.
    pub fn entropy_bits() -> f64 {
        RANDOM_CHARS as f64 * (ALPHABET.len() as f64).log2()
    }
}

/// Maps a random byte to a symbol, or rejects it. Bytes at or above the
/// largest multiple of the alphabet's size are thrown away (rejection
/// sampling), so every symbol is equally likely: no modulo bias.
fn symbol_for(byte: u8) -> Option<char> {
    let n = ALPHABET.len();
    let limit = 256 / n * n;
    let b = usize::from(byte);
    (b < limit).then(|| char::from(ALPHABET[b % n]))
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn shape_and_alphabet() {
        let pw = Password::generate().unwrap();
        let s = pw.expose();
        let groups: Vec<&str> = s.split('-').collect();
        assert_eq!(groups.len(), RANDOM_CHARS / GROUP);
        for g in groups {
            assert_eq!(g.len(), GROUP);
            assert!(g.bytes().all(|b| ALPHABET.contains(&b)), "{g}");
        }
        for lookalike in ['0', 'O', 'o', '1', 'l', 'I'] {
            assert!(!ALPHABET.contains(&(lookalike as u8)), "{lookalike}");
        }
    }

    #[test]
    fn at_least_128_bits() {
        assert_eq!(ALPHABET.len(), 56);
        assert!(
            Password::entropy_bits() >= 128.0,
            "{}",
            Password::entropy_bits()
        );
    }

    #[test]
    fn mapping_has_no_modulo_bias() {
        let mut counts = std::collections::HashMap::new();
        for b in 0..=255u8 {
            if let Some(c) = symbol_for(b) {
                *counts.entry(c).or_insert(0) += 1;
            }
        }
        assert_eq!(counts.len(), ALPHABET.len());
        let per: HashSet<i32> = counts.values().copied().collect();
        assert_eq!(
            per.len(),
            1,
            "every symbol must come from as many bytes: {counts:?}"
        );
    }

    #[test]
    fn never_repeats_and_uses_whole_alphabet() {
        let mut seen = HashSet::new();
        let mut counts = [0usize; 256];
        for _ in 0..2000 {
            let pw = Password::generate().unwrap();
            for b in pw.expose().bytes().filter(|&b| b != b'-') {
                counts[usize::from(b)] += 1;
            }
            assert!(seen.insert(pw.expose().to_string()));
        }
        // 48 000 draws over 56 symbols: about 857 each (sd ≈ 29); a symbol
        // far outside that means the generator or the mapping is broken.
        let per_symbol: Vec<usize> = ALPHABET.iter().map(|&b| counts[usize::from(b)]).collect();
        let (min, max) = (
            per_symbol.iter().min().unwrap(),
            per_symbol.iter().max().unwrap(),
        );
        assert!(*min > 700 && *max < 1020, "min {min} max {max}");
    }

    #[test]
    fn debug_is_redacted() {
        let pw = Password::generate().unwrap();
        let shown = format!("{pw:?}");
        assert!(!shown.contains(pw.expose()));
        assert!(shown.contains("redacted"));
    }
}
