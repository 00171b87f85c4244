//! Parsing a command's options: `--name VALUE` or `--name=VALUE`, flags,
//! and positional arguments, each refused with a message naming it.

use std::collections::BTreeMap;

/// A command's options as typed.
#[derive(Debug, Default)]
pub struct Options {
    values: BTreeMap<&'static str, String>,
    flags: Vec<&'static str>,
    pub positional: Vec<String>,
}

impl Options {
    /// Parses `args` for `command`, which takes the options `valued` (with
    /// a value) and `flags` (without), and at most `max_positional` others.
    pub fn parse(
        args: &[String],
        command: &str,
        valued: &[&'static str],
        flags: &[&'static str],
        max_positional: usize,
    ) -> Result<Options, String> {
        let mut parsed = Options::default();
        let mut it = args.iter();
        let see = format!("see `authcert help {command}`");
        while let Some(arg) = it.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
                _ => (arg.as_str(), None),
            };
            let shown = || arg.chars().take(40).collect::<String>();
            if !name.starts_with('-') || name == "-" {
                if parsed.positional.len() == max_positional {
                    return Err(format!("“{}” is extra; {see}.", shown()));
                }
                parsed.positional.push(arg.clone());
                continue;
            }
            let name = if name == "-h" { "--help" } else { name };
            if let Some(flag) = flags.iter().chain(&["--help"]).find(|f| **f == name) {
                if inline.is_some() {
                    return Err(format!("{flag} takes no value; {see}."));
                }
                if parsed.flags.contains(flag) {
                    return Err(format!("{flag} is given twice; give it once."));
                }
                parsed.flags.push(flag);
                continue;
            }
            let Some(option) = valued.iter().find(|v| **v == name) else {
                return Err(format!(
                    "“{}” is not an option of {command}; {see}.",
                    shown()
                ));
            };
            if parsed.values.contains_key(option) {
                return Err(format!("{option} is given twice; give it once."));
            }
            let value = match inline {
                Some(v) => v,
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| format!("{option} needs a value; {see}."))?,
            };
            parsed.values.insert(option, value);
        }
        Ok(parsed)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The value of a required option.
    pub fn required(&self, name: &str, command: &str) -> Result<&str, String> {
        self.value(name)
            .ok_or_else(|| format!("{name} is required; see `authcert help {command}`."))
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn values_flags_and_positionals() {
        let o = Options::parse(
            &args(&["--out=a.pem", "x", "--force"]),
            "t",
            &["--out"],
            &["--force"],
            1,
        )
        .unwrap();
        assert_eq!(o.value("--out"), Some("a.pem"));
        assert!(o.flag("--force") && !o.flag("--help"));
        assert_eq!(o.positional, ["x"]);
    }

    #[test]
    fn refusals_name_the_option() {
        let parse = |a: &[&str]| Options::parse(&args(a), "t", &["--out"], &["--f"], 0);
        assert!(parse(&["--out"])
            .unwrap_err()
            .contains("--out needs a value"));
        assert!(parse(&["--out", "a", "--out", "b"])
            .unwrap_err()
            .contains("twice"));
        assert!(parse(&["--f=1"]).unwrap_err().contains("takes no value"));
        assert!(parse(&["--nope"])
            .unwrap_err()
            .contains("“--nope” is not an option of t"));
        assert!(parse(&["x"]).unwrap_err().contains("“x” is extra"));
    }
}
