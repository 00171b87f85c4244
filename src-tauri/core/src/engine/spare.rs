//! Keys made ahead, while the admin fills in the form, so that *Generate*
//! does not wait for an RSA prime search (from a tenth of a second to several
//! seconds, at random).
//!
//! At most one spare per key type. A spare is taken by exactly one
//! certificate and never handed out twice; `clear` drops every spare (rcgen
//! zeroizes a key pair's PKCS#8 bytes on drop, aws-lc cleanses its own
//! memory when it frees) and disowns the ones still being made, which are
//! dropped the moment they are done.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;

use rcgen::KeyPair;
use rustls_pki_types::PrivatePkcs8KeyDer;

use super::certificate::{generate_key, signature_algorithm};
use super::choices::{Choice, KeyType, Signing};
use super::error::IssueError;

#[derive(Default)]
enum Slot {
    #[default]
    Empty,
    /// A thread is making one; it belongs to the generation `epoch` it was
    /// started in.
    Making {
        epoch: u64,
    },
    Ready(KeyPair),
}

#[derive(Default)]
struct Slots {
    /// Bumped by `clear`: keys started before it are dropped when done.
    epoch: u64,
    /// Threads still making a key (for `settle`).
    in_flight: usize,
    by_type: [Slot; KeyType::ALL.len()],
}

#[derive(Default)]
struct Shared {
    slots: Mutex<Slots>,
    changed: Condvar,
}

/// The spare keys of one window.
#[derive(Clone, Default)]
pub struct Spares {
    shared: Arc<Shared>,
}

fn index(key: KeyType) -> usize {
    // KeyType::ALL lists every variant once, so the search always succeeds.
    KeyType::ALL.iter().position(|k| *k == key).unwrap_or(0)
}

impl Spares {
    pub fn new() -> Spares {
        Spares::default()
    }

    fn lock(&self) -> MutexGuard<'_, Slots> {
        // A panic while holding the lock leaves only keys and markers behind:
        // nothing half-written that the next caller could misread.
        self.shared
            .slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts making a key of this type in the background, unless one is
    /// ready or on its way.
    pub fn prepare(&self, key: KeyType) {
        let epoch = {
            let mut slots = self.lock();
            let epoch = slots.epoch;
            let slot = &mut slots.by_type[index(key)];
            if !matches!(slot, Slot::Empty) {
                return;
            }
            *slot = Slot::Making { epoch };
            slots.in_flight += 1;
            epoch
        };
        let spares = self.clone();
        let spawned = thread::Builder::new()
            .name(format!("spare {}", key.token()))
            .spawn(move || {
                // A failure leaves the slot empty: `take` then makes the key
                // itself and reports the error to the admin.
                let made = generate_key(Signing::default_for(key)).ok();
                spares.keep(key, epoch, made);
            });
        if spawned.is_err() {
            self.keep(key, epoch, None);
        }
    }

    fn keep(&self, key: KeyType, epoch: u64, made: Option<KeyPair>) {
        let mut slots = self.lock();
        slots.in_flight -= 1;
        let current = slots.epoch == epoch;
        let slot = &mut slots.by_type[index(key)];
        if current && matches!(slot, Slot::Making { epoch: e } if *e == epoch) {
            *slot = made.map_or(Slot::Empty, Slot::Ready);
        }
        // Otherwise `made` is dropped here: it was disowned by `clear`.
        drop(slots);
        self.shared.changed.notify_all();
    }

    /// Waits until the key of this type is no longer being made; true if a
    /// spare is ready.
    pub fn wait(&self, key: KeyType) -> bool {
        let mut slots = self.lock();
        loop {
            match &slots.by_type[index(key)] {
                Slot::Ready(_) => return true,
                Slot::Empty => return false,
                Slot::Making { .. } => {
                    slots = self
                        .shared
                        .changed
                        .wait(slots)
                        .unwrap_or_else(|p| p.into_inner())
                }
            }
        }
    }

    /// The key for one certificate: the spare if there is one (waiting for
    /// it if it is being made), otherwise a fresh one made now. Either way
    /// the key leaves the pool and is never handed out again.
    pub fn take(&self, signing: Signing) -> Result<KeyPair, IssueError> {
        let key = signing.key();
        let spare = {
            let mut slots = self.lock();
            loop {
                let slot = &mut slots.by_type[index(key)];
                match std::mem::take(slot) {
                    Slot::Ready(pair) => break Some(pair),
                    Slot::Empty => break None,
                    making @ Slot::Making { .. } => {
                        *slot = making;
                        slots = self
                            .shared
                            .changed
                            .wait(slots)
                            .unwrap_or_else(|p| p.into_inner());
                    }
                }
            }
        };
        match spare {
            Some(pair) => for_hash(pair, signing),
            None => generate_key(signing),
        }
    }

    /// Drops every spare, and the ones still being made as soon as they are
    /// done.
    pub fn clear(&self) {
        let mut slots = self.lock();
        slots.epoch += 1;
        slots.by_type = Default::default();
        drop(slots);
        self.shared.changed.notify_all();
    }

    /// The key types with a spare ready.
    pub fn held(&self) -> Vec<KeyType> {
        let slots = self.lock();
        KeyType::ALL
            .iter()
            .copied()
            .filter(|k| matches!(slots.by_type[index(*k)], Slot::Ready(_)))
            .collect()
    }

    /// Waits until no key is being made any more (disowned ones included).
    pub fn settle(&self) {
        let mut slots = self.lock();
        while slots.in_flight > 0 {
            slots = self
                .shared
                .changed
                .wait(slots)
                .unwrap_or_else(|p| p.into_inner());
        }
    }
}

/// A spare is made for its type's default hash; an RSA key signs with any
/// hash, so it is bound to the chosen one (the key itself is unchanged).
fn for_hash(pair: KeyPair, signing: Signing) -> Result<KeyPair, IssueError> {
    let alg = signature_algorithm(signing);
    if pair.algorithm() == alg {
        return Ok(pair);
    }
    let der = PrivatePkcs8KeyDer::from(pair.serialized_der());
    KeyPair::from_pkcs8_der_and_sign_algo(&der, alg)
        .map_err(|e| IssueError::KeyGeneration(e.to_string()))
}

/// Starts the cryptographic library and seeds its random generator, so that
/// the first key made for the admin does not pay for it. (It cost about 60 ms
/// while AWS-LC collected CPU-jitter entropy first; seeded from the OS, see
/// .cargo/config.toml, it is well under a millisecond, but the window still
/// does it off the main thread at start-up.)
pub fn warm_up() {
    let _ = generate_key(Signing::default_for(KeyType::EcdsaP256));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SignatureHash;

    #[test]
    fn a_prepared_key_is_taken_once_then_made_fresh() {
        let spares = Spares::new();
        spares.prepare(KeyType::EcdsaP256);
        assert!(spares.wait(KeyType::EcdsaP256));
        assert_eq!(spares.held(), vec![KeyType::EcdsaP256]);
        let first = spares
            .take(Signing::new(KeyType::EcdsaP256, SignatureHash::Sha256).unwrap())
            .unwrap();
        assert!(spares.held().is_empty(), "a spare is handed out once");
        let second = spares
            .take(Signing::new(KeyType::EcdsaP256, SignatureHash::Sha256).unwrap())
            .unwrap();
        assert_ne!(first.public_key_raw(), second.public_key_raw());
        assert_eq!(first.algorithm(), &rcgen::PKCS_ECDSA_P256_SHA256);
    }

    #[test]
    fn preparing_twice_keeps_one_spare() {
        let spares = Spares::new();
        spares.prepare(KeyType::EcdsaP384);
        spares.prepare(KeyType::EcdsaP384);
        spares.settle();
        spares.prepare(KeyType::EcdsaP384);
        spares.settle();
        assert_eq!(spares.held(), vec![KeyType::EcdsaP384]);
        spares
            .take(Signing::new(KeyType::EcdsaP384, SignatureHash::Sha384).unwrap())
            .unwrap();
        assert!(spares.held().is_empty());
    }

    #[test]
    fn an_rsa_spare_is_bound_to_the_chosen_hash() {
        let spares = Spares::new();
        spares.prepare(KeyType::Rsa2048);
        assert!(spares.wait(KeyType::Rsa2048));
        let pair = spares
            .take(Signing::new(KeyType::Rsa2048, SignatureHash::Sha512).unwrap())
            .unwrap();
        assert_eq!(pair.algorithm(), &rcgen::PKCS_RSA_SHA512);
        // It signs a certificate that verifies under that algorithm.
        let cert = rcgen::CertificateParams::new(vec!["x".into()])
            .unwrap()
            .self_signed(&pair)
            .unwrap();
        let (_, parsed) = x509_parser::parse_x509_certificate(cert.der()).unwrap();
        assert_eq!(
            parsed.signature_algorithm.algorithm,
            x509_parser::oid_registry::OID_PKCS1_SHA512WITHRSA
        );
        parsed.verify_signature(None).unwrap();
    }

    #[test]
    fn clear_drops_ready_spares_and_disowns_those_being_made() {
        let spares = Spares::new();
        spares.prepare(KeyType::EcdsaP256);
        assert!(spares.wait(KeyType::EcdsaP256));
        spares.prepare(KeyType::Rsa3072);
        spares.clear();
        assert!(spares.held().is_empty());
        assert!(!spares.wait(KeyType::Rsa3072), "nothing to wait for");
        spares.settle();
        assert!(
            spares.held().is_empty(),
            "a key finished after clear is dropped, not kept"
        );
        // Preparing again after clear works as before.
        spares.prepare(KeyType::EcdsaP256);
        assert!(spares.wait(KeyType::EcdsaP256));
    }

    #[test]
    fn take_waits_for_a_key_being_made() {
        let spares = Spares::new();
        spares.prepare(KeyType::EcdsaP256);
        let pair = spares
            .take(Signing::new(KeyType::EcdsaP256, SignatureHash::Sha256).unwrap())
            .unwrap();
        spares.settle();
        assert!(
            spares.held().is_empty(),
            "the key being made was the one taken, not kept as a second spare"
        );
        assert_eq!(pair.algorithm(), &rcgen::PKCS_ECDSA_P256_SHA256);
    }

    #[test]
    fn without_a_spare_the_key_is_made_now() {
        let spares = Spares::new();
        let pair = spares
            .take(Signing::new(KeyType::EcdsaP384, SignatureHash::Sha384).unwrap())
            .unwrap();
        assert_eq!(pair.algorithm(), &rcgen::PKCS_ECDSA_P384_SHA384);
        assert!(spares.held().is_empty());
    }
}
