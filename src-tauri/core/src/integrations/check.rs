//! `authcert check` and the window's *Test all*: every integration of the
//! chosen certificates tested at once. The keychain is opened once, each
//! certificate's file once (one key derivation, one keychain read); the
//! integrations then run side by side, at most `CONCURRENCY` requests at a
//! time over all certificates, those at one server in series over one
//! connection, and each verdict is remembered with its integration.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use zeroize::Zeroizing;

use super::IntegrationError;
use crate::clock::Clock;
use crate::connect::source::open_listed;
use crate::connect::{self, ConnectError, Target, Test, Timeout, Verdict};
use crate::ids::Fingerprint;
use crate::keychain::Keychains;
use crate::listed::ListedError;
use crate::store::{LastTest, Record, Store, StoreError};

/// Requests in flight at once: enough for fifty integrations in a few
/// round trips, few enough that no API sees a burst from one admin.
pub const CONCURRENCY: usize = 16;

/// The exit status of `authcert check` when an integration could not be
/// tested at all (its certificate's password not in the keychain, its file
/// moved or replaced); the verdicts keep `authcert test`'s codes.
pub const EXIT_NOT_TESTED: i32 = 8;

/// Which certificates' integrations a check tests. Its Debug never shows
/// a typed password (a derived one would: Zeroizing prints what it holds).
pub enum Chosen {
    /// Every listed certificate's.
    All,
    /// The certificate named (compared as the form compares nicknames).
    Nickname(String),
    /// A listed certificate, opened with `typed` when given (the window
    /// asks once for a password that is not in the keychain).
    Listed {
        id: Fingerprint,
        typed: Option<Zeroizing<String>>,
    },
}

impl std::fmt::Debug for Chosen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Chosen::All => f.write_str("All"),
            Chosen::Nickname(n) => f.debug_tuple("Nickname").field(n).finish(),
            Chosen::Listed { id, typed } => f
                .debug_struct("Listed")
                .field("id", id)
                .field("typed", &typed.as_ref().map(|_| "<redacted>"))
                .finish(),
        }
    }
}

/// One integration's result.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The certificate's nickname.
    pub certificate: String,
    /// The integration's name.
    pub integration: String,
    pub url: String,
    /// The verdict, when the integration was tested.
    pub verdict: Option<Verdict>,
    /// Why it was not tested, when it was not.
    pub not_tested: Option<String>,
    /// It was not tested because its certificate's password is not in the
    /// keychain: typing it would let it be tested.
    pub needs_password: bool,
}

impl Outcome {
    /// `authcert test`'s code for the verdict, or `EXIT_NOT_TESTED`.
    pub fn exit_code(&self) -> i32 {
        self.verdict
            .as_ref()
            .map_or(EXIT_NOT_TESTED, |v| v.verdict.exit_code())
    }
}

/// Every outcome, in the list's order, and whether the list remembered them.
#[derive(Debug)]
pub struct Checked {
    pub outcomes: Vec<Outcome>,
    /// Why the verdicts were not remembered (they stand without it).
    pub not_remembered: Option<StoreError>,
}

impl Checked {
    /// 0 when every integration accepted; otherwise the first code found
    /// in this order: not tested (8), refused (4), asked for later (9),
    /// not requested (5), server not trusted (6), unreachable (7).
    pub fn exit_code(&self) -> i32 {
        let codes: Vec<i32> = self.outcomes.iter().map(Outcome::exit_code).collect();
        [EXIT_NOT_TESTED, 4, 9, 5, 6, 7]
            .into_iter()
            .find(|c| codes.contains(c))
            .unwrap_or(0)
    }
}

/// Tests every integration of the `chosen` certificates, calling `each`
/// with each outcome as it arrives.
pub async fn check(
    store: Store,
    keychains: Keychains,
    chosen: Chosen,
    timeout: Timeout,
    clock: &Clock,
    mut each: impl FnMut(&Outcome),
) -> Result<Checked, IntegrationError> {
    // The system's trusted authorities, read once for every test, while
    // the list, the keychain and the file are read (on Linux a directory
    // of some 150 files: as long as the rest of the start together).
    let mut authorities = Authorities::Loading(tokio::task::spawn_blocking(connect::Trusted::load));
    let (records, mut typed) = {
        let store = store.clone();
        blocking(move || records_of(&store, chosen)).await??
    };
    // One connection to the keychain for every certificate; one that
    // cannot be opened is said by each certificate that needed it.
    let keychains = if records.iter().any(|r| r.keychain_account.is_some()) {
        let system = keychains.clone();
        match blocking(move || system.open()).await? {
            Ok(open) => open.shared(),
            Err(_) => keychains,
        }
    } else {
        keychains
    };
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    // As many rounds of requests as CONCURRENCY alone would take, with
    // fewer handshakes: 50 integrations, 16 at a time, make series of 4.
    let total: usize = records.iter().map(|r| r.integrations.len()).sum();
    let per_series = total.div_ceil(CONCURRENCY).max(1);
    let mut tests = JoinSet::new();
    let (sender, mut arrived) = tokio::sync::mpsc::unbounded_channel();
    // Each outcome with its place: its certificate's, then its integration's.
    let mut outcomes: Vec<((usize, usize), Outcome)> = Vec::new();
    for (n, record) in records.iter().enumerate() {
        let opened = {
            let (store, keychains, record) = (store.clone(), keychains.clone(), record.clone());
            let typed = typed.take();
            let given = typed.is_some();
            (
                given,
                blocking(move || open_listed(&store, &keychains, &record, typed)).await?,
            )
        };
        let identity = match opened {
            (_, Ok(identity)) => Arc::new(identity),
            // A password typed in the window that does not open the file:
            // said at its field, nothing tested.
            (true, Err(e)) => return Err(IntegrationError::Certificate(e)),
            (false, Err(e)) => {
                let needs_password = matches!(
                    e,
                    ConnectError::NeedPassword(_)
                        | ConnectError::Listed(ListedError::NotInKeychain(_))
                );
                let why = not_tested(&e, &record.described.nickname);
                for (i, integration) in record.integrations.iter().enumerate() {
                    let outcome = Outcome {
                        certificate: record.described.nickname.clone(),
                        integration: integration.name.clone(),
                        url: integration.url.clone(),
                        verdict: None,
                        not_tested: Some(why.clone()),
                        needs_password,
                    };
                    each(&outcome);
                    outcomes.push(((n, i), outcome));
                }
                continue;
            }
        };
        let trusted = authorities.read().await?;
        let authority = record.signed_by.as_ref().map(|s| s.name.clone());
        for members in series_of(&record.integrations, per_series) {
            let (permits, identity, authority, trusted, sent) = (
                permits.clone(),
                identity.clone(),
                authority.clone(),
                trusted.clone(),
                sender.clone(),
            );
            let certificate = record.described.nickname.clone();
            let zone = clock.zone.clone();
            tests.spawn(async move {
                // Closed only when dropped, which never happens while tests run.
                let _permit = permits.acquire_owned().await;
                let mut series = connect::Series::default();
                for member in members {
                    let tested = match &member.target {
                        Ok(target) => connect::run_in(
                            &mut series,
                            Test {
                                target,
                                identity: &identity,
                                trusted: &trusted,
                                trust: member.trust,
                                timeout,
                                zone: &zone,
                                authority: authority.as_deref(),
                            },
                        )
                        .await
                        .map_err(|e| e.to_string()),
                        // A list edited by hand.
                        Err(why) => Err(why.clone()),
                    };
                    let (verdict, not_tested) = match tested {
                        Ok(v) => (Some(v), None),
                        Err(why) => (None, Some(why)),
                    };
                    let outcome = Outcome {
                        certificate: certificate.clone(),
                        integration: member.name,
                        url: member.url,
                        verdict,
                        not_tested,
                        needs_password: false,
                    };
                    // Nobody listens once the check is cancelled.
                    if sent.send(((n, member.at), outcome)).is_err() {
                        return;
                    }
                }
            });
        }
    }
    drop(sender);
    while let Some((at, outcome)) = arrived.recv().await {
        each(&outcome);
        outcomes.push((at, outcome));
    }
    while let Some(done) = tests.join_next().await {
        done.map_err(|_| {
            IntegrationError::Certificate(ConnectError::Internal("a test stopped".into()))
        })?;
    }
    outcomes.sort_by_key(|(at, _)| *at);
    let outcomes: Vec<Outcome> = outcomes.into_iter().map(|(_, o)| o).collect();
    let not_remembered = {
        let results = remembered(&records, &outcomes, clock);
        blocking(move || remember(&store, results).err()).await?
    };
    Ok(Checked {
        outcomes,
        not_remembered,
    })
}

/// One integration in a series: its place in its certificate's list.
#[derive(Debug)]
struct Member {
    at: usize,
    name: String,
    url: String,
    /// Or why its address does not read (a list edited by hand).
    target: Result<Target, String>,
    trust: Option<Fingerprint>,
}

/// The integrations of one certificate in series of at most `per_series`
/// (in the list's order): those at one server (scheme, host and port) with
/// the same trust share a connection (`connect::Series`); an address that
/// does not read stands alone.
fn series_of(integrations: &[crate::store::Integration], per_series: usize) -> Vec<Vec<Member>> {
    // A server (its origin) and the trust given it; None: no address.
    type Server = Option<(String, Option<Fingerprint>)>;
    let mut groups: Vec<(Server, Vec<Member>)> = Vec::new();
    for (at, integration) in integrations.iter().enumerate() {
        let target = Target::parse(&integration.url).map_err(|e| e.to_string());
        let key = target.as_ref().ok().map(|t| {
            (
                t.url().origin().ascii_serialization(),
                integration.trust_server,
            )
        });
        let member = Member {
            at,
            name: integration.name.clone(),
            url: integration.url.clone(),
            target,
            trust: integration.trust_server,
        };
        match groups
            .iter_mut()
            .find(|(k, m)| key.is_some() && *k == key && m.len() < per_series)
        {
            Some((_, members)) => members.push(member),
            None => groups.push((key, vec![member])),
        }
    }
    groups.into_iter().map(|(_, members)| members).collect()
}

/// The system's trusted authorities: being read, then read.
enum Authorities {
    Loading(tokio::task::JoinHandle<connect::Trusted>),
    Read(connect::Trusted),
}

impl Authorities {
    async fn read(&mut self) -> Result<connect::Trusted, IntegrationError> {
        let read = match self {
            Authorities::Read(trusted) => return Ok(trusted.clone()),
            Authorities::Loading(loading) => loading.await.map_err(|_| {
                IntegrationError::Certificate(ConnectError::Internal(
                    "the trusted authorities could not be read".into(),
                ))
            })?,
        };
        *self = Authorities::Read(read.clone());
        Ok(read)
    }
}

/// The records whose integrations are checked, and the password typed
/// for one of them.
type Records = (Vec<Record>, Option<Zeroizing<String>>);

fn records_of(store: &Store, chosen: Chosen) -> Result<Records, IntegrationError> {
    let (record, typed) = match chosen {
        Chosen::Nickname(nickname) => (
            connect::source::find_by_nickname(store, &nickname)
                .map_err(IntegrationError::Certificate)?,
            None,
        ),
        Chosen::Listed { id, typed } => (store.get(&id)?, typed),
        Chosen::All => {
            let records: Vec<Record> = store
                .load()?
                .records
                .into_iter()
                .filter(|r| !r.integrations.is_empty())
                .collect();
            if records.is_empty() {
                return Err(IntegrationError::NoneAtAll);
            }
            return Ok((records, None));
        }
    };
    if record.integrations.is_empty() {
        return Err(IntegrationError::NoneFor(super::shown(
            &record.described.nickname,
        )));
    }
    Ok((vec![record], typed))
}

/// Why a certificate's integrations were not tested, in words for a
/// scheduler's log and the window alike.
fn not_tested(e: &ConnectError, nickname: &str) -> String {
    match e {
        ConnectError::NeedPassword(_) | ConnectError::Listed(ListedError::NotInKeychain(_)) => format!(
            "The password of “{}” is not in the keychain, so AuthCert cannot open its file without you: type the password to test now (Test all in its details asks for it), or keep it in the keychain to check it on a schedule.",
            crate::text::shown(nickname)
        ),
        other => other.to_string(),
    }
}

/// Each tested integration's last test, by certificate.
fn remembered(
    records: &[Record],
    outcomes: &[Outcome],
    clock: &Clock,
) -> Vec<(Fingerprint, Vec<(String, LastTest)>)> {
    records
        .iter()
        .map(|r| {
            let tests = outcomes
                .iter()
                .filter(|o| o.certificate == r.described.nickname)
                .filter_map(|o| {
                    let v = o.verdict.as_ref()?;
                    Some((o.integration.clone(), v.last_test(clock.now)))
                })
                .collect();
            (r.described.sha256_fingerprint, tests)
        })
        .collect()
}

/// Writes each verdict to its integration (by name and address: one the
/// admin changed meanwhile keeps its own), one change per certificate; the
/// last of them is the certificate's last test too, as the details say.
fn remember(
    store: &Store,
    results: Vec<(Fingerprint, Vec<(String, LastTest)>)>,
) -> Result<(), StoreError> {
    for (id, tests) in results.into_iter().filter(|(_, t)| !t.is_empty()) {
        let written = store.edit(&id, |r| {
            let replacement = r.replaces.is_some();
            r.last_test = tests.last().map(|(_, last)| last.clone());
            for (name, last) in tests {
                if let Some(i) = r
                    .integrations
                    .iter_mut()
                    .find(|i| i.name == name && i.url == last.url)
                {
                    i.tested(last, replacement);
                }
            }
            Ok::<(), StoreError>(())
        });
        match written {
            // Taken off the list while it was checked: nothing to remember.
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Runs `f` on a blocking thread of the runtime the check runs on.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, IntegrationError> {
    tokio::task::spawn_blocking(f).await.map_err(|_| {
        IntegrationError::Certificate(ConnectError::Internal("the list could not be read".into()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::integration as at;
    use crate::store::Integration;

    fn names(series: &[Vec<Member>]) -> Vec<Vec<&str>> {
        series
            .iter()
            .map(|s| s.iter().map(|m| m.name.as_str()).collect())
            .collect()
    }

    #[test]
    fn one_server_with_one_trust_makes_series_of_at_most_the_length_given() {
        let mut list: Vec<Integration> = (0..5)
            .map(|i| at(&format!("A{i}"), &format!("https://a.example/{i}")))
            .collect();
        list.push(at("B", "https://b.example:8443/"));
        // The same server as A's, its port written out.
        list.push(at("A again", "https://a.example:443/again"));
        let mut pinned = at("A pinned", "https://a.example/pinned");
        pinned.trust_server = Some(Fingerprint::parse(&"ab".repeat(32)).unwrap());
        list.push(pinned);
        list.push(at("Broken", "http://a.example/"));
        let series = series_of(&list, 4);
        assert_eq!(
            names(&series),
            [
                vec!["A0", "A1", "A2", "A3"],
                vec!["A4", "A again"],
                vec!["B"],
                vec!["A pinned"],
                vec!["Broken"],
            ]
        );
        assert!(series[4][0].target.is_err());
        assert_eq!(series[1][1].at, 6);
        // One at a time: each alone, in the list's order.
        let alone = series_of(&list, 1);
        assert_eq!(alone.len(), list.len());
        assert!(alone.iter().enumerate().all(|(i, s)| s[0].at == i));
    }
}
