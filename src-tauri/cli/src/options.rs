//! The one parser of every command's options: `--name VALUE` or
//! `--name=VALUE`, flags, and positional arguments, each refused with a
//! message naming it. Each command states what it takes in a [`Spec`].

use std::collections::BTreeMap;
use std::io::Write;

/// What a command takes.
pub struct Spec {
    /// As typed after `authcert`: "generate", "authority create".
    pub command: &'static str,
    /// Options with a value, and what the value is ("a value", "a number
    /// of days") for the message when it is missing.
    pub valued: &'static [(&'static str, &'static str)],
    /// Options without a value (`--help` and `-h` are always taken).
    pub flags: &'static [&'static str],
    /// The positional arguments, in order, named for messages ("FILE").
    pub positional: &'static [&'static str],
}

/// What most options take.
pub const A_VALUE: &str = "a value";

/// A command's options as typed.
#[derive(Debug, Default)]
pub struct Options {
    values: BTreeMap<&'static str, String>,
    flags: Vec<&'static str>,
    positionals: Vec<String>,
}

impl Spec {
    /// Where the command's options are explained.
    fn see(&self) -> String {
        let top = self.command.split(' ').next().unwrap_or(self.command);
        format!("see `authcert {top} --help`")
    }
}

/// Parses a command's `args`, or ends the command: its `help` printed
/// (exit 0) or the refusal printed (exit 2).
pub fn parse_or_exit(
    args: &[String],
    spec: &Spec,
    help: fn() -> String,
    stderr: &mut dyn Write,
) -> Result<Options, i32> {
    match Options::parse(args, spec) {
        Ok(o) if o.help() => {
            let _ = write!(stderr, "{}", help());
            Err(super::EXIT_OK)
        }
        Ok(o) => Ok(o),
        Err(msg) => Err(super::invalid(stderr, &msg)),
    }
}

impl Options {
    /// Parses `args` as `spec` says.
    pub fn parse(args: &[String], spec: &Spec) -> Result<Options, String> {
        let mut parsed = Options::default();
        let mut it = args.iter();
        let (command, see) = (spec.command, spec.see());
        while let Some(arg) = it.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
                _ => (arg.as_str(), None),
            };
            let shown = || arg.chars().take(40).collect::<String>();
            if !name.starts_with('-') || name == "-" {
                match spec.positional {
                    [] => {
                        return Err(format!(
                            "“{}” is not an option of {command}; {see}.",
                            shown()
                        ))
                    }
                    names if parsed.positionals.len() < names.len() => {
                        parsed.positionals.push(arg.clone())
                    }
                    [what] => return Err(format!("give one {what}; the second one is extra.")),
                    names => {
                        return Err(format!(
                            "give {} only; “{}” is extra.",
                            names.join(" and "),
                            shown()
                        ))
                    }
                }
                continue;
            }
            let name = if name == "-h" { "--help" } else { name };
            if let Some(flag) = spec.flags.iter().chain(&["--help"]).find(|f| **f == name) {
                if inline.is_some() {
                    return Err(format!("{flag} takes no value; {see}."));
                }
                if parsed.flags.contains(flag) {
                    return Err(format!("{flag} is given twice; give it once."));
                }
                parsed.flags.push(flag);
                continue;
            }
            let Some((option, what)) = spec.valued.iter().find(|(v, _)| *v == name) else {
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
                    .ok_or_else(|| format!("{option} needs {what}; {see}."))?,
            };
            parsed.values.insert(option, value);
        }
        Ok(parsed)
    }

    /// The `i`th positional argument (from 0), if given.
    pub fn positional(&self, i: usize) -> Option<&str> {
        self.positionals.get(i).map(String::as_str)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The value, owned.
    pub fn take(&mut self, name: &str) -> Option<String> {
        self.values.remove(name)
    }

    /// `--replaces NICKNAME`: the listed certificate the new one replaces
    /// (it takes over its integrations), or why it is not one.
    pub fn replaces(
        &self,
        store: &authcert_core::store::Store,
    ) -> Result<Option<authcert_core::ids::Fingerprint>, String> {
        self.value("--replaces")
            .map(|nickname| {
                authcert_core::connect::source::find_by_nickname(store, nickname)
                    .map(|r| r.described.sha256_fingerprint)
                    .map_err(|e| format!("--replaces: {e}"))
            })
            .transpose()
    }

    /// The value of a required option.
    pub fn required(&self, name: &str, spec: &Spec) -> Result<&str, String> {
        self.value(name)
            .ok_or_else(|| format!("{name} is required; {}.", spec.see()))
    }

    /// The options of `names` that were not given, as one refusal:
    /// "--nickname, --end-date are required; see …".
    pub fn all_required(&self, names: &[&str], spec: &Spec) -> Result<(), String> {
        let missing: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| self.value(n).is_none())
            .collect();
        match missing.as_slice() {
            [] => Ok(()),
            [one] => Err(format!("{one} is required; {}.", spec.see())),
            many => Err(format!("{} are required; {}.", many.join(", "), spec.see())),
        }
    }

    pub fn flag(&self, name: &str) -> bool {
        self.flags.contains(&name)
    }

    pub fn help(&self) -> bool {
        self.flag("--help")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    const SPEC: Spec = Spec {
        command: "t",
        valued: &[("--out", A_VALUE), ("--days", "a number of days")],
        flags: &["--force"],
        positional: &["FILE"],
    };

    #[test]
    fn values_flags_and_positionals() {
        let o = Options::parse(
            &args(&["--out=a.pem", "x", "--force", "--days", "3"]),
            &SPEC,
        )
        .unwrap();
        assert_eq!(o.value("--out"), Some("a.pem"));
        assert_eq!(o.value("--days"), Some("3"));
        assert!(o.flag("--force") && !o.help());
        assert_eq!(o.positional(0), Some("x"));
        assert!(Options::parse(&args(&["-h"]), &SPEC).unwrap().help());
        assert!(o.all_required(&["--out", "--days"], &SPEC).is_ok());
    }

    #[test]
    fn refusals_name_the_option() {
        let parse = |a: &[&str]| Options::parse(&args(a), &SPEC);
        assert_eq!(
            parse(&["--out"]).unwrap_err(),
            "--out needs a value; see `authcert t --help`."
        );
        assert!(parse(&["--days"])
            .unwrap_err()
            .contains("--days needs a number of days"));
        assert!(parse(&["--out", "a", "--out", "b"])
            .unwrap_err()
            .contains("--out is given twice"));
        assert!(parse(&["--force=1"])
            .unwrap_err()
            .contains("--force takes no value"));
        assert!(parse(&["--nope=1"])
            .unwrap_err()
            .contains("“--nope=1” is not an option of t"));
        assert_eq!(
            parse(&["x", "y"]).unwrap_err(),
            "give one FILE; the second one is extra."
        );
        let none = Spec {
            positional: &[],
            ..SPEC
        };
        assert!(Options::parse(&args(&["x"]), &none)
            .unwrap_err()
            .contains("“x” is not an option of t"));
        let o = parse(&[]).unwrap();
        assert_eq!(
            o.all_required(&["--out", "--days"], &SPEC).unwrap_err(),
            "--out, --days are required; see `authcert t --help`."
        );
        assert_eq!(
            o.required("--out", &SPEC).unwrap_err(),
            "--out is required; see `authcert t --help`."
        );
    }
}
