//! The certificate waiting on the one-time screen: at most one per window.
//!
//! Idle → Generating → Ready (password and file in memory) → Downloaded
//! (secrets wiped; public facts and the saved path remain). Ready can also be
//! discarded. Every step out of order is refused with a plain message. No
//! Tauri type in here, so the rules are tested on their own.

use std::path::{Path, PathBuf};

use crate::engine::{Facts, Issued};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("A certificate is already being generated; wait for it to finish.")]
    Busy,
    #[error("A certificate is waiting to be downloaded. Download it, or close its screen to discard it, before generating another.")]
    Pending,
    #[error("There is no certificate to download: generate one first.")]
    NothingToDownload,
    #[error("This certificate was already downloaded to {0}. Its password and private key have been wiped, so it cannot be downloaded again.")]
    AlreadyDownloaded(String),
    #[error("Download the certificate first; its public part can be exported after that.")]
    NotDownloaded,
}

#[derive(Default)]
enum State {
    #[default]
    Idle,
    Generating,
    Ready(Box<Issued>),
    Downloaded {
        facts: Box<Facts>,
        path: PathBuf,
    },
}

/// One window's pending certificate.
#[derive(Default)]
pub struct Session {
    state: State,
}

impl Session {
    /// Claims the session for a generation; refused while one runs or waits.
    pub fn begin_generate(&mut self) -> Result<(), SessionError> {
        match self.state {
            State::Generating => Err(SessionError::Busy),
            State::Ready(_) => Err(SessionError::Pending),
            State::Idle | State::Downloaded { .. } => {
                self.state = State::Generating;
                Ok(())
            }
        }
    }

    /// Ends a generation: with its result, or back to idle after a failure.
    pub fn finish_generate(&mut self, result: Option<Issued>) {
        self.state = match result {
            Some(issued) => State::Ready(Box::new(issued)),
            None => State::Idle,
        };
    }

    /// The certificate waiting to be downloaded.
    pub fn ready(&self) -> Result<&Issued, SessionError> {
        match &self.state {
            State::Ready(issued) => Ok(issued),
            State::Downloaded { path, .. } => {
                Err(SessionError::AlreadyDownloaded(path.display().to_string()))
            }
            State::Idle | State::Generating => Err(SessionError::NothingToDownload),
        }
    }

    /// The nickname of a certificate not yet downloaded (for uniqueness).
    pub fn pending_nickname(&self) -> Option<&str> {
        match &self.state {
            State::Ready(issued) => Some(&issued.facts.nickname),
            _ => None,
        }
    }

    /// Records the download: the file's bytes and the password are dropped
    /// here, and their zeroizing holders wipe them.
    pub fn mark_downloaded(&mut self, path: &Path) -> Result<(), SessionError> {
        match std::mem::take(&mut self.state) {
            State::Ready(issued) => {
                let Issued { facts, .. } = *issued;
                self.state = State::Downloaded {
                    facts: Box::new(facts),
                    path: path.to_path_buf(),
                };
                Ok(())
            }
            other => {
                self.state = other;
                self.ready().map(|_| ())
            }
        }
    }

    /// The public facts and path of the downloaded certificate.
    pub fn downloaded(&self) -> Result<(&Facts, &Path), SessionError> {
        match &self.state {
            State::Downloaded { facts, path } => Ok((facts, path)),
            _ => Err(SessionError::NotDownloaded),
        }
    }

    /// Whether leaving now would lose a certificate.
    pub fn has_pending(&self) -> bool {
        matches!(self.state, State::Ready(_) | State::Generating)
    }

    /// Forgets the pending certificate (wiping its secrets) or the finished one.
    pub fn discard(&mut self) {
        if !matches!(self.state, State::Generating) {
            self.state = State::Idle;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{self, Clock, RawRequest, Request};

    fn issued() -> Issued {
        let clock = Clock::system();
        let end = engine::request::EndDateRange::default_end(clock.today(), None).to_string();
        let raw = RawRequest {
            nickname: "Session".into(),
            end_date: end,
            key_type: Some("ecdsa-p256".into()),
            ..RawRequest::default()
        };
        let req = Request::parse(&raw, clock.today(), []).unwrap();
        engine::issue(&req, &clock).unwrap()
    }

    #[test]
    fn the_happy_path() {
        let mut s = Session::default();
        assert_eq!(s.ready().unwrap_err(), SessionError::NothingToDownload);
        s.begin_generate().unwrap();
        assert!(s.has_pending());
        s.finish_generate(Some(issued()));
        assert_eq!(s.pending_nickname(), Some("Session"));
        assert!(s.ready().is_ok());
        assert_eq!(s.downloaded().unwrap_err(), SessionError::NotDownloaded);
        s.mark_downloaded(Path::new("/x/Session.p12")).unwrap();
        assert!(!s.has_pending());
        let (facts, path) = s.downloaded().unwrap();
        assert_eq!(
            (facts.nickname.as_str(), path),
            ("Session", Path::new("/x/Session.p12"))
        );
        // A second download is refused, and says why.
        let again = s.ready().unwrap_err();
        assert!(matches!(again, SessionError::AlreadyDownloaded(_)));
        assert!(again.to_string().contains("cannot be downloaded again"));
        assert!(s.mark_downloaded(Path::new("/y")).is_err());
        // A new certificate may follow.
        s.begin_generate().unwrap();
    }

    #[test]
    fn out_of_order_calls_are_refused() {
        let mut s = Session::default();
        assert!(s.mark_downloaded(Path::new("/x")).is_err());
        s.begin_generate().unwrap();
        assert_eq!(s.begin_generate().unwrap_err(), SessionError::Busy);
        s.discard();
        assert!(
            s.has_pending(),
            "a running generation is not discarded under its feet"
        );
        s.finish_generate(None);
        assert!(!s.has_pending());
        s.begin_generate().unwrap();
        s.finish_generate(Some(issued()));
        assert_eq!(s.begin_generate().unwrap_err(), SessionError::Pending);
        s.discard();
        assert!(!s.has_pending());
        assert_eq!(s.ready().unwrap_err(), SessionError::NothingToDownload);
    }
}
