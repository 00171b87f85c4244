//! What a test found, in plain words: one of five verdicts, what to do
//! next, and the technical detail for the admin's IT colleague. Made from
//! what the handshake showed (tls::Seen) and how the request ended; never
//! from a secret.

use rustls::{AlertDescription, CertificateError};
use serde::Serialize;

use super::target::{Fingerprint, Target, Timeout};
use super::tls::Seen;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Accepted,
    Refused,
    NotRequested,
    ServerUntrusted,
    Unreachable,
}

impl Kind {
    /// The command line's exit status for this verdict (documented in
    /// `authcert test --help`): 0 only when the certificate was accepted.
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Accepted => 0,
            Kind::Refused => 4,
            Kind::NotRequested => 5,
            Kind::ServerUntrusted => 6,
            Kind::Unreachable => 7,
        }
    }

    /// One word or two, for the list and the details.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Accepted => "accepted",
            Kind::Refused => "refused",
            Kind::NotRequested => "not requested",
            Kind::ServerUntrusted => "server not trusted",
            Kind::Unreachable => "unreachable",
        }
    }

    pub fn headline(self) -> &'static str {
        match self {
            Kind::Accepted => "Accepted: the API took this certificate",
            Kind::Refused => "Refused: the API does not accept this certificate",
            Kind::NotRequested => "Not requested: the API did not ask for a certificate",
            Kind::ServerUntrusted => {
                "Server not trusted: AuthCert could not confirm who the server is"
            }
            Kind::Unreachable => "Unreachable: AuthCert could not reach the API",
        }
    }
}

/// The server's own certificate, as the admin may compare it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerFacts {
    pub subject: String,
    pub issuer: String,
    /// RFC 3339, UTC.
    pub not_after: String,
    /// SHA-256, colon-separated upper-case hex: what `--trust-server` takes.
    pub sha256: String,
    /// The expiry in this computer's time zone, for people.
    pub expires: String,
}

impl ServerFacts {
    pub fn of(der: &[u8]) -> ServerFacts {
        use x509_parser::prelude::FromDer;
        let sha256 = Fingerprint::of(der).to_string();
        match x509_parser::certificate::X509Certificate::from_der(der) {
            Ok((_, cert)) => {
                let not_after =
                    jiff::Timestamp::from_second(cert.validity().not_after.timestamp()).ok();
                // The server's names, safe to show (crate::text).
                ServerFacts {
                    subject: crate::text::shown(&cert.subject().to_string()).into_owned(),
                    issuer: crate::text::shown(&cert.issuer().to_string()).into_owned(),
                    not_after: not_after.map(|t| t.to_string()).unwrap_or_default(),
                    expires: not_after
                        .map(|t| crate::overview::local_time(t, &crate::platform::zone::system()))
                        .unwrap_or_default(),
                    sha256,
                }
            }
            Err(_) => ServerFacts {
                subject: "(unreadable)".into(),
                issuer: "(unreadable)".into(),
                not_after: String::new(),
                expires: String::new(),
                sha256,
            },
        }
    }
}

/// The outcome of one test. Serialized as `authcert test --json` prints it
/// and as the window shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Verdict {
    pub verdict: Kind,
    pub headline: String,
    /// What happened and what to do next, in plain words.
    pub message: String,
    pub http_status: Option<u16>,
    /// "404 Not Found".
    pub status_line: Option<String>,
    pub url: String,
    /// Whether the server asked for a client certificate.
    pub certificate_requested: bool,
    /// The issuers the server said it accepts, when it said.
    pub acceptable_issuers: Vec<String>,
    /// The SHA-256 fingerprint of the certificate presented.
    pub certificate_sha256: String,
    pub server: Option<ServerFacts>,
    /// The server was trusted only because its fingerprint was given.
    pub server_trusted_by_fingerprint: bool,
    /// The technical detail (library errors, alerts), for IT.
    pub detail: String,
    pub elapsed_ms: u64,
}

impl Verdict {
    /// What the list remembers of it.
    pub fn last_test(&self) -> crate::store::LastTest {
        crate::store::LastTest {
            verdict: self.verdict,
            url: self.url.clone(),
            http_status: self.http_status,
            at: jiff::Timestamp::now(),
        }
    }
}

/// An HTTP answer, as far as the verdict cares.
pub struct Answer {
    pub status: u16,
    pub reason: String,
    /// The start of the answer's body (for nginx's and IIS's pages).
    pub body: String,
    pub location: Option<String>,
}

/// How the request ended.
pub enum Ending {
    Answered(Answer),
    Failed(Failure),
}

/// A request that got no HTTP answer.
pub enum Failure {
    Alert(AlertDescription),
    Untrusted,
    TimedOut,
    NoSuchName,
    Refused,
    Proxy,
    Other,
}

pub struct Context<'a> {
    pub target: &'a Target,
    pub timeout: Timeout,
    pub seen: Seen,
    pub certificate_sha256: String,
    pub detail: String,
    pub elapsed_ms: u64,
}

pub fn judge(ending: Ending, cx: Context<'_>) -> Verdict {
    let host = cx.target.host();
    let port = cx.target.port();
    let register = "Register the public certificate with the service (AuthCert's Export public certificate gives you the file to send, once the certificate is downloaded), or ask its administrator which certificates it trusts.";
    let issuers_note = if cx.seen.acceptable_issuers.is_empty() {
        String::new()
    } else {
        format!(
            " The server said it accepts certificates from: {}.",
            cx.seen.acceptable_issuers.join("; ")
        )
    };
    let (kind, message, http) = match ending {
        Ending::Answered(Answer {
            status,
            reason,
            body,
            location,
        }) => {
            let line = format!("{status} {reason}").trim().to_string();
            let nginx_refusal = status == 400
                && (body.contains("No required SSL certificate was sent")
                    || body.contains("The SSL certificate error"));
            let iis_refusal = status == 403 && (body.contains("403.7") || body.contains("403.16"));
            let (kind, words) = if !cx.seen.requested {
                (
                    Kind::NotRequested,
                    format!("The server answered “{line}” without ever asking for a client certificate, so this test says nothing about the certificate. This address does not check certificates: ask the service which address (often another host name or port) expects them."),
                )
            } else if nginx_refusal {
                (
                    Kind::Refused,
                    format!("The server received the certificate and answered “{line}”: {}. It does not trust this certificate yet.{issuers_note} {register}",
                        if body.contains("No required SSL certificate was sent") { "“No required SSL certificate was sent”" } else { "“The SSL certificate error”" }),
                )
            } else if iis_refusal {
                (
                    Kind::Refused,
                    format!(
                        "The server (IIS) answered “{line}”: {}.{issuers_note} {register}",
                        if body.contains("403.16") {
                            "403.16, the certificate is not trusted or not valid"
                        } else {
                            "403.7, a client certificate is required"
                        }
                    ),
                )
            } else if status == 401 || status == 403 {
                (
                    Kind::Refused,
                    format!("The server asked for a certificate, received this one, and answered “{line}”: it does not let this certificate in. Usually the service does not know this certificate yet.{issuers_note} {register}"),
                )
            } else if (300..400).contains(&status) {
                (
                    Kind::Accepted,
                    format!("The server took the certificate and answered “{line}”, a redirect{}. The certificate works; use the address it points to in your API client.",
                        location.map(|l| format!(" to {}", l.chars().take(200).collect::<String>())).unwrap_or_default()),
                )
            } else if status == 404 {
                (
                    Kind::Accepted,
                    format!("The certificate works: the server took it. But the path was not found (“{line}”): check the part of the address after {host}."),
                )
            } else if (500..600).contains(&status) {
                (
                    Kind::Accepted,
                    format!("The server took the certificate, then failed with “{line}”: a problem on the service's side, not with the certificate."),
                )
            } else if (400..500).contains(&status) {
                (
                    Kind::Accepted,
                    format!("The server took the certificate and answered “{line}”: that is about the request AuthCert sent (a plain GET with no body), not about the certificate."),
                )
            } else {
                (
                    Kind::Accepted,
                    format!("The server asked for a client certificate, took this one, and answered “{line}”. Your API client can use this file as it is."),
                )
            };
            (kind, words, Some((status, line)))
        }
        Ending::Failed(failure) => {
            let (kind, message) = failed(failure, &cx, &host, port, &issuers_note, register);
            (kind, message, None)
        }
    };
    let message = if cx.seen.trusted_by_fingerprint && kind == Kind::Accepted {
        format!("{message} This computer does not trust the server's certificate; it was trusted for this test only because you gave its fingerprint, so your API client must be told to trust it too.")
    } else {
        message
    };
    let server = cx.seen.server_certificate.as_deref().map(ServerFacts::of);
    Verdict {
        verdict: kind,
        headline: kind.headline().to_string(),
        message,
        http_status: http.as_ref().map(|(s, _)| *s),
        status_line: http.map(|(_, l)| l),
        url: cx.target.to_string(),
        certificate_requested: cx.seen.requested,
        acceptable_issuers: cx.seen.acceptable_issuers.clone(),
        certificate_sha256: cx.certificate_sha256,
        server,
        server_trusted_by_fingerprint: cx.seen.trusted_by_fingerprint,
        detail: cx.detail,
        elapsed_ms: cx.elapsed_ms,
    }
}

fn failed(
    failure: Failure,
    cx: &Context<'_>,
    host: &str,
    port: u16,
    issuers_note: &str,
    register: &str,
) -> (Kind, String) {
    match failure {
        Failure::Untrusted => {
            let why = cx
                .seen
                .untrusted
                .as_ref()
                .map(untrusted_words)
                .unwrap_or_else(|| "its certificate could not be verified".into());
            (
                Kind::ServerUntrusted,
                format!("AuthCert stopped before presenting anything: {why}, so this computer cannot confirm that it is really {host}. If this is a server you know (a test server, or one with a company certificate), compare the fingerprint below with the one its administrator gives you, and trust it for this test only."),
            )
        }
        Failure::Alert(alert) => match alert_words(alert, cx.seen.requested) {
            Some(words) => (Kind::Refused, format!("{words}{issuers_note} {register}")),
            None => (
                Kind::Unreachable,
                format!("The server ended the secure connection (TLS alert “{alert:?}”) before anything about the certificate was decided: the two sides could not agree on how to connect. Give the details below to the service's administrator."),
            ),
        },
        Failure::TimedOut => (
            Kind::Unreachable,
            format!("{host} did not answer within {} seconds. Check the address and port, that the service is running, and that no firewall blocks it.", cx.timeout.seconds()),
        ),
        Failure::NoSuchName => (
            Kind::Unreachable,
            format!("The name “{host}” could not be found. Check its spelling, and that this computer is on the network (or VPN) where the API lives."),
        ),
        Failure::Refused => (
            Kind::Unreachable,
            format!("Nothing accepts connections at {host} port {port} (connection refused). Check the port in the address and that the service is running."),
        ),
        Failure::Proxy => (
            Kind::Unreachable,
            "The proxy server this computer uses refused to connect to this address. Ask your network administrator whether the proxy allows it, or test from a network without the proxy.".into(),
        ),
        Failure::Other => (
            Kind::Unreachable,
            format!("The connection to {host} failed before an answer came back. The details below say how."),
        ),
    }
}

/// What a TLS alert from the server means for the certificate; `None` when
/// it is not about the certificate.
fn alert_words(alert: AlertDescription, requested: bool) -> Option<String> {
    let text = match alert {
        AlertDescription::UnknownCA => "The server does not trust the authority that signed this certificate (TLS alert “unknown CA”). For a certificate made by AuthCert without an authority, this means the service does not know this certificate yet.",
        AlertDescription::CertificateRequired => "The server requires a client certificate and says it did not receive one it could use (TLS alert “certificate required”).",
        AlertDescription::BadCertificate => "The server found this certificate unusable (TLS alert “bad certificate”): it may not trust it, or its signature or purpose does not suit the server.",
        AlertDescription::CertificateExpired => "The server says this certificate has expired (TLS alert “certificate expired”). Check its dates, and the server's clock.",
        AlertDescription::CertificateRevoked => "The server says this certificate was revoked (TLS alert “certificate revoked”): make a new one.",
        AlertDescription::AccessDenied => "The server knows the certificate's signer but denies this certificate access (TLS alert “access denied”).",
        AlertDescription::CertificateUnknown | AlertDescription::UnsupportedCertificate => "The server could not accept this certificate (TLS alert “certificate unknown”).",
        AlertDescription::HandshakeFailure | AlertDescription::DecryptError if requested => "The server ended the secure connection after receiving the certificate (TLS alert “handshake failure”): it most likely does not accept it.",
        _ => return None,
    };
    Some(text.to_string())
}

fn untrusted_words(e: &rustls::Error) -> String {
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            CertificateError::UnknownIssuer => {
                "its certificate was issued by an authority this computer does not trust".into()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "its certificate is made out for another name".into()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "its certificate has expired".into()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "its certificate is not valid yet (or this computer's clock is off)".into()
            }
            CertificateError::Revoked => "its certificate was revoked".into(),
            CertificateError::BadSignature | CertificateError::BadEncoding => {
                "its certificate is damaged or badly signed".into()
            }
            _ => "its certificate could not be verified".into(),
        },
        _ => "its certificate could not be verified".into(),
    }
}
