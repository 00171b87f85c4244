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

#[cfg(test)]
mod tests {
    use super::suggested;

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
