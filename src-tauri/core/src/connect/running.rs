//! One test at a time per certificate, and a way to cancel it: the window
//! holds one `Running`; each test takes a `Ticket` for its certificate.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use super::ConnectError;

#[derive(Default)]
pub struct Running {
    tests: Arc<Mutex<HashMap<String, Arc<Notify>>>>,
}

/// A running test of one certificate; dropping it ends the test's turn.
pub struct Ticket {
    key: String,
    cancel: Arc<Notify>,
    tests: Arc<Mutex<HashMap<String, Arc<Notify>>>>,
}

fn lock(
    tests: &Mutex<HashMap<String, Arc<Notify>>>,
) -> MutexGuard<'_, HashMap<String, Arc<Notify>>> {
    // Only inserts and removals happen under this lock.
    tests.lock().unwrap_or_else(|p| p.into_inner())
}

impl Running {
    pub fn new() -> Running {
        Running::default()
    }

    /// Starts a test of the certificate `key` (its fingerprint); refused
    /// while another test of it runs.
    pub fn start(&self, key: &str) -> Result<Ticket, ConnectError> {
        let mut tests = lock(&self.tests);
        if tests.contains_key(key) {
            return Err(ConnectError::AlreadyRunning);
        }
        let cancel = Arc::new(Notify::new());
        tests.insert(key.to_string(), cancel.clone());
        Ok(Ticket {
            key: key.to_string(),
            cancel,
            tests: self.tests.clone(),
        })
    }

    /// Cancels the test of `key`; false when none runs.
    pub fn cancel(&self, key: &str) -> bool {
        match lock(&self.tests).get(key) {
            Some(cancel) => {
                cancel.notify_one();
                true
            }
            None => false,
        }
    }

    pub fn is_running(&self, key: &str) -> bool {
        lock(&self.tests).contains_key(key)
    }
}

impl Ticket {
    /// Runs `work` until it ends or the test is cancelled (then the work is
    /// dropped: its connection closes at once).
    pub async fn run<T, E: From<ConnectError>>(
        &self,
        work: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E> {
        tokio::select! {
            done = work => done,
            _ = self.cancel.notified() => Err(ConnectError::Cancelled.into()),
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        lock(&self.tests).remove(&self.key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_test_per_certificate_and_cancel() {
        let running = Running::new();
        let ticket = running.start("A").unwrap();
        assert!(matches!(
            running.start("A"),
            Err(ConnectError::AlreadyRunning)
        ));
        let _other = running.start("B").unwrap();
        assert!(running.cancel("A"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let out: Result<(), _> = rt.block_on(ticket.run(std::future::pending()));
        assert!(matches!(out, Err(ConnectError::Cancelled)));
        drop(ticket);
        assert!(!running.is_running("A"));
        assert!(!running.cancel("A"));
        running.start("A").unwrap();
    }
}
