//! "Now" and the admin's time zone, and moments as the admin reads them.
//! Nothing reads the system clock or zone but `Clock::system`, so every
//! rule can be tested on any day, in any zone.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// "Now" and the admin's time zone.
#[derive(Debug, Clone)]
pub struct Clock {
    pub now: Timestamp,
    pub zone: TimeZone,
}

impl Clock {
    /// The system clock in the system's time zone (UTC when it cannot be read).
    pub fn system() -> Self {
        Clock {
            now: Timestamp::now(),
            zone: crate::platform::zone::system(),
        }
    }

    pub fn today(&self) -> Date {
        self.now.to_zoned(self.zone.clone()).date()
    }

    /// A readable name for the zone: its IANA name, or its offset.
    pub fn zone_name(&self) -> String {
        match self.zone.iana_name() {
            Some(name) => name.to_string(),
            None => self
                .now
                .to_zoned(self.zone.clone())
                .strftime("UTC%:z")
                .to_string(),
        }
    }

    /// A moment in this clock's zone: `2027-03-31 23:59:59 CEST`.
    pub fn time(&self, t: Timestamp) -> String {
        local_time(t, &self.zone)
    }

    /// The day of a moment in this clock's zone: `2027-03-31`.
    pub fn day(&self, t: Timestamp) -> String {
        local_day(t, &self.zone)
    }
}

/// A moment as the admin reads it: `2027-03-31 23:59:59 CEST`.
pub fn local_time(t: Timestamp, zone: &TimeZone) -> String {
    t.to_zoned(zone.clone())
        .strftime("%Y-%m-%d %H:%M:%S %Z")
        .to_string()
}

/// The day of a moment in `zone`: `2027-03-31`.
pub fn local_day(t: Timestamp, zone: &TimeZone) -> String {
    t.to_zoned(zone.clone()).date().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_read_in_the_zone() {
        let t: Timestamp = "2027-03-31T21:59:59Z".parse().unwrap();
        let berlin = TimeZone::get("Europe/Berlin").unwrap();
        let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
        assert_eq!(local_day(t, &berlin), "2027-03-31");
        assert_eq!(local_day(t, &tokyo), "2027-04-01");
        assert_eq!(local_time(t, &berlin), "2027-03-31 23:59:59 CEST");
        let clock = Clock {
            now: t,
            zone: tokyo,
        };
        assert_eq!(clock.today().to_string(), "2027-04-01");
        assert_eq!(clock.zone_name(), "Asia/Tokyo");
        assert_eq!(clock.day(t), "2027-04-01");
        let fixed = Clock {
            now: t,
            zone: TimeZone::fixed(jiff::tz::offset(5)),
        };
        assert_eq!(fixed.zone_name(), "UTC+05:00");
    }
}
