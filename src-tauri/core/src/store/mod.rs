//! The list of certificates saved on this computer, and the reminder setting.
//!
//! One JSON file with a format version in the app-data folder (or
//! `AUTHCERT_DATA_DIR`). Every change takes the folder's lock, reads the file
//! afresh, changes it and replaces it atomically, so two AuthCert processes
//! never lose each other's records and a crash leaves the old or the new list.
//! A file that cannot be understood is moved aside (kept) and reported.

pub mod atomic;
pub mod record;

use std::io;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use record::{replacement_nickname, AddedFrom, Integration, LastTest, Record, Status};

use crate::engine::Nickname;
use crate::ids::Fingerprint;

/// The list file's format; a file with a higher number is never touched.
/// 2: the keychain account of each certificate (1 had a yes/no, read and
/// upgraded). 3: certificates added from files made elsewhere (`added`)
/// and the last test against an API; an AuthCert that reads only format 2
/// would drop those on its next write, so it must not touch such a list
/// (format 2 files are read as they are). 4: the issuing authority that
/// signed a certificate (`signedBy`), which format 3 would drop. 5: the
/// certificate authority that answered a request made here
/// (`requestedFrom`), which format 4 would drop. 6: where each
/// certificate is used (`integrations`), which format 5 would drop.
pub const FORMAT: u32 = 6;
pub const LIST_NAME: &str = "certificates.json";
pub const SETTINGS_NAME: &str = "settings.json";
/// Damage found and not dismissed yet (`Damaged`).
pub const NOTICES_NAME: &str = "certificates.notices.json";
/// The folder under the system's app-data folder (Tauri's identifier).
pub const APP_FOLDER: &str = "org.authcert.authcert";
/// Overrides the folder: for tests and portable use.
pub const DATA_DIR_VAR: &str = "AUTHCERT_DATA_DIR";
pub const DEFAULT_REMINDER_DAYS: u32 = 30;
pub const MIN_REMINDER_DAYS: u32 = 1;
pub const MAX_REMINDER_DAYS: u32 = 365;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("AuthCert found no app-data folder on this system for its list of certificates; set {DATA_DIR_VAR} to a folder.")]
    NoDataDir,
    /// The list could not be opened when the program started (the reason).
    #[error("{0}")]
    Unavailable(String),
    #[error("The list of certificates ({}) could not be read: {}. Check that you may read it; nothing was changed.", .path.display(), plain_io(.source))]
    Unreadable { path: PathBuf, source: io::Error },
    #[error("The list of certificates ({}) could not be saved: {}. Nothing in it was changed.", .path.display(), plain_io(.source))]
    Unwritable { path: PathBuf, source: io::Error },
    #[error("The list of certificates ({}) was written by a newer AuthCert (format {found}); update AuthCert to use it. Nothing was changed.", .path.display())]
    NewerFormat { path: PathBuf, found: u32 },
    #[error(
        "No certificate with this fingerprint is in the list (it may have been removed meanwhile, in another window or by the command line). Go back to the list and open it again."
    )]
    NotFound,
    #[error("A certificate named “{0}” was added to the list meanwhile (by another AuthCert window or the command line); names are compared ignoring case. This one was not kept: make a new one with another nickname.")]
    Duplicate(String),
    #[error("This certificate is already in the list, as “{0}”.")]
    AlreadyListed(String),
    #[error("The public certificate of “{0}” is damaged in the list; remove it from the list and add it again.")]
    Damaged(String),
    #[error("Reminder window: {0}")]
    ReminderDays(String),
    #[error("Another AuthCert, {holder}, has been changing the list of certificates for {seconds} seconds and has not finished. If it is stopped (Ctrl-Z in a terminal), let it go on (fg) or close it; then try again. Nothing was changed.")]
    Held { holder: String, seconds: u64 },
}

pub(crate) fn plain_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => "the disk is full".into(),
        io::ErrorKind::NotFound => "the folder does not exist".into(),
        _ => e.to_string(),
    }
}

/// A damage to the list that was found, and where the list as it was is
/// kept. Said on Home, by `authcert list` and in the start-up notification
/// until the admin dismisses it (`Store::dismiss_notices`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Damaged {
    pub kept_as: PathBuf,
    pub reason: String,
    /// How many records could not be read; None: the whole file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<usize>,
    pub at: Timestamp,
}

impl Damaged {
    pub fn message(&self) -> String {
        let kept = crate::text::shown(&self.kept_as.display().to_string()).into_owned();
        let reason = crate::text::shown(&self.reason).into_owned();
        match self.records {
            None => format!(
                "The list of certificates was damaged ({reason}) and could not be read. It was kept as {kept}; certificates recorded in it are not shown. The certificate files themselves are not affected."
            ),
            Some(n) => format!(
                "{} in the list could not be read ({reason}) and {} not shown; the list as it was is kept as {kept}. The other certificates are shown, and the certificate files themselves are not affected.",
                if n == 1 { "1 certificate".to_string() } else { format!("{n} certificates") },
                if n == 1 { "is" } else { "are" }
            ),
        }
    }
}

/// The list as read, sorted by expiry (soonest first).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub records: Vec<Record>,
    /// Damage found, now or earlier, and not dismissed yet.
    pub damaged: Vec<Damaged>,
}

impl Loaded {
    /// What to say about the damage, if any.
    pub fn notice(&self) -> Option<String> {
        (!self.damaged.is_empty()).then(|| {
            self.damaged
                .iter()
                .map(Damaged::message)
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
}

#[derive(Serialize, Deserialize)]
struct NoticesFile {
    format: u32,
    notices: Vec<Damaged>,
}

/// What was read of a list file.
enum Parsed {
    Whole(Vec<Record>),
    /// Some records could not be read: the rest, how many, and why.
    Partly(Vec<Record>, usize, String),
    Unreadable(String),
}

#[derive(Serialize, Deserialize)]
struct ListFile {
    format: u32,
    certificates: Vec<Record>,
}

/// Only the version: read first, so a newer file is recognised even when
/// its records would not parse.
#[derive(Deserialize)]
struct Version {
    format: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub format: u32,
    /// Certificates expiring within this many days are shown in the banner.
    pub reminder_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            format: FORMAT,
            reminder_days: DEFAULT_REMINDER_DAYS,
        }
    }
}

/// The list of certificates in one folder.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    /// The folder from `AUTHCERT_DATA_DIR`, or the system's app-data folder.
    pub fn open_default() -> Result<Store, StoreError> {
        match std::env::var_os(DATA_DIR_VAR) {
            // Absolute, so that it reads whole in messages (on Windows a
            // Unix-style `/data` becomes `C:\data`, as it is meant).
            Some(dir) if !dir.is_empty() => {
                let dir = PathBuf::from(dir);
                Ok(Store::at(std::path::absolute(&dir).unwrap_or(dir)))
            }
            _ => dirs::data_dir()
                .map(|d| Store::at(d.join(APP_FOLDER)))
                .ok_or(StoreError::NoDataDir),
        }
    }

    pub fn at(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn list_path(&self) -> PathBuf {
        self.dir.join(LIST_NAME)
    }

    fn lock(&self) -> Result<atomic::DirLock, StoreError> {
        atomic::lock(&self.dir).map_err(|e| match e {
            atomic::LockError::Io(source) => StoreError::Unwritable {
                path: self.list_path(),
                source,
            },
            atomic::LockError::Held { holder, waited } => StoreError::Held {
                holder,
                seconds: waited.as_secs(),
            },
        })
    }

    /// Reads the list (see `read_locked` for a damaged one).
    pub fn load(&self) -> Result<Loaded, StoreError> {
        let _lock = self.lock()?;
        self.read_locked()
    }

    /// Reads the list under the lock. Records that cannot be read are put
    /// aside (the file as it was is kept) and the others read on; a file
    /// that cannot be read at all is kept aside whole. Either way a notice
    /// is recorded, said on every read until dismissed.
    fn read_locked(&self) -> Result<Loaded, StoreError> {
        let path = self.list_path();
        let mut damaged = self.notices_locked();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Loaded {
                    records: Vec::new(),
                    damaged,
                })
            }
            Err(source) => return Err(StoreError::Unreadable { path, source }),
        };
        if let Ok(v) = serde_json::from_slice::<Version>(&bytes) {
            if v.format > FORMAT {
                return Err(StoreError::NewerFormat {
                    path,
                    found: v.format,
                });
            }
        }
        let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
        let unwritable = |source| StoreError::Unwritable {
            path: path.clone(),
            source,
        };
        let mut records = match parse_list(&bytes) {
            Parsed::Whole(records) => records,
            Parsed::Partly(records, lost, reason) => {
                // The file as it was is kept; the list goes on without the
                // records that could not be read.
                let kept_as = atomic::aside_name(&path, &stamp);
                std::fs::copy(&path, &kept_as).map_err(unwritable)?;
                self.write_locked(&records, None)?;
                damaged.push(Damaged {
                    kept_as,
                    reason,
                    records: Some(lost),
                    at: Timestamp::now(),
                });
                self.write_notices_locked(&damaged)?;
                records
            }
            Parsed::Unreadable(reason) => {
                let kept_as = atomic::aside_name(&path, &stamp);
                std::fs::rename(&path, &kept_as).map_err(unwritable)?;
                damaged.push(Damaged {
                    kept_as,
                    reason,
                    records: None,
                    at: Timestamp::now(),
                });
                self.write_notices_locked(&damaged)?;
                Vec::new()
            }
        };
        records.iter_mut().for_each(Record::plain_paths);
        sort(&mut records);
        Ok(Loaded { records, damaged })
    }

    /// The notices not dismissed yet (none when the file is missing or
    /// cannot be read: it is AuthCert's own small file).
    fn notices_locked(&self) -> Vec<Damaged> {
        std::fs::read(self.dir.join(NOTICES_NAME))
            .ok()
            .and_then(|b| serde_json::from_slice::<NoticesFile>(&b).ok())
            .map(|f| f.notices)
            .unwrap_or_default()
    }

    fn write_notices_locked(&self, notices: &[Damaged]) -> Result<(), StoreError> {
        let path = self.dir.join(NOTICES_NAME);
        let unwritable = |source| StoreError::Unwritable {
            path: path.clone(),
            source,
        };
        let file = NoticesFile {
            format: 1,
            notices: notices.to_vec(),
        };
        let bytes = serde_json::to_vec_pretty(&file).map_err(|e| unwritable(e.into()))?;
        atomic::replace(&self.dir, NOTICES_NAME, &bytes).map_err(unwritable)
    }

    /// The admin has seen the damage: it is no longer said. The files kept
    /// aside stay where they are.
    pub fn dismiss_notices(&self) -> Result<(), StoreError> {
        let _lock = self.lock()?;
        match std::fs::remove_file(self.dir.join(NOTICES_NAME)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(StoreError::Unwritable {
                path: self.dir.join(NOTICES_NAME),
                source,
            }),
        }
    }

    /// Reads, changes and writes the list under the lock.
    fn change<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut Vec<Record>) -> Result<T, E>,
    ) -> Result<(T, Vec<Damaged>), E> {
        let _lock = self.lock()?;
        let Loaded {
            mut records,
            damaged,
        } = self.read_locked()?;
        let out = f(&mut records)?;
        sort(&mut records);
        self.write_locked(&records, None)?;
        Ok((out, damaged))
    }

    fn write_locked(
        &self,
        records: &[Record],
        crash: Option<atomic::Step>,
    ) -> Result<(), StoreError> {
        let file = ListFile {
            format: FORMAT,
            certificates: records.to_vec(),
        };
        let unwritable = |source| StoreError::Unwritable {
            path: self.list_path(),
            source,
        };
        let bytes = serde_json::to_vec_pretty(&file).map_err(|e| unwritable(e.into()))?;
        atomic::replace_crashing_after(&self.dir, LIST_NAME, &bytes, crash).map_err(unwritable)
    }

    /// Records a new certificate, if its nickname is free (compared as the
    /// form compares them) and its fingerprint is not listed yet: checked
    /// under the lock, so two processes cannot both take one nickname.
    pub fn add_new(&self, record: Record) -> Result<Vec<Damaged>, StoreError> {
        self.change(|records| {
            if let Some(same) = records
                .iter()
                .find(|r| r.described.sha256_fingerprint == record.described.sha256_fingerprint)
            {
                return Err(StoreError::AlreadyListed(same.described.nickname.clone()));
            }
            let key = Nickname::uniqueness_key_of(&record.described.nickname);
            if records
                .iter()
                .any(|r| Nickname::uniqueness_key_of(&r.described.nickname) == key)
            {
                return Err(StoreError::Duplicate(record.described.nickname.clone()));
            }
            records.push(record);
            Ok(())
        })
        .map(|((), damaged)| damaged)
    }

    /// Records a certificate (again, if its fingerprint is listed).
    pub fn add(&self, record: Record) -> Result<Vec<Damaged>, StoreError> {
        self.change(|records| {
            records
                .retain(|r| r.described.sha256_fingerprint != record.described.sha256_fingerprint);
            records.push(record);
            Ok(())
        })
        .map(|((), damaged)| damaged)
    }

    /// The record with this SHA-256 fingerprint.
    pub fn get(&self, fingerprint: &Fingerprint) -> Result<Record, StoreError> {
        self.load()?
            .records
            .into_iter()
            .find(|r| r.described.sha256_fingerprint == *fingerprint)
            .ok_or(StoreError::NotFound)
    }

    /// Changes the listed record with this fingerprint, under the lock.
    fn update(
        &self,
        fingerprint: &Fingerprint,
        edit: impl FnOnce(&mut Record),
    ) -> Result<Record, StoreError> {
        self.change(|records| {
            let r = records
                .iter_mut()
                .find(|r| r.described.sha256_fingerprint == *fingerprint)
                .ok_or(StoreError::NotFound)?;
            edit(r);
            Ok(r.clone())
        })
        .map(|(r, _)| r)
    }

    /// Records where the certificate's password is in the keychain (None:
    /// not there).
    pub fn set_keychain_account(
        &self,
        fingerprint: &Fingerprint,
        account: Option<String>,
    ) -> Result<Record, StoreError> {
        self.update(fingerprint, |r| r.keychain_account = account)
    }

    /// Records which authority on this computer signed a listed
    /// certificate (one made elsewhere and added, found to be its).
    pub fn set_signed_by(
        &self,
        fingerprint: &Fingerprint,
        signed_by: Option<crate::engine::SignedBy>,
    ) -> Result<Record, StoreError> {
        self.update(fingerprint, |r| r.signed_by = signed_by)
    }

    /// Remembers the last test of a listed certificate against an API,
    /// and as the last test of each of its integrations at that address.
    pub fn set_last_test(
        &self,
        fingerprint: &Fingerprint,
        test: LastTest,
    ) -> Result<Record, StoreError> {
        self.update(fingerprint, |r| {
            let replacement = r.replaces.is_some();
            for i in r.integrations.iter_mut().filter(|i| i.url == test.url) {
                i.tested(test.clone(), replacement);
            }
            r.last_test = Some(test)
        })
    }

    /// Changes the listed record with this fingerprint under the lock, when
    /// `edit` agrees (its error leaves the list as it was).
    pub fn edit<T, E: From<StoreError>>(
        &self,
        fingerprint: &Fingerprint,
        edit: impl FnOnce(&mut Record) -> Result<T, E>,
    ) -> Result<T, E> {
        self.change(|records| {
            let r = records
                .iter_mut()
                .find(|r| r.described.sha256_fingerprint == *fingerprint)
                .ok_or(StoreError::NotFound)?;
            edit(r)
        })
        .map(|(out, _)| out)
    }

    /// Takes a certificate off the list (its file is not touched).
    pub fn remove(&self, fingerprint: &Fingerprint) -> Result<Record, StoreError> {
        self.change(|records| {
            let at = records
                .iter()
                .position(|r| r.described.sha256_fingerprint == *fingerprint)
                .ok_or(StoreError::NotFound)?;
            Ok(records.remove(at))
        })
        .map(|(r, _)| r)
    }

    /// The settings; defaults when the file is missing or unreadable.
    pub fn settings(&self) -> Settings {
        std::fs::read(self.dir.join(SETTINGS_NAME))
            .ok()
            .and_then(|b| serde_json::from_slice::<Settings>(&b).ok())
            .filter(|s| (MIN_REMINDER_DAYS..=MAX_REMINDER_DAYS).contains(&s.reminder_days))
            .unwrap_or_default()
    }

    pub fn set_reminder_days(&self, days: u32) -> Result<Settings, StoreError> {
        if !(MIN_REMINDER_DAYS..=MAX_REMINDER_DAYS).contains(&days) {
            return Err(StoreError::ReminderDays(format!(
                "choose a whole number of days from {MIN_REMINDER_DAYS} to {MAX_REMINDER_DAYS}; {days} is outside."
            )));
        }
        let settings = Settings {
            reminder_days: days,
            ..Settings::default()
        };
        let _lock = self.lock()?;
        let bytes = serde_json::to_vec_pretty(&settings).map_err(|e| StoreError::Unwritable {
            path: self.dir.join(SETTINGS_NAME),
            source: e.into(),
        })?;
        atomic::replace(&self.dir, SETTINGS_NAME, &bytes).map_err(|source| {
            StoreError::Unwritable {
                path: self.dir.join(SETTINGS_NAME),
                source,
            }
        })?;
        Ok(settings)
    }
}

/// The records of a list file of this format or older, each read on its
/// own: one that cannot be read does not hide the others.
fn parse_list(bytes: &[u8]) -> Parsed {
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return Parsed::Unreadable(e.to_string()),
    };
    let Some(format) = value.get("format").and_then(serde_json::Value::as_u64) else {
        return Parsed::Unreadable("it has no format number".into());
    };
    // Taken out of the parsed file, not copied: each record is read once.
    let items = match value {
        serde_json::Value::Object(mut file) => file.remove("certificates"),
        _ => None,
    };
    let Some(serde_json::Value::Array(items)) = items else {
        return Parsed::Unreadable("it has no list of certificates".into());
    };
    let mut records = Vec::with_capacity(items.len());
    let (mut lost, mut reason) = (0, None);
    for mut item in items {
        if format < 2 {
            Record::upgrade_format_1(&mut item);
        }
        match serde_json::from_value::<Record>(item) {
            Ok(r) => records.push(r),
            Err(e) => {
                lost += 1;
                reason.get_or_insert_with(|| e.to_string());
            }
        }
    }
    match reason {
        None => Parsed::Whole(records),
        Some(reason) => Parsed::Partly(records, lost, reason),
    }
}

fn sort(records: &mut [Record]) {
    records.sort_by(|a, b| {
        a.described
            .not_after
            .cmp(&b.described.not_after)
            .then_with(|| {
                a.described
                    .nickname
                    .to_lowercase()
                    .cmp(&b.described.nickname.to_lowercase())
            })
    });
}

#[cfg(test)]
pub(crate) mod tests;
