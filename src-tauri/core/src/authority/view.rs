//! The authority as the window shows it: facts and reminders in words, the
//! create form's dates and hints, the server settings and the revocation
//! reasons, all from the rules here, so the page repeats none.

use serde::Serialize;

use super::reminder::authority_reminder;
use super::server::{self, ServerSettings};
use super::{end_range, Authority, Reason, CRL_DAYS, DEFAULT_YEARS, MAX_YEARS};
use crate::clock::{local_day, local_time};
use crate::engine::{Choice as _, Clock, SignerKind};
use crate::keychain;

/// One choice of a select.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub token: &'static str,
    pub label: &'static str,
}

/// A choice of the form's "Signed by".
#[derive(Debug, Clone, Serialize)]
pub struct SignerOption {
    pub token: &'static str,
    pub label: String,
    pub recommended: bool,
}

/// The authority on this computer (or the form to create one).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct View {
    pub exists: bool,
    /// The authority's file could not be read: why (nothing else is offered).
    pub problem: Option<String>,
    pub name: Option<String>,
    pub valid_until: Option<String>,
    pub sha256_fingerprint: Option<String>,
    pub key_text: Option<String>,
    pub revoked_text: Option<String>,
    pub crl_text: Option<String>,
    pub origin_text: Option<String>,
    /// What a restore brought back, said once it is done.
    pub restored_text: Option<String>,
    pub reminder: Option<String>,
    /// What it is and what trusting it means, in plain words.
    pub intro: String,
    pub create_hint: String,
    pub end_default: String,
    pub end_earliest: String,
    pub end_latest: String,
    pub end_hint: String,
    pub settings_intro: String,
    pub settings: Vec<ServerSettings>,
    pub reasons: Vec<Choice>,
    pub remove_text: String,
    /// The remove question's choice to forget the revocations too.
    pub forget_text: String,
    pub backup_text: String,
    /// The file names suggested for the exports (the settings name them).
    pub certificate_file: Option<String>,
    pub crl_file: Option<String>,
    /// The form's "Signed by": the authority (recommended) when there is
    /// one, and self-signed.
    pub signers: Vec<SignerOption>,
    pub signer_hint: String,
}

/// Where the settings say the files are on the server.
const SERVER_FOLDER: &str = "/etc/ssl/authcert";

impl View {
    pub fn of(found: Option<&Authority>, reminder_days: u32, clock: &Clock) -> View {
        let (earliest, default, latest) = end_range(clock.today());
        let cert_file = found.map(|a| super::suggested_file(a, None, "pem"));
        let crl_file = found.map(|a| super::suggested_file(a, Some("revocation list"), "pem"));
        let on_server = |f: &Option<String>, fallback: &str| {
            format!("{SERVER_FOLDER}/{}", f.as_deref().unwrap_or(fallback))
        };
        View {
            exists: found.is_some(),
            problem: None,
            name: found.map(|a| a.name.clone()),
            valid_until: found.map(|a| local_time(a.not_after, &clock.zone)),
            sha256_fingerprint: found.map(|a| a.sha256_fingerprint.to_string()),
            key_text: found.map(|a| {
                format!(
                    "RSA 3072, kept only in the {} (service “{}”, account “{}”)",
                    keychain::system_name(),
                    keychain::SERVICE,
                    a.keychain_account
                )
            }),
            revoked_text: found.map(|a| match a.revoked.len() {
                0 => "None".to_string(),
                1 => "1 certificate".to_string(),
                n => format!("{n} certificates"),
            }),
            crl_text: found.map(|a| match &a.last_crl {
                None => "Never exported. Export it for servers that check revocations (nginx, Apache).".to_string(),
                Some(c) => format!(
                    "Exported {} ({}); servers accept it until {}.{}",
                    local_day(c.this_update, &clock.zone),
                    c.file,
                    local_day(c.next_update, &clock.zone),
                    if a.crl_out_of_date() {
                        " A later revocation is not in it: export it again."
                    } else {
                        ""
                    }
                ),
            }),
            restored_text: found.map(super::restored_text),
            origin_text: found.map(|a| match &a.restored_from {
                Some(f) => format!("Restored from the backup {f}"),
                None => format!("Created on this computer on {}", local_day(a.created_at, &clock.zone)),
            }),
            reminder: found.and_then(|a| authority_reminder(a, reminder_days, clock)),
            intro: "An issuing authority signs your client certificates. Your server trusts the authority once; from then on every certificate it signs, and every replacement, is accepted with no change on the server. Anyone holding the authority's private key could make certificates your server accepts, so AuthCert keeps that key only in this computer's keychain, never in a file.".to_string(),
            create_hint: format!(
                "A name your server admins will recognise, such as “Acme integrations”. Its key is RSA 3072, which nginx, Apache, AWS API Gateway, Azure API Management, Kong and Traefik all accept; it is kept in the {}.",
                keychain::system_name()
            ),
            end_default: default.to_string(),
            end_earliest: earliest.to_string(),
            end_latest: latest.to_string(),
            end_hint: format!(
                "The last day the authority is valid: {DEFAULT_YEARS} years by default, at most {MAX_YEARS}. Certificates it signs may not outlive it."
            ),
            settings_intro: format!(
                "Give your server the authority's certificate (Export for your server), and the revocation list if it checks one. The settings below expect both files in {SERVER_FOLDER}/. A revocation list is valid {CRL_DAYS} days: after that nginx and Apache refuse every client certificate, so AuthCert reminds you to export it again."
            ),
            settings: server::settings(
                &on_server(&cert_file, "authority.pem"),
                &on_server(&crl_file, "revocation-list.pem"),
            ),
            reasons: Reason::ALL
                .iter()
                .map(|r| Choice {
                    token: r.token(),
                    label: r.label(),
                })
                .collect(),
            remove_text: "Its private key is deleted from the keychain. Certificates it signed keep working until they expire, but no certificate can be signed, replaced or revoked by it any more, and servers trust it until you remove it from their settings. Keep a backup if you may need it again. Its revocations stay on this computer, so restoring it later brings them back.".to_string(),
            forget_text: "Also forget its revocations on this computer (a backup still carries those it was made with)".to_string(),
            backup_text: "A backup holds the authority's private key and every revocation so far, in a file protected by a new password shown once. Keep the file and the password apart. Restore it on another computer with Restore from backup: certificates revoked before stay revoked.".to_string(),
            certificate_file: cert_file,
            crl_file,
            signers: signers(found),
            signer_hint: match found {
                Some(a) => format!("Signed by “{}”: servers that trust it accept this certificate, and its replacements, with no change. Self-signed: every service that checks it must be given this certificate. {CA_HINT}", a.name),
                None => format!("Self-signed: every service that checks it must be given this certificate, and every replacement again. To have servers trust your certificates once, create an issuing authority first (Issuing authority, on the list). {CA_HINT}"),
            },
        }
    }
}

impl View {
    /// The screen when the authority's file cannot be read: the reason, and
    /// a form that offers self-signed certificates only.
    pub fn unreadable(problem: String, reminder_days: u32, clock: &Clock) -> View {
        View {
            problem: Some(problem),
            ..View::of(None, reminder_days, clock)
        }
    }
}

/// What choosing another CA means, said beside the choice.
const CA_HINT: &str = "A certificate authority (company or commercial): when your company's CA or a commercial one must sign it, AuthCert makes a request file for it, the key waits in the keychain, and the CA's answer completes it; the CA decides the end date.";

fn signers(found: Option<&Authority>) -> Vec<SignerOption> {
    let own = SignerOption {
        token: SignerKind::SelfSigned.token(),
        label: SignerKind::SelfSigned.label().to_string(),
        recommended: found.is_none(),
    };
    // Another CA signs a request file; the form then makes the request.
    let ca = SignerOption {
        token: SignerKind::Ca.token(),
        label: SignerKind::Ca.label().to_string(),
        recommended: false,
    };
    match found {
        None => vec![own, ca],
        Some(a) => vec![
            SignerOption {
                token: SignerKind::Authority.token(),
                label: format!("{} (issuing authority)", a.name),
                recommended: true,
            },
            own,
            ca,
        ],
    }
}
