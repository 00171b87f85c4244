//! Hostile values shared by the hostile-input suites: text an attacker or a
//! confused script might send, and (for the window) JSON of every shape.

#![allow(dead_code)]

use serde_json::{json, Value};

/// Hostile text: empty and blank, huge, control characters (every one),
/// invisible and direction-changing characters, paths, markup, injections,
/// impossible dates, numbers as text, near-miss option values.
pub fn strings() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "\t",
        "   \n  ",
        "\u{0}",
        "a\u{0}b",
        "\u{7f}",
        "\u{202e}gnp.exe",
        "\u{feff}",
        "\u{200b}",
        "\u{fffd}",
        "../../etc/passwd",
        "..\\..\\Windows\\System32",
        "/dev/null",
        "C:\\Windows\\System32\\config",
        "CON",
        "NUL.p12",
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "' OR 1=1 --",
        "%s%s%s%n",
        "{{7*7}}",
        "${jndi:ldap://example.invalid/a}",
        "$(touch /tmp/authcert-pwned)",
        "`id`",
        "2027-02-30",
        "9999-99-99",
        "0000-00-00",
        "2027-13-01",
        "1970-01-01",
        "2027-1-1",
        "27-01-01",
        "+2027-01-01",
        "2027-01-01T00:00:00Z",
        "-1",
        "1e9",
        "NaN",
        "Infinity",
        "null",
        "true",
        "[]",
        "{}",
        "rsa-1024",
        "RSA 3072 ",
        "rsa-3072\u{0}",
        "aes-128",
        "md5",
        "sha1",
        "des",
        "rc2",
        "ecdsa-p521",
        "ed25519",
        "00",
        "zz:zz",
        "--nickname",
        "-",
        "--",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every control character, inside a word.
    v.extend((1u8..0x20).map(|c| format!("a{}b", c as char)));
    v.push("x".repeat(10_000));
    v.push("é".repeat(3_000));
    v.push("🙂".repeat(2_000));
    v.push("A".repeat(65));
    v.push("AB".repeat(64));
    v
}

/// Hostile JSON: every hostile string, and values of every other type.
pub fn values() -> Vec<Value> {
    let mut v: Vec<Value> = strings().into_iter().map(Value::String).collect();
    let mut deep_array = json!(1);
    let mut deep_object = json!(1);
    for _ in 0..64 {
        deep_array = json!([deep_array]);
        deep_object = json!({ "a": deep_object });
    }
    v.extend([
        Value::Null,
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(1),
        json!(3.5),
        json!(1e308),
        json!(-1e308),
        json!(i64::MAX),
        json!(u64::MAX),
        json!([]),
        json!([null]),
        json!(["rsa-3072"]),
        json!([1, 2, 3]),
        json!({}),
        json!({ "value": "x" }),
        json!({ "__proto__": { "polluted": true } }),
        json!({ "constructor": "x" }),
        deep_array,
        deep_object,
    ]);
    v
}
