//! A test of a certificate that is not the one waiting to be downloaded, in
//! one call: the certificate found (listed, by id or nickname, or a file),
//! opened with a typed password or the keychain's, tested, and for a listed
//! one the verdict remembered in the list.

use std::path::PathBuf;

use zeroize::Zeroizing;

use super::source::{find_by_nickname, listed_at, open_file, open_listed};
use super::{run, ConnectError, Fingerprint, Identity, Target, Test, Timeout, Verdict};
use crate::clock::Clock;
use crate::keychain::Keychains;
use crate::store::{Record, Store, StoreError};

/// Which certificate a test presents.
#[derive(Debug, Clone)]
pub enum Presented {
    /// A listed certificate, by its id.
    Listed(Fingerprint),
    /// A listed certificate, by its nickname (compared as the form does).
    Nickname(String),
    /// A `.p12` file; without a typed password, it must be listed (its
    /// password is then the keychain's).
    File(PathBuf),
}

/// Where and how to test.
#[derive(Debug, Clone)]
pub struct Settings {
    pub target: Target,
    /// A server certificate to trust beyond the system's.
    pub trust: Option<Fingerprint>,
    pub timeout: Timeout,
}

/// A verdict, and whether the list remembered it.
#[derive(Debug)]
pub struct Tested {
    pub verdict: Verdict,
    /// Why the list did not remember the verdict (the verdict stands).
    pub not_remembered: Option<StoreError>,
}

/// Tests `presented` as `settings` say. Opening the file (PBKDF2, a
/// keychain call) and remembering the verdict run on blocking threads.
pub async fn test_certificate(
    store: Store,
    keychains: Keychains,
    presented: Presented,
    typed: Option<Zeroizing<String>>,
    settings: &Settings,
    clock: &Clock,
) -> Result<Tested, ConnectError> {
    let opened = {
        let store = store.clone();
        blocking(move || open(&store, &keychains, &presented, typed)).await?
    };
    let (identity, record) = opened;
    let authority = record
        .as_ref()
        .and_then(|r| r.signed_by.as_ref())
        .map(|s| s.name.clone());
    let trusted = blocking(|| Ok(super::Trusted::load())).await?;
    let verdict = run(Test {
        target: &settings.target,
        identity: &identity,
        trusted: &trusted,
        trust: settings.trust,
        timeout: settings.timeout,
        zone: &clock.zone,
        authority: authority.as_deref(),
    })
    .await?;
    drop(identity);
    let Some(record) = record else {
        return Ok(Tested {
            verdict,
            not_remembered: None,
        });
    };
    let last = verdict.last_test(clock.now);
    let remembered = blocking(move || {
        Ok(store
            .set_last_test(&record.described.sha256_fingerprint, last)
            .err())
    })
    .await?;
    Ok(Tested {
        verdict,
        not_remembered: remembered,
    })
}

/// The certificate, opened, and its record when it is listed.
fn open(
    store: &Store,
    keychains: &Keychains,
    presented: &Presented,
    typed: Option<Zeroizing<String>>,
) -> Result<(Identity, Option<Record>), ConnectError> {
    let record = match presented {
        Presented::Listed(id) => store.get(id)?,
        Presented::Nickname(name) => find_by_nickname(store, name)?,
        Presented::File(path) => match typed {
            Some(password) => return Ok((open_file(path, &password)?, None)),
            None => listed_at(store, path).ok_or(ConnectError::FileNotListed)?,
        },
    };
    let identity = open_listed(store, keychains, &record, typed)?;
    Ok((identity, Some(record)))
}

/// Runs `f` on a blocking thread of the runtime the test runs on.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ConnectError> + Send + 'static,
) -> Result<T, ConnectError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ConnectError::Internal("the certificate could not be opened".into()))?
}
