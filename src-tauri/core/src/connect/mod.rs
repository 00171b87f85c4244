//! Test a certificate against an API: one real HTTPS request (GET, no body)
//! that presents the certificate, and a verdict in plain words (accepted,
//! refused, not requested, server not trusted, unreachable).
//!
//! The TLS is rustls with the aws-lc-rs provider, the server verified by the
//! system (rustls-platform-verifier); the HTTP is reqwest with the system's
//! proxy settings, no redirects followed, a time limit on the whole request
//! and a size limit on what is read of the answer. A test never changes the
//! certificate or the list.

pub mod identity;
pub mod presented;
pub mod running;
pub mod source;
pub mod target;
pub mod tls;
pub mod verdict;

use std::time::Instant;

pub use identity::Identity;
pub use presented::{test_certificate, Presented, Settings, Tested};
pub use running::{Running, Ticket};
pub use target::{Fingerprint, Target, Timeout};
pub use tls::Trusted;
pub use verdict::{Kind, ServerFacts, Verdict};

use verdict::{Answer, Context, Ending, Failure};

use crate::engine::pkcs12::read::ReadError;

/// At most this much of an answer's body is read (enough for an error
/// page); the rest is never downloaded.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Why a test could not start. Never carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("API address: {0}")]
    Address(String),
    #[error("Trust server fingerprint: {0}")]
    Fingerprint(String),
    #[error("Time limit: {0}")]
    Timeout(String),
    #[error("The certificate file could not be opened: {0}.")]
    File(ReadError),
    #[error("The certificate file holds no private key, so it cannot be presented to a server.")]
    NoKey,
    #[error("The certificate file's private key cannot be used for TLS.")]
    KeyUnusable,
    #[error("The certificate file's private key does not belong to its certificate.")]
    KeyMismatch,
    #[error(
        "This certificate is already being tested; wait for that test to finish or cancel it."
    )]
    AlreadyRunning,
    #[error("The test was cancelled.")]
    Cancelled,
    #[error("The certificate file {path} could not be read: {reason}.")]
    Unreadable { path: String, reason: String },
    #[error("{0}")]
    Listed(crate::listed::ListedError),
    #[error("No certificate named “{0}” is in the list; `authcert list` shows their names.")]
    NotListed(String),
    #[error("The password of “{0}” is not in the keychain: type the file's password to test it.")]
    NeedPassword(String),
    #[error("“{0}” was added from a public certificate, without its private key, so AuthCert cannot present it. Add its .p12 file instead to test it.")]
    PublicOnly(String),
    #[error("The file {0} now holds another certificate than the listed one; test that file with its own password.")]
    OtherFile(String),
    #[error("This file is not in AuthCert's list, so its password is not in the keychain: type its password.")]
    FileNotListed,
    #[error("The proxy settings send this test through an HTTPS proxy ({}). AuthCert does not test through one: the proxy, not the API, would be shown the certificate, and the result would be about the proxy. Exempt the API from the proxy (set NO_PROXY to its host name, or change the system's proxy settings) or test where it is reached directly. The certificate was not sent.", crate::text::shown(.0))]
    HttpsProxy(String),
    #[error("AuthCert could not prepare the test ({0}).")]
    Internal(String),
}

impl ConnectError {
    /// The field a refusal is about, for the window.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            ConnectError::Address(_) => Some("url"),
            ConnectError::Fingerprint(_) => Some("trustServer"),
            ConnectError::Timeout(_) => Some("timeout"),
            ConnectError::File(ReadError::WrongPassword) | ConnectError::NeedPassword(_) => {
                Some("password")
            }
            _ => None,
        }
    }
}

/// One test: where, with what, and which server certificate to trust
/// beyond the system's.
pub struct Test<'a> {
    pub target: &'a Target,
    pub identity: &'a Identity,
    /// This computer's verification of servers (`Trusted::load`).
    pub trusted: &'a tls::Trusted,
    pub trust: Option<Fingerprint>,
    pub timeout: Timeout,
    /// The admin's zone, for the dates in the verdict.
    pub zone: &'a jiff::tz::TimeZone,
    /// The issuing authority on this computer that signed the certificate
    /// (its name): a server that refuses it must be given the authority.
    pub authority: Option<&'a str>,
}

/// Makes the request and judges it. Errors only when the test cannot be
/// set up; everything the server or the network does is a verdict.
pub async fn run(test: Test<'_>) -> Result<Verdict, ConnectError> {
    run_in(&mut Series::default(), test).await
}

/// Tests of one certificate at one server (scheme, host and port) with the
/// same trust, made one after another over the connection the first one
/// opened, as an API client keeps its connection: one handshake for the
/// series, and the facts of that handshake (`tls::Seen`) are every test's.
/// A connection that gave no answer is not used again (see `run_in`).
#[derive(Default)]
pub struct Series {
    watch: tls::Watch,
    /// Offering HTTP/2 and HTTP/1.1, and HTTP/1.1 alone: made when first
    /// needed.
    clients: [Option<reqwest::Client>; 2],
}

impl Series {
    fn client(
        &mut self,
        test: &Test<'_>,
        http1_only: bool,
    ) -> Result<reqwest::Client, ConnectError> {
        let slot = &mut self.clients[usize::from(http1_only)];
        if let Some(c) = slot {
            return Ok(c.clone());
        }
        let made = client(test, &self.watch, http1_only)?;
        *slot = Some(made.clone());
        Ok(made)
    }
}

/// `run` within `series`, whose tests all name the same server and trust.
/// A test that got no HTTP answer ends the series' connection: the next
/// test connects afresh.
pub async fn run_in(series: &mut Series, test: Test<'_>) -> Result<Verdict, ConnectError> {
    let tested = run_on(series, &test).await;
    if !matches!(&tested, Ok(v) if v.http_status.is_some()) {
        *series = Series::default();
    }
    tested
}

async fn run_on(series: &mut Series, test: &Test<'_>) -> Result<Verdict, ConnectError> {
    let watch = series.watch.clone();
    let started = Instant::now();
    let limit = test.timeout.duration();
    let first = series.client(test, false)?;
    let outcome = tokio::time::timeout(limit, request(&first, test.target)).await;
    // A server that wants this request over HTTP/1.1 (IIS, Apache's
    // mod_http2, to ask for the certificate after connecting) says so
    // over HTTP/2: asked again over HTTP/1.1 on a new connection, as curl
    // does.
    let (outcome, again) = match outcome {
        Ok(Err(e)) if http_1_1_required(&e) => {
            let second = series.client(test, true)?;
            let left = limit.saturating_sub(started.elapsed());
            (
                tokio::time::timeout(left, request(&second, test.target)).await,
                true,
            )
        }
        other => (other, false),
    };
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let seen = watch.seen();
    if let Some(proxy) = seen.other_server {
        return Err(ConnectError::HttpsProxy(proxy));
    }
    let (ending, detail) = match outcome {
        Err(_) => (
            Ending::Failed(Failure::TimedOut),
            "the whole request ran past the time limit".to_string(),
        ),
        Ok(Ok(answer)) => {
            let detail = format!("{} {} {}", answer.version, answer.status, answer.reason);
            (Ending::Answered(answer), detail)
        }
        Ok(Err(e)) => {
            let failure = if seen.untrusted.is_some() {
                Failure::Untrusted
            } else {
                failure_of(&e)
            };
            (Ending::Failed(failure), chain(&e))
        }
    };
    let detail = if again {
        format!("Over HTTP/2 the server asked for HTTP/1.1 (HTTP_1_1_REQUIRED); asked again over HTTP/1.1: {detail}")
    } else {
        detail
    };
    let detail = if seen.requested || matches!(ending, Ending::Answered(_)) {
        format!(
            "{detail}. The server {} a client certificate.",
            if seen.requested {
                "asked for"
            } else {
                "did not ask for"
            }
        )
    } else {
        detail
    };
    Ok(verdict::judge(
        ending,
        Context {
            target: test.target,
            zone: test.zone,
            timeout: test.timeout,
            seen,
            certificate_sha256: test.identity.fingerprint().to_string(),
            authority: test.authority,
            detail,
            elapsed_ms,
        },
    ))
}

/// The HTTP client of one series of tests: the TLS configuration (watched
/// by `watch`), no redirects followed, the time limit, one connection kept
/// for the next test of the series (closed when the series ends).
fn client(
    test: &Test<'_>,
    watch: &tls::Watch,
    http1_only: bool,
) -> Result<reqwest::Client, ConnectError> {
    let config = tls::config(
        test.identity.key.clone(),
        test.trusted,
        test.trust,
        &test.target.host(),
        watch,
        http1_only,
    )?;
    let builder = reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(test.timeout.duration())
        .timeout(test.timeout.duration())
        .pool_max_idle_per_host(1)
        .user_agent(concat!(
            "AuthCert/",
            env!("CARGO_PKG_VERSION"),
            " (certificate test)"
        ));
    let builder = if http1_only {
        builder.http1_only()
    } else {
        builder
    };
    builder
        .build()
        .map_err(|e| ConnectError::Internal(chain(&e)))
}

/// The server reset the request over HTTP/2 with HTTP_1_1_REQUIRED.
fn http_1_1_required(e: &reqwest::Error) -> bool {
    errors_of(e).any(|err| {
        err.downcast_ref::<h2::Error>().and_then(h2::Error::reason)
            == Some(h2::Reason::HTTP_1_1_REQUIRED)
    })
}

/// A test as a plain call, for the command line: a runtime of its own on
/// this thread (with blocking threads for opening files).
pub fn block_on<T>(
    work: impl std::future::Future<Output = Result<T, ConnectError>>,
) -> Result<T, ConnectError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ConnectError::Internal(e.to_string()))?;
    runtime.block_on(work)
}

async fn request(client: &reqwest::Client, target: &Target) -> Result<Answer, reqwest::Error> {
    let mut response = client.get(target.url().clone()).send().await?;
    let status = response.status();
    let location = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut body = Vec::new();
    // A refusal can still arrive while the body is read (Apache over TLS
    // 1.3 sends its alert then); a body cut short otherwise is fine.
    while body.len() < MAX_BODY_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk[..chunk.len().min(MAX_BODY_BYTES - body.len())])
            }
            Ok(None) => break,
            Err(e) if alert_in(&e).is_some() => return Err(e),
            Err(_) => break,
        }
    }
    Ok(Answer {
        version: format!("{:?}", response.version()),
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("").to_string(),
        body: String::from_utf8_lossy(&body).into_owned(),
        location,
    })
}

/// The next error in a chain. An io::Error's own `source` skips the error
/// it wraps (tokio-rustls puts rustls errors there, sometimes in two
/// io::Errors), so it is unwrapped first.
fn next_of<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a (dyn std::error::Error + 'static)> {
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        if let Some(inner) = io.get_ref() {
            return Some(inner);
        }
    }
    err.source()
}

/// The errors of a chain, outermost first.
fn errors_of<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(e), |err: &&'a (dyn std::error::Error + 'static)| {
        next_of(*err)
    })
}

/// The first rustls error in an error's chain.
fn rustls_in(e: &(dyn std::error::Error + 'static)) -> Option<rustls::Error> {
    errors_of(e).find_map(|err| err.downcast_ref::<rustls::Error>().cloned())
}

fn alert_in(e: &reqwest::Error) -> Option<rustls::AlertDescription> {
    match rustls_in(e) {
        Some(rustls::Error::AlertReceived(alert)) => Some(alert),
        _ => None,
    }
}

/// The kinds of the io::Errors in a chain.
fn io_kinds(e: &(dyn std::error::Error + 'static)) -> Vec<std::io::ErrorKind> {
    errors_of(e)
        .filter_map(|err| {
            err.downcast_ref::<std::io::Error>()
                .map(std::io::Error::kind)
        })
        .collect()
}

fn failure_of(e: &reqwest::Error) -> Failure {
    if let Some(alert) = alert_in(e) {
        return Failure::Alert {
            alert,
            // A TLS failure while connecting is reqwest's connect error.
            connected: !e.is_connect(),
        };
    }
    let kinds = io_kinds(e);
    if e.is_timeout() || kinds.contains(&std::io::ErrorKind::TimedOut) {
        return Failure::TimedOut;
    }
    if e.is_dns() {
        return Failure::NoSuchName;
    }
    if kinds.contains(&std::io::ErrorKind::ConnectionRefused) {
        return Failure::Refused;
    }
    if chain(e).contains("tunnel") {
        return Failure::Proxy;
    }
    Failure::Other
}

/// An error and its sources, one sentence each: the technical detail.
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for err in errors_of(e) {
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}
