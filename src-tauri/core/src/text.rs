//! Text from outside — a server's certificate, a file made elsewhere, the
//! list on disk — as it may be shown. A terminal obeys the control
//! characters it prints (ESC sequences set its title, move the cursor, or
//! worse), and bidirectional overrides make text read differently from what
//! it is, so every such character is written as a visible escape. The
//! window shows text with `textContent`, which obeys nothing, but the same
//! escapes keep an override from reordering what the admin reads there too.

use std::borrow::Cow;

/// Characters never printed as they are: C0 and C1 controls and DEL (Cc),
/// the bidirectional marks, embeddings, overrides and isolates, and the
/// Unicode line and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// `text` with each unsafe character written as an escape: `\n`, `\r`,
/// `\t`, or `\u{1b}` (Rust's notation). Borrowed when nothing needed it.
pub fn shown(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// As `shown`, but line breaks stay: for the lines a program writes itself
/// (everything else in them passed through `shown` already).
pub fn shown_keeping_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\n' {
            out.push(c);
        } else {
            push_escaped(&mut out, c);
        }
    }
    Cow::Owned(out)
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
        c => out.push(c),
    }
}

/// JSON text (from serde_json, which escapes C0 controls, quotes and
/// backslashes) with the other unsafe characters escaped too, as JSON
/// escapes (`\u009b`, `\u202e`): the values read back unchanged, and a
/// terminal showing the JSON obeys none of them. Outside strings JSON is
/// ASCII, so every such character is inside a string.
pub fn json_safe(json: &str) -> Cow<'_, str> {
    if !json.chars().any(is_unsafe_in_json) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if is_unsafe_in_json(c) {
            // Every such character is in the Basic Multilingual Plane.
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Unsafe characters serde_json leaves as they are (it escapes C0).
fn is_unsafe_in_json(c: char) -> bool {
    is_unsafe(c) && u32::from(c) >= 0x20
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_overrides_become_visible() {
        assert_eq!(shown("Billing API"), "Billing API");
        assert!(matches!(shown("Billing API"), Cow::Borrowed(_)));
        assert_eq!(shown("a\u{1b}]0;pwned\u{7}b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(shown("line\nnext\r\t"), "line\\nnext\\r\\t");
        assert_eq!(shown("csi\u{9b}2J"), "csi\\u{9b}2J");
        assert_eq!(shown("del\u{7f}"), "del\\u{7f}");
        assert_eq!(shown("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(
            shown("\u{2066}x\u{2069}\u{200f}"),
            "\\u{2066}x\\u{2069}\\u{200f}"
        );
        assert_eq!(shown("para\u{2029}"), "para\\u{2029}");
        // Letters of every script, and marks, are not touched.
        assert_eq!(shown("請求 Счёт नमस्ते مرحبا"), "請求 Счёт नमस्ते مرحبا");
        assert_eq!(shown_keeping_lines("a\nb\u{1b}"), "a\nb\\u{1b}");
    }

    #[test]
    fn json_keeps_its_values_and_escapes_the_rest() {
        let value = "x\u{1b}[31m\u{9b}\u{202e}y";
        let json = serde_json::to_string(&serde_json::json!({ "subject": value })).unwrap();
        let safe = json_safe(&json);
        assert!(!safe.chars().any(is_unsafe), "{safe}");
        assert!(
            safe.contains("\\u009b") && safe.contains("\\u202e"),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["subject"], value);
    }
}
