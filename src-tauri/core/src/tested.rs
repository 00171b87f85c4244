//! What a test of a certificate against an API concluded, as the list
//! remembers it and every front end says it: one of five verdicts, with
//! its words and the command line's exit status. The test itself is
//! `connect`'s; this is what the list (below it) keeps of one.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Accepted,
    Refused,
    NotRequested,
    ServerUntrusted,
    Unreachable,
    /// The server asks for the certificate only after connecting (TLS 1.3
    /// post-handshake authentication, TLS 1.2 renegotiation), which the
    /// test cannot answer.
    RequestedLater,
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
            Kind::RequestedLater => 9,
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
            Kind::RequestedLater => "asked for later",
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
            Kind::RequestedLater => {
                "Asked for later: the API seems to ask for the certificate only after connecting"
            }
        }
    }
}
