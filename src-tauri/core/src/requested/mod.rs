//! Certificates from a company's or a commercial certificate authority: the
//! request (PKCS#10) for a key made here, and the CA's answer — untrusted
//! input — read and joined with that key: the certificate for it found,
//! its chain ordered and each link's signature checked, and what is wrong
//! or missing said in words.
//!
//! `waiting` keeps a request's key in the keychain and its public rest
//! beside the list until the answer comes, then packs the key, the
//! certificate and its chain into a checked .p12.

pub mod answer;
pub mod chain;
pub mod csr;
pub mod destinations;
pub mod waiting;

pub use answer::{certificates, AnswerError, MAX_ANSWER_BYTES, MAX_ANSWER_CERTIFICATES};
pub use chain::{join, JoinError, Joined};
pub use csr::request_pem;
pub use destinations::{destinations, Destination};
pub use waiting::{Completed, RequestError, ToCa, Waiting};

#[cfg(test)]
mod tests;
