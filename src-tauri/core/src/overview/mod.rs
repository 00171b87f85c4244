//! What the list of certificates looks like to the admin, for the window's
//! Home and details and for `authcert list` alike: statuses, dates in the
//! admin's current time zone (the one the statuses count days in, stated on
//! screen), the reminder's words; and the one call each front end makes to
//! read it. The actions on a listed certificate (remove, its password from
//! the keychain) live in [`crate::listed`]; a replacement's settings here.

pub mod details;
pub mod home;
pub mod replacement;
pub mod usage;

pub use details::Details;
pub use home::{reminder_text, Home, HomeView, Row};
pub use replacement::{replacement, Replacement};
pub use usage::IntegrationView;

pub use crate::authority::authority_reminder;
pub use crate::clock::{local_day, local_time};
pub use crate::listed::{password, remove, ListedError};

use crate::authority::{self, Authority};
use crate::clock::Clock;
use crate::ids::Fingerprint;
use crate::store::{Record, Store, StoreError};

/// The list as the front ends read it, in one call.
pub struct Listing {
    pub records: Vec<Record>,
    /// The issuing authority on this computer.
    pub authority: Option<Authority>,
    /// Why the authority's file could not be read (its own screen says more).
    pub authority_problem: Option<String>,
    pub reminder_days: u32,
    /// A damaged list kept aside earlier, until the admin dismisses it.
    pub notice: Option<String>,
    pub list_path: String,
    /// Requests waiting for a CA's answer, and why they could not be read.
    pub waiting: Vec<crate::requested::Waiting>,
    pub waiting_problem: Option<String>,
}

/// Reads the list, the authority and the reminder setting.
pub fn listing(store: &Store) -> Result<Listing, StoreError> {
    let loaded = store.load()?;
    let (authority, authority_problem) = match authority::load(store) {
        Ok(a) => (a, None),
        Err(e) => (None, Some(e.to_string())),
    };
    let (waiting, waiting_problem) = match crate::requested::waiting::list(store) {
        Ok(w) => (w, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    Ok(Listing {
        waiting,
        waiting_problem,
        notice: loaded.notice(),
        records: loaded.records,
        authority,
        authority_problem,
        reminder_days: store.settings().reminder_days,
        list_path: store.list_path().display().to_string(),
    })
}

/// Home as the window shows it. A list that cannot be read still gives a
/// Home (empty, saying why), so the window opens.
pub fn home(store: &Store, clock: &Clock) -> HomeView {
    match listing(store) {
        Ok(l) => {
            let (requests, request_reminder) = home::request_rows(&l.waiting, clock);
            HomeView {
                dismissable: l.notice.is_some(),
                problem: l.notice,
                requests,
                requests_problem: l.waiting_problem,
                request_reminder,
                home: Home::of(
                    l.records,
                    l.authority.as_ref(),
                    l.reminder_days,
                    clock,
                    l.list_path,
                ),
            }
        }
        Err(e) => {
            // A damaged authority file is said on the authority's screen.
            let authority = authority::load(store).ok().flatten();
            HomeView {
                home: Home::of(
                    Vec::new(),
                    authority.as_ref(),
                    store.settings().reminder_days,
                    clock,
                    store.list_path().display().to_string(),
                ),
                problem: Some(e.to_string()),
                dismissable: false,
                requests: Vec::new(),
                requests_problem: None,
                request_reminder: None,
            }
        }
    }
}

/// The details of the listed certificate `id`.
pub fn details(store: &Store, id: &Fingerprint, clock: &Clock) -> Result<Details, StoreError> {
    let records = store.load()?.records;
    let record = records
        .iter()
        .find(|r| r.described.sha256_fingerprint == *id)
        .cloned()
        .ok_or(StoreError::NotFound)?;
    let authority = authority::load(store).ok().flatten();
    Ok(Details::of(
        record,
        &records,
        authority.as_ref(),
        store.settings().reminder_days,
        clock,
    ))
}

/// Revokes the listed certificate `id` and gives its details as they now
/// read (saying what to do next).
pub fn revoke(
    store: &Store,
    id: &Fingerprint,
    reason: authority::Reason,
    clock: &Clock,
) -> Result<Details, authority::AuthorityError> {
    authority::revoke(store, &authority::Revoking::Listed(*id), reason, clock)?;
    Ok(details(store, id, clock)?)
}
