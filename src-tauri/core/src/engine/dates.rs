//! Dates as the admin types them (YYYY-MM-DD, a calendar day in their
//! time zone) and the range an end date may take: from tomorrow to five
//! years ahead, and never after the API token's end.

use jiff::civil::Date;
use jiff::ToSpan;

use super::error::{Field, FieldError};

/// How far ahead an end date may lie.
pub const MAX_VALIDITY_YEARS: i16 = 5;

/// Parses YYYY-MM-DD as a calendar date; `field` names the input in errors.
pub fn parse_date(raw: &str, field: Field) -> Result<Date, FieldError> {
    let s = raw.trim();
    let err = || {
        FieldError::new(
            field,
            format!(
                "“{}” is not a date; write it as YYYY-MM-DD, for example 2027-03-31.",
                s.chars().take(40).collect::<String>()
            ),
        )
    };
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(err());
    };
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(err());
    }
    // Each part is 2-4 ASCII digits, so these parses cannot fail.
    let (y, m, d): (i16, i8, i8) = (
        y.parse().map_err(|_| err())?,
        m.parse().map_err(|_| err())?,
        d.parse().map_err(|_| err())?,
    );
    Date::new(y, m, d).map_err(|_| {
        FieldError::new(
            field,
            format!("{s} does not exist in the calendar; check the day and the month."),
        )
    })
}

/// The dates an end date may take on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EndDateRange {
    pub earliest: Date,
    pub latest: Date,
}

impl EndDateRange {
    /// Tomorrow to five years from today, and never after the token's end.
    pub fn on(today: Date, api_token_end: Option<Date>) -> Self {
        // Civil dates in the years 2000-9000 never overflow here.
        let earliest = today.tomorrow().unwrap_or(today);
        let five_years = today
            .checked_add(MAX_VALIDITY_YEARS.years())
            .unwrap_or(Date::MAX);
        let latest = match api_token_end {
            Some(token) if token < five_years => token,
            _ => five_years,
        };
        EndDateRange { earliest, latest }
    }

    /// The default end date: one year from today, within the range.
    pub fn default_end(today: Date, api_token_end: Option<Date>) -> Date {
        let range = Self::on(today, api_token_end);
        let year = today.checked_add(1.year()).unwrap_or(range.latest);
        year.clamp(range.earliest, range.latest.max(range.earliest))
    }
}

pub(crate) fn parse_token_end(raw: &str, today: Date) -> Result<Date, FieldError> {
    let token = parse_date(raw, Field::ApiTokenEndDate)?;
    if token <= today {
        return Err(FieldError::new(
            Field::ApiTokenEndDate,
            format!(
                "the API token ends on {token}, before tomorrow, so no certificate can fit inside it; extend or remove the token's end date first, then come back."
            ),
        ));
    }
    Ok(token)
}

pub(crate) fn check_end_date(
    end: Date,
    today: Date,
    token_end: Option<Date>,
) -> Result<Date, FieldError> {
    let range = EndDateRange::on(today, token_end);
    let allowed = format!("choose a date from {} to {}", range.earliest, range.latest);
    let refuse = |rule: String| FieldError::new(Field::EndDate, format!("{rule}; {allowed}."));
    if end < range.earliest {
        return Err(refuse(format!(
            "{end} is too early: the certificate must be valid at least until tomorrow"
        )));
    }
    match token_end {
        Some(token) if end > token => Err(refuse(format!(
            "{end} is after the API token end date ({token}): the certificate may not outlive its token"
        ))),
        _ if end > range.latest => Err(refuse(format!(
            "{end} is more than {MAX_VALIDITY_YEARS} years away"
        ))),
        _ => Ok(end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn dates_are_parsed_as_dates() {
        assert_eq!(
            parse_date("2028-02-29", Field::EndDate).unwrap(),
            d("2028-02-29")
        );
        for bad in ["2027-02-29", "2027-13-01", "2027-04-31", "2027-00-10"] {
            let err = parse_date(bad, Field::EndDate).unwrap_err();
            assert!(
                err.message.contains("does not exist"),
                "{bad}: {}",
                err.message
            );
        }
        for bad in [
            "",
            "tomorrow",
            "2027/06/30",
            "30-06-2027",
            "2027-6-30",
            "+2027-06-30",
            "2027-06-30T00:00",
            "２０２７-06-30",
            "2027-06-30\u{0}",
        ] {
            let err = parse_date(bad, Field::ApiTokenEndDate).unwrap_err();
            assert_eq!(err.field, Field::ApiTokenEndDate);
            assert!(
                err.message.contains("YYYY-MM-DD"),
                "{bad:?}: {}",
                err.message
            );
        }
    }

    #[test]
    fn default_end_date_is_one_year_within_range() {
        assert_eq!(
            EndDateRange::default_end(d("2026-11-28"), None),
            d("2027-11-28")
        );
        assert_eq!(
            EndDateRange::default_end(d("2028-02-29"), None),
            d("2029-02-28")
        );
        assert_eq!(
            EndDateRange::default_end(d("2026-11-28"), Some(d("2027-01-31"))),
            d("2027-01-31")
        );
    }
}
