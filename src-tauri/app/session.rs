//! The certificate waiting on the one-time screen: at most one per window.
//!
//! Idle → Generating → Ready (password and file in memory) → Downloaded
//! (secrets wiped; public facts and the saved path remain). Ready can also be
//! discarded. Every step out of order is refused with a plain message. No
//! Tauri type in here, so the rules are tested on their own.

use std::path::{Path, PathBuf};

use authcert_core::engine::{Facts, Issued};

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
    Ready {
        issued: Box<Issued>,
        in_keychain: bool,
    },
    Downloaded {
        facts: Box<Facts>,
        path: PathBuf,
        in_keychain: bool,
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
            State::Ready { .. } => Err(SessionError::Pending),
            State::Idle | State::Downloaded { .. } => {
                self.state = State::Generating;
                Ok(())
            }
        }
    }

    /// Ends a generation: with its result, or back to idle after a failure.
    pub fn finish_generate(&mut self, result: Option<Issued>) {
        self.state = match result {
            Some(issued) => State::Ready {
                issued: Box::new(issued),
                in_keychain: false,
            },
            None => State::Idle,
        };
    }

    /// The certificate waiting to be downloaded.
    pub fn ready(&self) -> Result<&Issued, SessionError> {
        match &self.state {
            State::Ready { issued, .. } => Ok(issued),
            State::Downloaded { path, .. } => {
                Err(SessionError::AlreadyDownloaded(path.display().to_string()))
            }
            State::Idle | State::Generating => Err(SessionError::NothingToDownload),
        }
    }

    /// The nickname of a certificate not yet downloaded (for uniqueness).
    pub fn pending_nickname(&self) -> Option<&str> {
        match &self.state {
            State::Ready { issued, .. } => Some(&issued.facts.nickname),
            _ => None,
        }
    }

    /// Records the download: the file's bytes and the password are dropped
    /// here, and their zeroizing holders wipe them.
    pub fn mark_downloaded(&mut self, path: &Path) -> Result<(), SessionError> {
        match std::mem::take(&mut self.state) {
            State::Ready {
                issued,
                in_keychain,
            } => {
                let Issued { facts, .. } = *issued;
                self.state = State::Downloaded {
                    facts: Box::new(facts),
                    path: path.to_path_buf(),
                    in_keychain,
                };
                Ok(())
            }
            other => {
                self.state = other;
                self.ready().map(|_| ())
            }
        }
    }

    /// The public facts and path of the downloaded certificate, and whether
    /// its password is in the keychain.
    pub fn downloaded(&self) -> Result<(&Facts, &Path, bool), SessionError> {
        match &self.state {
            State::Downloaded {
                facts,
                path,
                in_keychain,
            } => Ok((facts, path, *in_keychain)),
            _ => Err(SessionError::NotDownloaded),
        }
    }

    /// Whether leaving now would lose a certificate.
    pub fn has_pending(&self) -> bool {
        matches!(self.state, State::Ready { .. } | State::Generating)
    }

    /// Records whether the waiting certificate's password is in the keychain;
    /// refused unless `nickname` is still the one waiting.
    pub fn set_in_keychain(&mut self, nickname: &str, stored: bool) -> Result<(), SessionError> {
        if let State::Ready {
            issued,
            in_keychain,
        } = &mut self.state
        {
            if issued.facts.nickname == nickname {
                *in_keychain = stored;
                return Ok(());
            }
        }
        Err(self
            .ready()
            .err()
            .unwrap_or(SessionError::NothingToDownload))
    }

    /// Forgets the pending certificate (wiping its secrets) or the finished
    /// one. Returns the nickname whose keychain entry no longer belongs to
    /// any certificate (one discarded before its download).
    pub fn discard(&mut self) -> Option<String> {
        if matches!(self.state, State::Generating) {
            return None;
        }
        match std::mem::take(&mut self.state) {
            State::Ready {
                issued,
                in_keychain: true,
            } => Some(issued.facts.nickname.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use authcert_core::engine::{self, Clock, RawRequest, Request};

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
        let (facts, path, in_keychain) = s.downloaded().unwrap();
        assert_eq!(facts.nickname, "Session");
        assert_eq!(path, Path::new("/x/Session.p12"));
        assert!(!in_keychain);
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
        assert!(
            s.set_in_keychain("Other", true).is_err(),
            "only the waiting one"
        );
        s.set_in_keychain("Session", true).unwrap();
        assert_eq!(
            s.discard().as_deref(),
            Some("Session"),
            "its keychain entry is orphaned"
        );
        assert!(!s.has_pending());
        assert_eq!(s.ready().unwrap_err(), SessionError::NothingToDownload);
    }
}
