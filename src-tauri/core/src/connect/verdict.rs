//! What a test found, in plain words: one of five verdicts, what to do
//! next, and the technical detail for the admin's IT colleague. Made from
//! what the handshake showed (tls::Seen) and how the request ended; never
//! from a secret.

use jiff::tz::TimeZone;
use jiff::Timestamp;
use rustls::{AlertDescription, CertificateError};
use serde::Serialize;

use super::target::{Fingerprint, Target, Timeout};
use super::tls::Seen;

use crate::clock::local_time;
use crate::store::LastTest;
pub use crate::tested::Kind;

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
    /// The facts of the server certificate `der`; its expiry read in `zone`.
    pub fn of(der: &[u8], zone: &TimeZone) -> ServerFacts {
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
                    expires: not_after.map(|t| local_time(t, zone)).unwrap_or_default(),
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
    /// What the list remembers of it, made `at`.
    pub fn last_test(&self, at: Timestamp) -> LastTest {
        LastTest {
            verdict: self.verdict,
            url: self.url.clone(),
            http_status: self.http_status,
            at,
        }
    }
}

/// An HTTP answer, as far as the verdict cares.
pub struct Answer {
    /// "HTTP/1.1", "HTTP/2.0": for the detail.
    pub version: String,
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
    /// A TLS alert from the server; `connected`: it came after the
    /// connection was made (while the answer was awaited).
    Alert {
        alert: AlertDescription,
        connected: bool,
    },
    Untrusted,
    TimedOut,
    NoSuchName,
    Refused,
    Proxy,
    Other,
}

pub struct Context<'a> {
    pub target: &'a Target,
    /// The admin's zone, for the server certificate's expiry.
    pub zone: &'a TimeZone,
    pub timeout: Timeout,
    pub seen: Seen,
    pub certificate_sha256: String,
    /// The authority on this computer that signed the certificate.
    pub authority: Option<&'a str>,
    pub detail: String,
    pub elapsed_ms: u64,
}

/// What to do about a refusal: the server must come to trust the
/// certificate, or the authority that signed it.
fn register(authority: Option<&str>) -> String {
    match authority {
        Some(name) => format!("Give the service the certificate of your issuing authority “{}” (Export on AuthCert's Authority screen, or `authcert authority export --out FILE.pem`) to add to the authorities it trusts for client certificates: then it accepts every certificate the authority signs, replacements included.", crate::text::shown(name)),
        None => "Register the public certificate with the service (AuthCert's Export public certificate gives you the file to send, once the certificate is downloaded), or ask its administrator which certificates it trusts.".into(),
    }
}

pub fn judge(ending: Ending, cx: Context<'_>) -> Verdict {
    let host = cx.target.host();
    let port = cx.target.port();
    let register = register(cx.authority);
    let register = register.as_str();
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
            ..
        }) => {
            let line = format!("{status} {reason}").trim().to_string();
            let nginx_refusal = status == 400
                && (body.contains("No required SSL certificate was sent")
                    || body.contains("The SSL certificate error"));
            let iis_refusal = status == 403 && (body.contains("403.7") || body.contains("403.16"));
            let (kind, words) = if !cx.seen.requested && status == 403 {
                (
                    Kind::RequestedLater,
                    later_words(&format!("answered “{line}”"), cx.seen.tls13),
                )
            } else if !cx.seen.requested {
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
        format!("{message} This computer does not trust the server's certificate; it was trusted only because you gave its fingerprint (for this test, or kept with the integration), so your API client must be told to trust it too.")
    } else {
        message
    };
    let server = cx
        .seen
        .server_certificate
        .as_deref()
        .map(|der| ServerFacts::of(der, cx.zone));
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
        Failure::Alert {
            alert,
            connected: true,
        } if !cx.seen.requested => (
            Kind::RequestedLater,
            later_words(
                &format!("ended the connection (TLS alert “{alert:?}”) instead of answering"),
                cx.seen.tls13,
            ),
        ),
        Failure::Alert { alert, .. } => match alert_words(alert, cx.seen.requested) {
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
/// What a server that asks for the certificate only after connecting
/// looks like, and what to do: the server `did` so, over TLS 1.3 or 1.2.
fn later_words(did: &str, tls13: Option<bool>) -> String {
    let how = match tls13 {
        Some(true) => "with TLS 1.3 post-handshake authentication",
        Some(false) => "by renegotiating the TLS 1.2 connection",
        None => "by TLS 1.3 post-handshake authentication or TLS 1.2 renegotiation",
    };
    format!("The server {did} without asking for a client certificate while connecting. Either this address does not check certificates, or the server asks for one only for this address, after the connection has started ({how}: Apache's SSLVerifyClient inside a <Location> or <Directory>, IIS), which AuthCert's test cannot answer. Most API clients (curl, Postman, .NET, Java) do answer it, so the certificate may well work there; to check with curl: curl --cert-type P12 --cert FILE.p12:PASSWORD URL. Or ask the service's administrator to ask for the certificate when connecting (for Apache: SSLVerifyClient at the server or virtual host level).")
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        Target::parse("https://api.example.com:8443/health").unwrap()
    }

    fn seen(requested: bool) -> Seen {
        Seen {
            requested,
            ..Seen::default()
        }
    }

    fn judged(ending: Ending, seen: Seen) -> Verdict {
        let target = target();
        judge(
            ending,
            Context {
                target: &target,
                zone: &TimeZone::UTC,
                timeout: Timeout::default(),
                seen,
                certificate_sha256: "AA:BB".into(),
                authority: None,
                detail: "HTTP 200 OK".into(),
                elapsed_ms: 12,
            },
        )
    }

    fn answer(status: u16, body: &str, location: Option<&str>) -> Ending {
        Ending::Answered(Answer {
            version: "HTTP/1.1".into(),
            status,
            reason: "Reason".into(),
            body: body.into(),
            location: location.map(str::to_string),
        })
    }

    #[test]
    fn an_answer_after_the_certificate_was_asked_for_is_accepted() {
        let v = judged(answer(200, "", None), seen(true));
        assert_eq!(v.verdict, Kind::Accepted);
        assert_eq!(v.http_status, Some(200));
        assert_eq!(v.status_line.as_deref(), Some("200 Reason"));
        assert!(
            v.message.contains("can use this file as it is"),
            "{}",
            v.message
        );
        assert_eq!(v.headline, Kind::Accepted.headline());
        assert_eq!(v.url, "https://api.example.com:8443/health");
        assert_eq!((v.certificate_sha256.as_str(), v.elapsed_ms), ("AA:BB", 12));
        for (status, words) in [
            (404, "the path was not found"),
            (500, "a problem on the service's side"),
            (400, "a plain GET with no body"),
        ] {
            let v = judged(answer(status, "", None), seen(true));
            assert_eq!(v.verdict, Kind::Accepted, "{status}");
            assert!(v.message.contains(words), "{status}: {}", v.message);
        }
    }

    /// A server that asks for the certificate only after connecting (Apache
    /// per <Location>, IIS) answers 403 or ends the connection with an
    /// alert: never "not requested", and the words name the TLS version's
    /// way of asking and how to check with curl.
    #[test]
    fn a_refusal_without_a_request_may_be_a_request_made_later() {
        let mut tls13 = seen(false);
        tls13.tls13 = Some(true);
        let v = judged(answer(403, "Forbidden", None), tls13);
        assert_eq!(v.verdict, Kind::RequestedLater);
        assert_eq!(v.verdict.exit_code(), 9);
        assert!(v.message.contains("answered “403 Reason”"), "{}", v.message);
        assert!(v.message.contains("TLS 1.3 post-handshake authentication"));
        assert!(v.message.contains("curl --cert-type P12"));
        let mut tls12 = seen(false);
        tls12.tls13 = Some(false);
        let alert = || {
            Ending::Failed(Failure::Alert {
                alert: AlertDescription::HandshakeFailure,
                connected: true,
            })
        };
        let v = judged(alert(), tls12.clone());
        assert_eq!(v.verdict, Kind::RequestedLater);
        assert!(
            v.message.contains("renegotiating the TLS 1.2 connection"),
            "{}",
            v.message
        );
        assert!(v.message.contains("TLS alert “HandshakeFailure”"));
        // Asked for while connecting: the alert is about the certificate.
        let mut asked = tls12;
        asked.requested = true;
        assert_eq!(judged(alert(), asked).verdict, Kind::Refused);
    }

    #[test]
    fn an_answer_without_a_request_for_a_certificate_says_nothing_about_it() {
        for status in [200, 401, 500] {
            let v = judged(answer(status, "", None), seen(false));
            assert_eq!(v.verdict, Kind::NotRequested, "{status}");
            assert!(v.message.contains("without ever asking"), "{}", v.message);
            assert!(!v.certificate_requested);
        }
    }

    #[test]
    fn refusals_of_nginx_iis_and_plain_http_name_what_to_do() {
        let mut with_issuers = seen(true);
        with_issuers.acceptable_issuers = vec!["CN=Acme CA".into(), "CN=Other".into()];
        let v = judged(
            answer(400, "<h1>No required SSL certificate was sent</h1>", None),
            with_issuers.clone(),
        );
        assert_eq!(v.verdict, Kind::Refused);
        assert!(v.message.contains("“No required SSL certificate was sent”"));
        assert!(v
            .message
            .contains("accepts certificates from: CN=Acme CA; CN=Other."));
        assert!(v.message.contains("Register the public certificate"));
        let v = judged(
            answer(403, "HTTP Error 403.16 - Forbidden", None),
            seen(true),
        );
        assert_eq!(v.verdict, Kind::Refused);
        assert!(v.message.contains("403.16, the certificate is not trusted"));
        let v = judged(answer(403, "403.7", None), seen(true));
        assert!(v
            .message
            .contains("403.7, a client certificate is required"));
        let v = judged(answer(401, "", None), seen(true));
        assert_eq!(v.verdict, Kind::Refused);
        assert!(v.message.contains("does not let this certificate in"));
        // A 400 that is not nginx's refusal is about the request.
        let v = judged(answer(400, "bad json", None), seen(true));
        assert_eq!(v.verdict, Kind::Accepted);
    }

    #[test]
    fn a_redirect_names_where_it_points_briefly() {
        let far = format!("https://elsewhere.example/{}", "x".repeat(500));
        let v = judged(answer(302, "", Some(&far)), seen(true));
        assert_eq!(v.verdict, Kind::Accepted);
        assert!(v
            .message
            .contains("a redirect to https://elsewhere.example/"));
        assert!(v.message.len() < 500, "{}", v.message.len());
    }

    #[test]
    fn failures_before_an_answer() {
        let mut untrusted = seen(false);
        untrusted.untrusted = Some(rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer,
        ));
        let v = judged(Ending::Failed(Failure::Untrusted), untrusted);
        assert_eq!(v.verdict, Kind::ServerUntrusted);
        assert!(v
            .message
            .contains("issued by an authority this computer does not trust"));
        assert!(v.message.contains("really api.example.com"));
        assert_eq!(v.http_status, None);

        let v = judged(
            Ending::Failed(Failure::Alert {
                alert: AlertDescription::UnknownCA,
                connected: true,
            }),
            seen(true),
        );
        assert_eq!(v.verdict, Kind::Refused);
        assert!(v.message.contains("“unknown CA”"));
        // A handshake failure is about the certificate only once it was asked for.
        let hs = || {
            Ending::Failed(Failure::Alert {
                alert: AlertDescription::HandshakeFailure,
                connected: false,
            })
        };
        assert_eq!(judged(hs(), seen(true)).verdict, Kind::Refused);
        assert_eq!(judged(hs(), seen(false)).verdict, Kind::Unreachable);
        let v = judged(
            Ending::Failed(Failure::Alert {
                alert: AlertDescription::ProtocolVersion,
                connected: false,
            }),
            seen(false),
        );
        assert_eq!(v.verdict, Kind::Unreachable);
        assert!(v.message.contains("could not agree"));

        for (failure, words) in [
            (Failure::TimedOut, "did not answer within 10 seconds"),
            (Failure::NoSuchName, "“api.example.com” could not be found"),
            (
                Failure::Refused,
                "api.example.com port 8443 (connection refused)",
            ),
            (Failure::Proxy, "proxy server"),
            (Failure::Other, "failed before an answer"),
        ] {
            let v = judged(Ending::Failed(failure), seen(false));
            assert_eq!(v.verdict, Kind::Unreachable);
            assert!(v.message.contains(words), "{words}: {}", v.message);
        }
    }

    #[test]
    fn a_server_trusted_by_its_fingerprint_is_said_so() {
        let mut trusted = seen(true);
        trusted.trusted_by_fingerprint = true;
        let v = judged(answer(200, "", None), trusted.clone());
        assert!(v.server_trusted_by_fingerprint);
        assert!(v
            .message
            .contains("trusted only because you gave its fingerprint"));
        // Not when it was refused: the note is about using it.
        let v = judged(answer(401, "", None), trusted);
        assert!(!v.message.contains("because you gave its fingerprint"));
    }

    #[test]
    fn the_server_s_facts_are_read_in_the_zone_and_made_safe_to_show() {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "evil\u{1b}[2Jserver");
        params.not_after = rcgen::date_time_ymd(2030, 6, 30);
        let key = rcgen::KeyPair::generate().unwrap();
        let der = params.self_signed(&key).unwrap().der().to_vec();
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        let facts = ServerFacts::of(&der, &tokyo);
        assert!(!facts.subject.contains('\u{1b}'), "{}", facts.subject);
        assert!(facts.subject.contains("evil"), "{}", facts.subject);
        assert_eq!(facts.not_after, "2030-06-30T00:00:00Z");
        assert_eq!(facts.expires, "2030-06-30 09:00:00 JST");
        assert_eq!(facts.sha256, Fingerprint::of(&der).to_string());
        let broken = ServerFacts::of(b"not a certificate", &tokyo);
        assert_eq!(broken.subject, "(unreadable)");
        assert_eq!(broken.expires, "");
        // With a server certificate seen, the verdict carries its facts.
        let mut with_cert = seen(true);
        with_cert.server_certificate = Some(der);
        assert_eq!(
            judged(answer(200, "", None), with_cert)
                .server
                .unwrap()
                .subject,
            facts.subject
        );
    }

    #[test]
    fn the_list_remembers_the_verdict_at_the_moment_given() {
        let v = judged(answer(404, "", None), seen(true));
        let at: Timestamp = "2027-01-02T03:04:05Z".parse().unwrap();
        let last = v.last_test(at);
        assert_eq!(
            (last.verdict, last.url.as_str(), last.http_status, last.at),
            (
                Kind::Accepted,
                "https://api.example.com:8443/health",
                Some(404),
                at
            )
        );
    }
}
