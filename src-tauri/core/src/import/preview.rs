//! What the window shows before a certificate is added: each certificate
//! of the file with its dates in the admin's zone and its status, the one
//! that would be added, a nickname to start from, and what to know.

use serde::Serialize;

use super::{chosen, suggested_nickname, Candidate, Inspected};
use crate::clock::local_time;
use crate::engine::Clock;
use crate::store::{Record, Status};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CandidateView {
    #[serde(flatten)]
    pub candidate: Candidate,
    pub valid_from: String,
    pub expires: String,
    pub status: Status,
    pub status_text: String,
    /// Not valid yet (its start is in the future).
    pub not_yet_valid: bool,
    /// The nickname it is listed under already, if it is.
    pub listed_as: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub format: String,
    pub has_key: bool,
    pub certificates: Vec<CandidateView>,
    /// The certificate that will be added (its key is in the file, or the
    /// file holds one); None: the admin chooses.
    pub selected: Option<usize>,
    pub suggested_nickname: String,
    pub warnings: Vec<String>,
    pub protection: Option<String>,
    pub zone: String,
}

impl Preview {
    pub fn of(
        inspected: &Inspected,
        listed: &[Record],
        reminder_days: u32,
        clock: &Clock,
    ) -> Preview {
        let certificates: Vec<CandidateView> = inspected
            .certificates
            .iter()
            .map(|c| {
                let status = Status::of(c.not_after, clock.now, &clock.zone, reminder_days);
                CandidateView {
                    valid_from: local_time(c.not_before, &clock.zone),
                    expires: local_time(c.not_after, &clock.zone),
                    status_text: status.text(),
                    status,
                    not_yet_valid: c.not_before > clock.now,
                    listed_as: listed
                        .iter()
                        .find(|r| r.described.sha256_fingerprint == c.sha256_fingerprint)
                        .map(|r| r.described.nickname.clone()),
                    candidate: c.clone(),
                }
            })
            .collect();
        let selected = chosen(inspected, None).ok().map(|(i, _)| i);
        let first = selected
            .and_then(|i| inspected.certificates.get(i))
            .or(inspected.certificates.first());
        let suggested = first
            .map(|c| suggested_nickname(c, listed.iter().map(|r| r.described.nickname.as_str())))
            .unwrap_or_default();
        Preview {
            format: inspected
                .format
                .words(inspected.with_key.is_some())
                .to_string(),
            has_key: inspected.with_key.is_some(),
            certificates,
            selected,
            suggested_nickname: suggested,
            warnings: inspected.warnings.clone(),
            protection: inspected.protection.clone(),
            zone: clock.zone_name(),
        }
    }
}
