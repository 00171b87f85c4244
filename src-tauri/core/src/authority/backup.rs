//! A backup of the authority (its key, its certificate and its revocations,
//! in a `.p12` under a new one-time password) and its restore, on this
//! computer or another.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use zeroize::Zeroizing;

use super::{
    check_stored, facts, keychain_err, load, parse_name, profile, record_new, require, revocations,
    save_err, signer_with, Authority, AuthorityError,
};
use crate::engine::{pkcs12, Clock, Encryption, Password, SignatureHash};
use crate::keychain::Keychains;
use crate::save;
use crate::store::Store;

/// A backup of the authority, made in memory: the `.p12` (key and
/// certificate, AES-256) and its new one-time password; both wiped on drop.
pub struct Backup {
    pub p12: Zeroizing<Vec<u8>>,
    pub password: Password,
    pub name: String,
}

impl std::fmt::Debug for Backup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backup")
            .field("name", &self.name)
            .field("p12", &"<redacted>")
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Makes a backup of the authority (it is checked by opening it again).
pub fn backup(store: &Store, keychains: &Keychains) -> Result<Backup, AuthorityError> {
    let authority = require(load(store)?)?;
    let key = keychains
        .open()
        .and_then(|k| k.read_secret(&authority.keychain_account))
        .map_err(keychain_err("The backup was not made"))?;
    let der = authority.certificate_der()?;
    // The revocations travel as a revocation list signed by the key (its
    // number the last one's), which restore checks and merges: a restored
    // authority never forgets a revocation.
    let signer = signer_with(&authority, &key, SignatureHash::Sha256)?;
    let this_update = profile::skewed(Timestamp::now())?;
    let crl = profile::crl(
        &signer,
        &authority.revoked,
        authority.last_crl_number(),
        this_update,
        profile::days_after(this_update, 1)?,
    )?;
    drop(signer);
    let sha1 = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, &der);
    let naming = pkcs12::Naming {
        friendly_name: &authority.name,
        local_key_id: sha1.as_ref(),
        chain: &[],
    };
    let password = Password::generate()?;
    let p12 = pkcs12::pack_with_crls(
        &key,
        &der,
        naming,
        &[crl.as_slice()],
        Encryption::Aes256,
        &password,
    )?;
    drop(key);
    pkcs12::check(&p12, &password, naming, &der)?;
    Ok(Backup {
        p12,
        password,
        name: authority.name,
    })
}

/// Saves a backup as a new file, read back and opened with its password.
pub fn save_backup(backup: &Backup, path: &Path) -> Result<PathBuf, AuthorityError> {
    save::write_new(path, &backup.p12, |bytes| {
        pkcs12::read::open(
            bytes,
            backup.password.expose(),
            &pkcs12::read::Limits::default(),
        )
        .ok()
        .filter(|opened| opened.crls.len() == 1)
        .map(drop)
        .ok_or_else(|| AuthorityError::Save("the file written did not open again with its password, so it was removed. Save it again, ideally on another disk.".into()))
    })
    .map_err(save_err)?;
    Ok(crate::platform::files::canonical(path))
}

/// Restores an authority from its backup (or any `.p12` holding an RSA
/// authority certificate with its key): the key goes to the keychain, the
/// certificate to `authority.json`, with the revocations the backup carries
/// and those kept on this computer when the same authority was removed.
pub fn restore(
    store: &Store,
    keychains: &Keychains,
    bytes: &[u8],
    password: &str,
    from: &Path,
    clock: &Clock,
) -> Result<Authority, AuthorityError> {
    if let Some(existing) = load(store)? {
        return Err(AuthorityError::Exists(existing.name));
    }
    let opened = pkcs12::read::open(bytes, password, &pkcs12::read::Limits::default()).map_err(
        |e| match e {
            pkcs12::read::ReadError::WrongPassword => AuthorityError::WrongPassword,
            other => AuthorityError::NotABackup(format!("{other}. {CHOOSE_BACKUP}")),
        },
    )?;
    let (key, der) = authority_pair(&opened)?;
    let name = common_name(&der)?;
    let shown = crate::platform::files::canonical(from);
    let mut authority = facts(&name, &der, clock.now, Some(shown.display().to_string()))?;
    // The revocations it carries (backups made before they did carry none).
    for crl in &opened.crls {
        let (revoked, number) = revocations::read_crl(crl, &der)
            .map_err(|e| AuthorityError::NotABackup(format!("{e}. {CHOOSE_BACKUP}")))?;
        revocations::merge(&mut authority.revoked, revoked);
        authority.crl_number_floor = authority.crl_number_floor.max(Some(number));
    }
    // Named as the list names them, where it does.
    if let Ok(loaded) = store.load() {
        for r in authority.revoked.iter_mut() {
            if let Some(listed) = loaded
                .records
                .iter()
                .find(|l| l.described.serial == r.serial)
            {
                r.nickname
                    .get_or_insert_with(|| listed.described.nickname.clone());
                r.sha256_fingerprint
                    .get_or_insert(listed.described.sha256_fingerprint);
            }
        }
    }
    if authority.not_after <= clock.now {
        return Err(AuthorityError::NotABackup(format!(
            "the authority “{name}” expired on {}; it can sign nothing any more. Create a new authority.",
            crate::clock::local_day(authority.not_after, &clock.zone)
        )));
    }
    // authority_pair chose the certificate of this key; the signer checks
    // the key can sign for it before it is kept.
    signer_with(&authority, key, SignatureHash::Sha256)
        .map_err(|e| AuthorityError::NotABackup(e.to_string()))?;
    let not_restored = "The authority was not restored";
    let keychain = keychains.open().map_err(keychain_err(not_restored))?;
    let existed = keychain.read_secret(&authority.keychain_account).is_ok();
    keychain
        .store_secret(&authority.keychain_account, key)
        .map_err(keychain_err(not_restored))?;
    if let Err(e) = check_stored(&keychain, &authority, not_restored) {
        if !existed {
            let _ = keychain.delete(&authority.keychain_account);
        }
        return Err(e);
    }
    record_new(store, &keychain, authority)
}

/// What a restore brought back, in words (the window and the command line).
pub fn restored_text(a: &Authority) -> String {
    match a.revoked.len() {
        0 => "Restored. It had revoked no certificate.".to_string(),
        n => format!(
            "Restored, with {}. Export the revocation list and give it to your servers, so they refuse {}.",
            if n == 1 { "its revocation".to_string() } else { format!("its {n} revocations") },
            if n == 1 { "it" } else { "them" }
        ),
    }
}

/// The next step after a refused backup file.
const CHOOSE_BACKUP: &str =
    "Choose the file made by Back up authority… (not a certificate's .p12).";

/// The one authority certificate in `opened` and its RSA key.
fn authority_pair(opened: &pkcs12::read::Opened) -> Result<(&[u8], Vec<u8>), AuthorityError> {
    let refuse = |m: &str| Err(AuthorityError::NotABackup(m.to_string()));
    let [key] = opened.keys.as_slice() else {
        return refuse(&format!(
            "it must hold exactly one private key. {CHOOSE_BACKUP}"
        ));
    };
    let pair = rcgen::KeyPair::try_from(key.value.as_slice()).map_err(|e| {
        AuthorityError::NotABackup(format!("its key cannot be read ({e}). {CHOOSE_BACKUP}"))
    })?;
    if !matches!(pair.algorithm(), a if a == &rcgen::PKCS_RSA_SHA256) {
        return refuse(&format!(
            "its key is not an RSA key; AuthCert's authorities use RSA. {CHOOSE_BACKUP}"
        ));
    }
    let public = rcgen::PublicKeyData::subject_public_key_info(&pair);
    drop(pair);
    for cert in &opened.certificates {
        let Ok((_, parsed)) = x509_parser::parse_x509_certificate(&cert.value) else {
            continue;
        };
        if parsed.public_key().raw != public.as_slice() {
            continue;
        }
        let ca = matches!(parsed.basic_constraints(), Ok(Some(bc)) if bc.value.ca);
        let signs = matches!(parsed.key_usage(), Ok(Some(ku)) if ku.value.key_cert_sign() && ku.value.crl_sign());
        if !ca || !signs {
            return refuse(&format!("its certificate is an ordinary certificate, not an issuing authority's (technically: it lacks basicConstraints CA:TRUE or the keyCertSign and cRLSign key usages). {CHOOSE_BACKUP}"));
        }
        return Ok((key.value.as_slice(), cert.value.clone()));
    }
    refuse(&format!(
        "no certificate in it belongs to its key. {CHOOSE_BACKUP}"
    ))
}

fn common_name(der: &[u8]) -> Result<String, AuthorityError> {
    let (_, parsed) = x509_parser::parse_x509_certificate(der)
        .map_err(|e| AuthorityError::NotABackup(e.to_string()))?;
    let cn = parsed
        .subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .unwrap_or("")
        .to_string();
    parse_name(&cn).map_err(|e| AuthorityError::NotABackup(format!("its name: {}", e.message)))
}
