//! A replacement's starting values: the old certificate's settings and a
//! nickname free in the list.

use serde::Serialize;

use crate::engine::{Choice, SignerKind};
use crate::ids::Fingerprint;
use crate::store::{self, Store, StoreError};

/// The form's starting values for a replacement: the same settings and a
/// free nickname.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Replacement {
    pub replaces: String,
    /// The old certificate's id: saved, the replacement takes over its
    /// integrations.
    pub replaces_id: Fingerprint,
    /// What replacing means, in words, for the form.
    pub note: String,
    pub nickname: String,
    pub key_type: &'static str,
    pub signature_hash: &'static str,
    pub encryption: &'static str,
    /// Signed by the same authority when it is still on this computer; a
    /// certificate from another CA is replaced by a new request to it.
    pub signed_by: &'static str,
}

/// The settings of the certificate `id` with a nickname free in the list
/// and beside `pending` (a certificate waiting to be saved).
pub fn replacement(
    store: &Store,
    id: &Fingerprint,
    pending: Option<&str>,
) -> Result<Replacement, StoreError> {
    let records = store.load()?.records;
    // An unreadable authority file makes the replacement self-signed; the
    // form then says why when the admin picks the authority.
    let authority = crate::authority::load(store).ok().flatten();
    let old = records
        .iter()
        .find(|r| r.described.sha256_fingerprint == *id)
        .ok_or(StoreError::NotFound)?;
    let requests: Vec<String> = crate::requested::waiting::list(store)
        .unwrap_or_default()
        .into_iter()
        .map(|w| w.nickname)
        .collect();
    let taken = records
        .iter()
        .map(|r| r.described.nickname.as_str())
        .chain(requests.iter().map(String::as_str))
        .chain(pending);
    let note = match old.integrations.len() {
        0 => format!("Replacing “{}” with the same settings. The old certificate stays in the list until you remove it, so switch your integrations over first.", old.described.nickname),
        n => format!("Replacing “{}” with the same settings. Its {} come{} along to the new certificate, each to move: its details list them until a test at each address is accepted. The old certificate stays in the list until you remove it.",
            old.described.nickname,
            if n == 1 { "integration".to_string() } else { format!("{n} integrations") },
            if n == 1 { "s" } else { "" }),
    };
    Ok(Replacement {
        note,
        replaces_id: old.described.sha256_fingerprint,
        replaces: old.described.nickname.clone(),
        nickname: store::replacement_nickname(&old.described.nickname, taken),
        key_type: old.described.key_type.token(),
        signature_hash: old.described.signature_hash.token(),
        encryption: old.described.encryption.token(),
        signed_by: if old.requested_from.is_some() {
            // A new request to the same CA.
            SignerKind::Ca.token()
        } else if authority.is_some_and(|a| a.signed(old)) {
            SignerKind::Authority.token()
        } else {
            SignerKind::SelfSigned.token()
        },
    })
}
