//! The admin's time zone, for showing dates and counting days alike.
//!
//! jiff finds the zone's name (`/etc/localtime -> …/zoneinfo/Europe/Berlin`)
//! and then looks it up in its zoneinfo database, which first lists the
//! whole zoneinfo folder: about 1.5 ms, most of what `authcert generate`
//! spent before its first rule. On Unix, with `TZ` unset, the file the link
//! names is read directly instead, under the same name; anything unusual
//! (`TZ` set, no link, a name that is not plainly a zone's) goes to jiff's
//! own lookup, as everywhere else.

use std::path::Path;

use jiff::tz::TimeZone;

/// The system's time zone; UTC when it cannot be read.
pub fn system() -> TimeZone {
    #[cfg(unix)]
    if std::env::var_os("TZ").is_none() {
        if let Some(zone) = linked(Path::new("/etc/localtime")) {
            return zone;
        }
    }
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// The zone a `localtime` link points at, named as jiff names it (the path
/// after `zoneinfo/`); `None` when `link` is not such a link.
#[cfg_attr(not(unix), allow(dead_code))]
fn linked(link: &Path) -> Option<TimeZone> {
    let target = std::fs::read_link(link).ok()?;
    // Relative links (`../usr/share/zoneinfo/…`) are relative to the link's folder.
    let target = link.parent()?.join(target);
    let (_, name) = target.to_str()?.rsplit_once("zoneinfo/")?;
    // "right/…" zones count leap seconds, which jiff's lookup would not name.
    let plain = |part: &str| {
        !part.is_empty()
            && part != ".."
            && part != "."
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
    };
    if !name.split('/').all(plain) || name.starts_with("right/") {
        return None;
    }
    let bytes = std::fs::read(&target).ok()?;
    TimeZone::tzif(name, &bytes).ok()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use jiff::Timestamp;
    use std::os::unix::fs::symlink;

    const ZONEINFO: &str = "/usr/share/zoneinfo";

    fn offsets(zone: &TimeZone) -> Vec<i32> {
        ["2026-01-15T12:00:00Z", "2026-07-15T12:00:00Z"]
            .iter()
            .map(|t| {
                let t: Timestamp = t.parse().unwrap();
                zone.to_offset(t).seconds()
            })
            .collect()
    }

    #[test]
    fn a_link_into_zoneinfo_gives_the_named_zone() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("localtime");
        symlink(format!("{ZONEINFO}/Europe/Berlin"), &link).unwrap();
        let zone = linked(&link).unwrap();
        assert_eq!(zone.iana_name(), Some("Europe/Berlin"));
        let jiffs = TimeZone::get("Europe/Berlin").unwrap();
        assert_eq!(offsets(&zone), offsets(&jiffs));
        assert_eq!(offsets(&zone), vec![3600, 7200]);
    }

    #[test]
    fn a_relative_link_is_read_from_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let etc = dir.path().join("etc");
        std::fs::create_dir(&etc).unwrap();
        let zones = dir.path().join("usr/share/zoneinfo/America");
        std::fs::create_dir_all(&zones).unwrap();
        std::fs::copy(
            format!("{ZONEINFO}/America/New_York"),
            zones.join("New_York"),
        )
        .unwrap();
        let link = etc.join("localtime");
        symlink("../usr/share/zoneinfo/America/New_York", &link).unwrap();
        let zone = linked(&link).unwrap();
        assert_eq!(zone.iana_name(), Some("America/New_York"));
        assert_eq!(offsets(&zone), vec![-5 * 3600, -4 * 3600]);
    }

    #[test]
    fn anything_else_is_left_to_jiff() {
        let dir = tempfile::tempdir().unwrap();
        // Not a link.
        let file = dir.path().join("localtime");
        std::fs::copy(format!("{ZONEINFO}/Europe/Berlin"), &file).unwrap();
        assert!(linked(&file).is_none());
        // Not into a zoneinfo folder, a name climbing out, leap seconds,
        // a zone that does not exist.
        for (i, target) in [
            format!("{ZONEINFO}/../zoneinfo"),
            "/etc/hostname".to_string(),
            format!("{ZONEINFO}/Europe/../../../etc/passwd"),
            format!("{ZONEINFO}/right/Europe/Berlin"),
            format!("{ZONEINFO}/Nowhere/Atlantis"),
        ]
        .iter()
        .enumerate()
        {
            let link = dir.path().join(format!("l{i}"));
            symlink(target, &link).unwrap();
            assert!(linked(&link).is_none(), "{target}");
        }
    }

    #[test]
    fn the_system_zone_is_the_one_jiff_finds() {
        let ours = system();
        let jiffs = TimeZone::try_system().unwrap_or(TimeZone::UTC);
        assert_eq!(ours.iana_name(), jiffs.iana_name());
        assert_eq!(offsets(&ours), offsets(&jiffs));
    }
}
