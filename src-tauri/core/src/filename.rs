//! A suggested file name that is valid on Windows, macOS and Linux.
//!
//! Deliberately the same rules on every system, not a `cfg` per platform
//! (src-tauri/platform/ holds those): a `.p12` saved on Linux is mailed to
//! or copied onto a Windows share, so its name must be valid there too.
//! What each system refuses, from its documentation, checked by the tests
//! below: Windows (Win32 "Naming Files, Paths, and Namespaces") `< > : " / \
//! | ? *`, control characters, trailing dots and spaces, device names with or
//! without an extension, 255 UTF-16 units; macOS (APFS) `/` and `:` (Finder
//! shows `:` as `/`), 255 UTF-8 bytes; Linux `/` and NUL, 255 bytes.

/// Names Windows reserves for devices, with or without an extension.
const WINDOWS_RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM0", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7",
    "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6",
    "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³", "CONIN$", "CONOUT$",
];

/// The longest stem kept, in bytes: with the extension it stays well under
/// the 255 bytes (Linux, macOS) and 255 UTF-16 units (Windows) of a name.
const MAX_STEM_BYTES: usize = 200;

/// `<stem>.<extension>` for `stem` (usually a nickname): characters that any
/// of the three systems refuses or treats specially become `_`, leading and
/// trailing dots and spaces go, device names get a `_`, long names are cut at
/// a character boundary, and an empty result becomes `certificate`.
pub fn suggested(stem: &str, extension: &str) -> String {
    let cleaned: String = stem
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let mut stem = String::new();
    for c in trimmed.chars() {
        if stem.len() + c.len_utf8() > MAX_STEM_BYTES {
            break;
        }
        stem.push(c);
    }
    let mut stem = stem.trim_end_matches(['.', ' ']).to_string();
    if stem.is_empty() {
        stem = "certificate".into();
    }
    // Windows reserves the name whatever follows the first dot: "CON.txt" too.
    let device_end = stem.find('.').unwrap_or(stem.len());
    let device = stem[..device_end].trim_end();
    if WINDOWS_RESERVED
        .iter()
        .any(|r| r.eq_ignore_ascii_case(device))
    {
        stem.insert(device_end, '_');
    }
    format!("{stem}.{extension}")
}

/// Why Windows cannot hold a file named `name` (None: it can), in words
/// that say what to do: the rules `suggested` avoids. A path to a device
/// name writes to the device (`NUL` discards the file), and Windows drops
/// a trailing dot or space, so the file would get another name than asked.
pub fn windows_refuses(name: &str) -> Option<String> {
    let shown: String = name.chars().take(80).collect();
    if let Some(c) = name.chars().find(|c| {
        matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*') || c.is_control()
    }) {
        let c = if c.is_control() {
            format!("a control character (U+{:04X})", u32::from(c))
        } else {
            format!("“{c}”")
        };
        return Some(format!(
            "Windows does not allow {c} in a file name; choose another name."
        ));
    }
    if name.ends_with(['.', ' ']) {
        return Some(format!(
            "“{shown}” ends in a dot or a space, which Windows drops from file names; choose a name that does not."
        ));
    }
    let device_end = name.find('.').unwrap_or(name.len());
    let device = name[..device_end].trim_end();
    if WINDOWS_RESERVED
        .iter()
        .any(|r| r.eq_ignore_ascii_case(device))
    {
        return Some(format!(
            "“{shown}” is a name Windows keeps for a device ({}), with any extension; choose another name.",
            device.to_ascii_uppercase()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{suggested, windows_refuses};

    #[test]
    fn names_windows_refuses_are_said() {
        for (name, words) in [
            ("CON", "device (CON)"),
            ("nul.p12", "device (NUL)"),
            ("COM1.p12", "device (COM1)"),
            ("lpt1", "device (LPT1)"),
            ("Payments.p12.", "ends in a dot"),
            ("Payments.p12 ", "ends in a dot or a space"),
            ("a<b.p12", "“<”"),
            ("a|b.p12", "“|”"),
            ("a?.p12", "“?”"),
            ("a*.p12", "“*”"),
            ("a:b.p12", "“:”"),
            ("a\"b.p12", "“\"”"),
            ("a\u{1}.p12", "control character (U+0001)"),
        ] {
            let why = windows_refuses(name).unwrap_or_else(|| panic!("{name}"));
            assert!(why.contains(words), "{name}: {why}");
        }
        for name in [
            "Payments.p12",
            "CONSOLE.p12",
            "con-2.p12",
            "請求.p12",
            ".hidden.p12",
        ] {
            assert_eq!(windows_refuses(name), None, "{name}");
        }
        // Every name `suggested` makes is one Windows takes.
        for stem in ["CON", "nul.txt", "a:b", "trailing. ", "x\u{7}"] {
            let s = suggested(stem, "p12");
            assert_eq!(windows_refuses(&s), None, "{stem} → {s}");
        }
    }

    #[test]
    fn ordinary_nicknames_are_kept() {
        assert_eq!(suggested("Billing API", "p12"), "Billing API.p12");
        assert_eq!(suggested("請求-API_2", "p12"), "請求-API_2.p12");
    }

    #[test]
    fn windows_device_names_are_avoided() {
        for name in ["CON", "con", "Nul", "COM1", "lpt9", "AUX", "COM¹", "CONIN$"] {
            let s = suggested(name, "p12");
            assert_eq!(s, format!("{name}_.p12"), "{name}");
        }
        assert_eq!(suggested("CONSOLE", "p12"), "CONSOLE.p12");
        assert_eq!(suggested("con.txt", "p12"), "con_.txt.p12");
    }

    #[test]
    fn forbidden_and_invisible_characters_are_replaced() {
        assert_eq!(
            suggested("a/b\\c:d*e?f\"g<h>i|j", "p12"),
            "a_b_c_d_e_f_g_h_i_j.p12"
        );
        assert_eq!(suggested("tab\there\u{0}", "p12"), "tab_here_.p12");
    }

    #[test]
    fn dots_and_spaces_at_the_ends_go() {
        assert_eq!(suggested("  name. . ", "p12"), "name.p12");
        assert_eq!(suggested("...hidden", "p12"), "hidden.p12");
        assert_eq!(suggested(" . ", "p12"), "certificate.p12");
        assert_eq!(suggested("", "cer"), "certificate.cer");
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary() {
        let s = suggested(&"é".repeat(300), "p12");
        assert!(s.len() <= 204, "{}", s.len());
        assert!(s.ends_with(".p12"));
        assert_eq!(s.trim_end_matches(".p12").chars().count(), 100);
    }
}
