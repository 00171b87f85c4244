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

pub use record::{replacement_nickname, AddedFrom, LastTest, Record, Status};

use crate::engine::Nickname;

/// The list file's format; a file with a higher number is never touched.
/// 2: the keychain account of each certificate (1 had a yes/no, read and
/// upgraded). 3: certificates added from files made elsewhere (`added`)
/// and the last test against an API; an AuthCert that reads only format 2
/// would drop those on its next write, so it must not touch such a list
/// (format 2 files are read as they are). 4: the issuing authority that
/// signed a certificate (`signedBy`), which format 3 would drop.
pub const FORMAT: u32 = 4;
pub const LIST_NAME: &str = "certificates.json";
pub const SETTINGS_NAME: &str = "settings.json";
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
}

pub(crate) fn plain_io(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => "the disk is full".into(),
        io::ErrorKind::NotFound => "the folder does not exist".into(),
        _ => e.to_string(),
    }
}

/// A list file that could not be understood, and where it was kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damaged {
    pub kept_as: PathBuf,
    pub reason: String,
}

impl Damaged {
    pub fn message(&self) -> String {
        format!(
            "The list of certificates was damaged ({}) and could not be read. It was kept as {}; certificates recorded in it are not shown. The certificate files themselves are not affected.",
            self.reason,
            self.kept_as.display()
        )
    }
}

/// The list as read, sorted by expiry (soonest first).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub records: Vec<Record>,
    /// Set when this read found the file damaged and moved it aside.
    pub damaged: Option<Damaged>,
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
            Some(dir) if !dir.is_empty() => Ok(Store::at(PathBuf::from(dir))),
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
        atomic::lock(&self.dir).map_err(|source| StoreError::Unwritable {
            path: self.list_path(),
            source,
        })
    }

    /// Reads the list. A damaged file is moved aside and reported once.
    pub fn load(&self) -> Result<Loaded, StoreError> {
        let _lock = self.lock()?;
        self.read_locked()
    }

    fn read_locked(&self) -> Result<Loaded, StoreError> {
        let path = self.list_path();
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::default()),
            Err(source) => return Err(StoreError::Unreadable { path, source }),
        };
        let reason = match serde_json::from_slice::<Version>(&bytes) {
            Ok(v) if v.format > FORMAT => {
                return Err(StoreError::NewerFormat {
                    path,
                    found: v.format,
                })
            }
            Ok(v) => match parse_list(&bytes, v.format) {
                Ok(file) => {
                    let mut records = file.certificates;
                    sort(&mut records);
                    return Ok(Loaded {
                        records,
                        damaged: None,
                    });
                }
                Err(e) => e.to_string(),
            },
            Err(e) => e.to_string(),
        };
        let stamp = Timestamp::now().strftime("%Y%m%dT%H%M%SZ").to_string();
        let kept_as = atomic::aside_name(&path, &stamp);
        std::fs::rename(&path, &kept_as).map_err(|source| StoreError::Unwritable {
            path: path.clone(),
            source,
        })?;
        Ok(Loaded {
            records: Vec::new(),
            damaged: Some(Damaged { kept_as, reason }),
        })
    }

    /// Reads, changes and writes the list under the lock.
    fn change<T>(
        &self,
        f: impl FnOnce(&mut Vec<Record>) -> Result<T, StoreError>,
    ) -> Result<(T, Option<Damaged>), StoreError> {
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
    pub fn add_new(&self, record: Record) -> Result<Option<Damaged>, StoreError> {
        self.change(|records| {
            if let Some(same) = records
                .iter()
                .find(|r| r.sha256_fingerprint == record.sha256_fingerprint)
            {
                return Err(StoreError::AlreadyListed(same.nickname.clone()));
            }
            let key = Nickname::uniqueness_key_of(&record.nickname);
            if records
                .iter()
                .any(|r| Nickname::uniqueness_key_of(&r.nickname) == key)
            {
                return Err(StoreError::Duplicate(record.nickname.clone()));
            }
            records.push(record);
            Ok(())
        })
        .map(|((), damaged)| damaged)
    }

    /// Records a certificate (again, if its fingerprint is listed).
    pub fn add(&self, record: Record) -> Result<Option<Damaged>, StoreError> {
        self.change(|records| {
            records.retain(|r| r.sha256_fingerprint != record.sha256_fingerprint);
            records.push(record);
            Ok(())
        })
        .map(|((), damaged)| damaged)
    }

    /// The record with this SHA-256 fingerprint.
    pub fn get(&self, fingerprint: &str) -> Result<Record, StoreError> {
        self.load()?
            .records
            .into_iter()
            .find(|r| r.sha256_fingerprint == fingerprint)
            .ok_or(StoreError::NotFound)
    }

    /// Records where the certificate's password is in the keychain (None:
    /// not there).
    pub fn set_keychain_account(
        &self,
        fingerprint: &str,
        account: Option<String>,
    ) -> Result<Record, StoreError> {
        self.change(|records| {
            let r = records
                .iter_mut()
                .find(|r| r.sha256_fingerprint == fingerprint)
                .ok_or(StoreError::NotFound)?;
            r.keychain_account = account;
            Ok(r.clone())
        })
        .map(|(r, _)| r)
    }

    /// Remembers the last test of a listed certificate against an API.
    pub fn set_last_test(&self, fingerprint: &str, test: LastTest) -> Result<Record, StoreError> {
        self.change(|records| {
            let r = records
                .iter_mut()
                .find(|r| r.sha256_fingerprint == fingerprint)
                .ok_or(StoreError::NotFound)?;
            r.last_test = Some(test);
            Ok(r.clone())
        })
        .map(|(r, _)| r)
    }

    /// Takes a certificate off the list (its file is not touched).
    pub fn remove(&self, fingerprint: &str) -> Result<Record, StoreError> {
        self.change(|records| {
            let at = records
                .iter()
                .position(|r| r.sha256_fingerprint == fingerprint)
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

/// The list in the current format, from a file of format `format` or older.
fn parse_list(bytes: &[u8], format: u32) -> serde_json::Result<ListFile> {
    if format >= FORMAT {
        return serde_json::from_slice(bytes);
    }
    let mut value: serde_json::Value = serde_json::from_slice(bytes)?;
    if let Some(records) = value["certificates"].as_array_mut() {
        records.iter_mut().for_each(Record::upgrade_format_1);
    }
    serde_json::from_value(value)
}

fn sort(records: &mut [Record]) {
    records.sort_by(|a, b| {
        a.not_after
            .cmp(&b.not_after)
            .then_with(|| a.nickname.to_lowercase().cmp(&b.nickname.to_lowercase()))
    });
}

#[cfg(test)]
mod tests;
