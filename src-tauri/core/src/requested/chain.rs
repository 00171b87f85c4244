//! The answer joined with the waiting key: the certificate whose public key
//! is the key's, then its issuers in order, each link's signature checked,
//! up to a root or to the last issuer the answer holds. What is wrong
//! refuses (another key's certificate, dates, an authority's certificate,
//! one not for client authentication, a broken link); what is missing (an
//! intermediate) and what is fine are said in words.

use jiff::tz::TimeZone;
use jiff::Timestamp;
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use crate::clock::local_day;
use crate::ids::hex;
use crate::import::certificate::Candidate;

/// The certificate for the waiting key and its chain.
#[derive(Debug, Clone)]
pub struct Joined {
    /// The certificate for the waiting key.
    pub leaf: Candidate,
    /// Its issuers, nearest first, as far as the answer holds them.
    pub chain: Vec<Candidate>,
    /// Whether the chain ends at a root (a self-signed authority).
    pub complete: bool,
    /// The CA's name, for the list: the common name of the leaf's issuer,
    /// or its whole name when it has none.
    pub ca_name: String,
    /// What the admin should know, in words: what is fine, what is missing.
    pub notices: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinError {
    #[error("Certificate {index} of the answer cannot be read: {why}")]
    Unreadable { index: usize, why: String },
    #[error("No certificate in the answer is for the key waiting here (its SHA-256 {key}). The answer holds: {given}. Check that you sent this computer's request, or ask your CA for the certificate issued for it.")]
    NotForThisKey { key: String, given: String },
    #[error(
        "The certificate expired on {0}. Ask your CA to issue it again from the same request."
    )]
    Expired(String),
    #[error("The certificate is valid only from {0}. Check this computer's date; if it is right, complete again from that day.")]
    NotYetValid(String),
    #[error("The certificate is an authority's (CA:TRUE), not a client certificate. Ask your CA for a client authentication certificate.")]
    Authority,
    #[error("The certificate is not for client authentication (it is for: {0}): your CA used a template for servers. Ask for a client authentication template (AD CS: “User” or a copy of it with Client Authentication; Vault: a role with client_flag=true).")]
    NoClientAuth(String),
    #[error("“{name}” in the answer has the name of the certificate's issuer, but its key did not sign it: the chain is broken. Ask your CA for its current chain.")]
    BrokenLink { name: String },
    #[error("The CA's certificate “{name}” expired on {day}: servers will refuse the chain. Ask your CA for its current chain.")]
    IssuerExpired { name: String, day: String },
}

/// What `issuer` is to `child`: whether its subject is the child's issuer,
/// and whether its key verifies the child's signature.
fn issued(child: &Candidate, issuer: &Candidate) -> (bool, bool) {
    let (Ok((_, child)), Ok((_, issuer))) = (
        X509Certificate::from_der(&child.der),
        X509Certificate::from_der(&issuer.der),
    ) else {
        return (false, false);
    };
    let named = child.issuer().as_raw() == issuer.subject().as_raw();
    (
        named,
        named && child.verify_signature(Some(issuer.public_key())).is_ok(),
    )
}

/// The common name of a certificate's issuer, or its whole name.
fn issuer_name(c: &Candidate) -> String {
    X509Certificate::from_der(&c.der)
        .ok()
        .and_then(|(_, cert)| {
            cert.issuer()
                .iter_common_name()
                .next()
                .and_then(|cn| cn.as_str().ok())
                .map(|cn| crate::text::shown(cn).into_owned())
        })
        .unwrap_or_else(|| c.issuer.clone())
}

/// Finds the certificate for the key whose SubjectPublicKeyInfo is
/// `waiting_spki` among `answer`'s certificates, orders its chain and
/// checks it at `now`; dates are told in `zone`.
pub fn join(
    answer: &[Vec<u8>],
    waiting_spki: &[u8],
    now: Timestamp,
    zone: &TimeZone,
) -> Result<Joined, JoinError> {
    let mut pool: Vec<Candidate> = Vec::new();
    for (i, der) in answer.iter().enumerate() {
        let c = Candidate::parse(der).map_err(|why| JoinError::Unreadable { index: i + 1, why })?;
        // The same certificate twice (Vault's issuing_ca is in ca_chain too).
        if !pool
            .iter()
            .any(|p| p.sha256_fingerprint == c.sha256_fingerprint)
        {
            pool.push(c);
        }
    }
    let Some(at) = pool.iter().position(|c| c.spki == waiting_spki) else {
        let key = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, waiting_spki);
        let given: Vec<String> = pool
            .iter()
            .map(|c| format!("“{}” (SHA-256 {})", c.subject, c.sha256_fingerprint))
            .collect();
        return Err(JoinError::NotForThisKey {
            key: hex(key.as_ref(), ":"),
            given: given.join("; "),
        });
    };
    let leaf = pool.remove(at);
    check_leaf(&leaf, now, zone)?;

    // Up the chain: each step takes the one certificate that signed the
    // last, out of the pool, so a chain that loops ends.
    let mut chain: Vec<Candidate> = Vec::new();
    let complete = loop {
        let last = chain.last().unwrap_or(&leaf);
        if last.self_signed {
            break true;
        }
        let mut named = None;
        let signer = pool.iter().position(|c| {
            let (is_named, signed) = issued(last, c);
            if is_named {
                named = Some(c.subject.clone());
            }
            signed
        });
        match (signer, named) {
            (Some(i), _) => chain.push(pool.remove(i)),
            (None, Some(name)) => return Err(JoinError::BrokenLink { name }),
            (None, None) => break false,
        }
    };
    for c in &chain {
        if c.not_after < now {
            return Err(JoinError::IssuerExpired {
                name: c.subject.clone(),
                day: local_day(c.not_after, zone),
            });
        }
    }

    let ca_name = issuer_name(&leaf);
    let mut notices = vec![format!(
        "Issued by “{ca_name}” for the key waiting here, for client authentication, valid until {}.",
        local_day(leaf.not_after, zone)
    )];
    let top = chain.last().unwrap_or(&leaf);
    if complete {
        let names: Vec<&str> = chain.iter().map(|c| c.subject.as_str()).collect();
        notices.push(format!(
            "Its chain is complete and each link checked: {}.",
            names.join(" → ")
        ));
    } else {
        notices.push(format!(
            "The answer does not hold the certificate of “{}”, which signed {}. If that is an intermediate authority, the server needs it to accept this certificate (it answers “unknown CA” otherwise): ask your CA for the intermediate certificate, or its “chain” or “CA bundle”.",
            top.issuer,
            if chain.is_empty() { "it" } else { "the last certificate of its chain" }
        ));
    }
    if !pool.is_empty() {
        notices.push(format!(
            "{} other certificate(s) in the answer are not part of this certificate's chain and are left out.",
            pool.len()
        ));
    }
    Ok(Joined {
        leaf,
        chain,
        complete,
        ca_name,
        notices,
    })
}

fn check_leaf(leaf: &Candidate, now: Timestamp, zone: &TimeZone) -> Result<(), JoinError> {
    if leaf.not_after < now {
        return Err(JoinError::Expired(local_day(leaf.not_after, zone)));
    }
    if leaf.not_before > now {
        return Err(JoinError::NotYetValid(local_day(leaf.not_before, zone)));
    }
    if leaf.is_authority {
        return Err(JoinError::Authority);
    }
    if !leaf.client_auth {
        return Err(JoinError::NoClientAuth(leaf.purposes.join(", ")));
    }
    Ok(())
}
