//! The TLS side of a test: a rustls configuration that presents the
//! certificate and watches the handshake. Verification is the system's
//! (rustls-platform-verifier); AuthCert only adds two things around it: it
//! notes what the server sent and asked for, and it accepts a server
//! certificate whose SHA-256 fingerprint the admin chose to trust for this
//! one test.

use std::sync::{Arc, Mutex, MutexGuard};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::ResolvesClientCert;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::sign::CertifiedKey;
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

use super::target::Fingerprint;
use super::ConnectError;

/// What the handshake showed, for the verdict.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    /// The server sent a CertificateRequest (asked for a client certificate).
    pub requested: bool,
    /// The issuers the server said it accepts (distinguished names).
    pub acceptable_issuers: Vec<String>,
    /// The server's own certificate, DER.
    pub server_certificate: Option<Vec<u8>>,
    /// Why the system did not trust the server, when it did not.
    pub untrusted: Option<rustls::Error>,
    /// The server was trusted because of the admin's fingerprint.
    pub trusted_by_fingerprint: bool,
    /// A TLS server other than the API answered (an HTTPS proxy): its name.
    /// The handshake was stopped before the certificate could be sent.
    pub other_server: Option<String>,
    /// The version the connection took, known from the server's signature
    /// (TLS 1.3: true): what a server asking for the certificate later
    /// uses (post-handshake authentication, or renegotiation).
    pub tls13: Option<bool>,
}

/// Shared between the configuration and the test that reads it afterwards.
#[derive(Debug, Clone, Default)]
pub struct Watch(Arc<Mutex<Seen>>);

impl Watch {
    fn lock(&self) -> MutexGuard<'_, Seen> {
        // Only plain assignments happen under this lock.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn seen(&self) -> Seen {
        self.lock().clone()
    }
}

/// This computer's verification of servers, made once for the tests run
/// together: on Linux making it reads and parses every trusted authority
/// of the system, which fifty tests need not do fifty times.
#[derive(Clone)]
pub struct Trusted {
    provider: Arc<CryptoProvider>,
    /// Or why the system's trusted authorities could not be read: a system
    /// without any (a bare container) still lets the admin trust one
    /// server by its fingerprint.
    system: Result<Arc<dyn ServerCertVerifier>, String>,
}

impl Trusted {
    pub fn load() -> Trusted {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let system = rustls_platform_verifier::Verifier::new(provider.clone())
            .map(|v| Arc::new(v) as Arc<dyn ServerCertVerifier>)
            .map_err(|e| e.to_string());
        Trusted { provider, system }
    }
}

/// The configuration for one test of the API at `host` (as the URL names
/// it): a TLS server of another name is never shown the certificate. It
/// offers HTTP/2 and HTTP/1.1 as curl does, or HTTP/1.1 alone.
pub fn config(
    key: Arc<CertifiedKey>,
    trusted: &Trusted,
    trust: Option<Fingerprint>,
    host: &str,
    watch: &Watch,
    http1_only: bool,
) -> Result<ClientConfig, ConnectError> {
    let provider = trusted.provider.clone();
    let verifier = Observing {
        system: trusted.system.clone(),
        provider: provider.clone(),
        trust,
        host: host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string(),
        watch: watch.clone(),
    };
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConnectError::Internal(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_client_cert_resolver(Arc::new(Presenting {
            key,
            watch: watch.clone(),
        }));
    // A series of tests may connect again: a full handshake each time, so
    // what the server asked and showed is that connection's (a resumed
    // session shows neither).
    config.resumption = rustls::client::Resumption::disabled();
    config.alpn_protocols = if http1_only {
        vec![b"http/1.1".to_vec()]
    } else {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    };
    Ok(config)
}

/// The system's verifier, watched; or the admin's fingerprint.
#[derive(Debug)]
struct Observing {
    system: Result<Arc<dyn ServerCertVerifier>, String>,
    provider: Arc<CryptoProvider>,
    trust: Option<Fingerprint>,
    /// The API's host: the only server this test may talk TLS to.
    host: String,
    watch: Watch,
}

impl ServerCertVerifier for Observing {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        // With an https:// proxy, reqwest speaks TLS to the proxy with this
        // configuration too. Stopping here, before the client certificate
        // is sent (rustls sends it only after this check), keeps it from
        // the proxy, and keeps the proxy's certificate out of the verdict.
        let name = server_name.to_str();
        if !name.eq_ignore_ascii_case(&self.host) {
            self.watch.lock().other_server = Some(name.into_owned());
            return Err(rustls::Error::General(
                "a TLS server other than the API answered (an HTTPS proxy)".into(),
            ));
        }
        self.watch.lock().server_certificate = Some(end_entity.to_vec());
        if self.trust == Some(Fingerprint::of(end_entity)) {
            self.watch.lock().trusted_by_fingerprint = true;
            return Ok(ServerCertVerified::assertion());
        }
        let outcome = match &self.system {
            Ok(system) => system.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ),
            Err(why) => Err(rustls::Error::General(format!(
                "this computer's list of trusted authorities could not be read ({why})"
            ))),
        };
        if let Err(e) = &outcome {
            self.watch.lock().untrusted = Some(e.clone());
        }
        outcome
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.watch.lock().tls13 = Some(false);
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.watch.lock().tls13 = Some(true);
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Presents the certificate whenever the server asks, and notes that it
/// asked (rustls asks a resolver only on a CertificateRequest).
#[derive(Debug)]
struct Presenting {
    key: Arc<CertifiedKey>,
    watch: Watch,
}

impl ResolvesClientCert for Presenting {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        _sigschemes: &[SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        use x509_parser::prelude::FromDer;
        let names = root_hint_subjects
            .iter()
            .take(50)
            .map(|der| match x509_parser::x509::X509Name::from_der(der) {
                // What the server sends, safe to show (crate::text). A name
                // with bytes after it, or none in it, is not one to show.
                Ok((rest, name)) if rest.is_empty() && !name.to_string().is_empty() => {
                    crate::text::shown(&name.to_string()).into_owned()
                }
                _ => "(a name AuthCert cannot read)".to_string(),
            })
            .collect();
        let mut seen = self.watch.lock();
        seen.requested = true;
        seen.acceptable_issuers = names;
        // Always presented, whatever the hints: the test is whether the
        // server takes this certificate.
        Some(self.key.clone())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate(name: &str) -> (Vec<u8>, rcgen::KeyPair) {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec![name.to_string()]).unwrap();
        (params.self_signed(&key).unwrap().der().to_vec(), key)
    }

    fn observing(trust: Option<Fingerprint>, system: Result<(), &str>) -> Observing {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        // A verifier that trusts one unrelated authority stands in for the
        // system's: it refuses a self-signed server certificate as the
        // system's does.
        let system = match system {
            Ok(()) => {
                let mut roots = rustls::RootCertStore::empty();
                let (unrelated, _) = certificate("Unrelated CA");
                roots.add(CertificateDer::from(unrelated)).unwrap();
                let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(
                    Arc::new(roots),
                    provider.clone(),
                )
                .build()
                .unwrap();
                Ok(verifier as Arc<dyn ServerCertVerifier>)
            }
            Err(why) => Err(why.to_string()),
        };
        Observing {
            system,
            provider,
            trust,
            host: "api.example.com".into(),
            watch: Watch::default(),
        }
    }

    fn verify(o: &Observing, der: &[u8], name: &str) -> Result<ServerCertVerified, rustls::Error> {
        let server = ServerName::try_from(name.to_string()).unwrap();
        o.verify_server_cert(
            &CertificateDer::from(der),
            &[],
            &server,
            &[],
            UnixTime::now(),
        )
    }

    #[test]
    fn a_server_is_trusted_by_the_system_or_by_the_admin_s_fingerprint_only() {
        let (der, _) = certificate("api.example.com");
        let o = observing(None, Ok(()));
        let e = verify(&o, &der, "api.example.com").unwrap_err();
        let seen = o.watch.seen();
        assert_eq!(seen.untrusted, Some(e));
        assert_eq!(seen.server_certificate.as_deref(), Some(&der[..]));
        assert!(!seen.trusted_by_fingerprint);

        let o = observing(Some(Fingerprint::of(&der)), Ok(()));
        verify(&o, &der, "API.example.com").unwrap();
        let seen = o.watch.seen();
        assert!(seen.trusted_by_fingerprint && seen.untrusted.is_none());

        // Another certificate than the one whose fingerprint was given.
        let (other, _) = certificate("api.example.com");
        let o = observing(Some(Fingerprint::of(&der)), Ok(()));
        verify(&o, &other, "api.example.com").unwrap_err();
        assert!(!o.watch.seen().trusted_by_fingerprint);
    }

    #[test]
    fn a_system_without_trusted_authorities_says_so() {
        let (der, _) = certificate("api.example.com");
        let o = observing(None, Err("no roots"));
        let e = verify(&o, &der, "api.example.com").unwrap_err();
        assert!(
            e.to_string().contains("could not be read (no roots)"),
            "{e}"
        );
    }

    #[test]
    fn another_tls_server_is_stopped_before_the_certificate_could_be_sent() {
        let (der, _) = certificate("proxy.example.net");
        // Even one trusted by fingerprint: it is not the API.
        let o = observing(Some(Fingerprint::of(&der)), Ok(()));
        verify(&o, &der, "proxy.example.net").unwrap_err();
        let seen = o.watch.seen();
        assert_eq!(seen.other_server.as_deref(), Some("proxy.example.net"));
        assert!(seen.server_certificate.is_none() && !seen.trusted_by_fingerprint);
    }

    #[test]
    fn the_certificate_is_presented_whenever_asked_and_the_hints_are_kept_safe() {
        let (der, key) = certificate("client");
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        let signing = provider
            .key_provider
            .load_private_key(rustls::pki_types::PrivateKeyDer::Pkcs8(
                key.serialize_der().into(),
            ))
            .unwrap();
        let presenting = Presenting {
            key: Arc::new(CertifiedKey::new(vec![CertificateDer::from(der)], signing)),
            watch: Watch::default(),
        };
        assert!(presenting.has_certs());
        let mut dn = rcgen::DistinguishedName::new();
        dn.push(rcgen::DnType::CommonName, "Acme\u{7}CA");
        let name = rcgen::CertificateParams::new(Vec::<String>::new())
            .map(|mut p| {
                p.distinguished_name = dn;
                p
            })
            .unwrap()
            .self_signed(&rcgen::KeyPair::generate().unwrap())
            .unwrap();
        let (_, parsed) = x509_parser::parse_x509_certificate(name.der()).unwrap();
        let subject = parsed.subject().as_raw().to_vec();
        let mut hints: Vec<&[u8]> = vec![&subject, b"\x30\x03junk"];
        hints.extend(std::iter::repeat_n(&subject[..], 100));
        assert!(presenting.resolve(&hints, &[]).is_some());
        let seen = presenting.watch.seen();
        assert!(seen.requested);
        assert_eq!(seen.acceptable_issuers.len(), 50, "at most 50 names kept");
        assert!(seen.acceptable_issuers[0].contains("Acme"));
        assert!(!seen.acceptable_issuers[0].contains('\u{7}'));
        assert_eq!(seen.acceptable_issuers[1], "(a name AuthCert cannot read)");
        // No hints at all: presented all the same.
        let fresh = Presenting {
            key: presenting.key.clone(),
            watch: Watch::default(),
        };
        assert!(fresh.resolve(&[], &[]).is_some());
        assert!(fresh.watch.seen().requested);
    }
}
