//! A private D-Bus session for tests, with or without a real Secret Service
//! (GNOME Keyring), so that keychain tests never touch the user's keyring.
//!
//! When the suites test the Windows build under Wine (scripts/windows.sh),
//! the keychain is Wine's Credential Manager instead, kept in the prefix's
//! registry: each "bus" is then a Wine prefix of its own (its registry
//! files, the test prefix's drive C shared), so tests see only their own
//! entries, read with tests/support/wine/credread.c. A Credential Manager
//! that is missing or locked cannot be made under Wine: tests that need one
//! skip themselves there (`common::skip_on_windows`).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct Bus {
    daemon: Option<Child>,
    keyring: Option<Child>,
    pub address: String,
    pub dir: PathBuf,
    /// Under Wine: this bus's own prefix (its Credential Manager).
    wine_prefix: Option<PathBuf>,
}

fn windows() -> bool {
    std::env::var("AUTHCERT_TEST_TARGET").as_deref() == Ok("windows")
}

fn wine() -> String {
    std::env::var("AUTHCERT_WINE").unwrap_or_else(|_| "/usr/lib/wine/wine64".into())
}

pub enum Keyring {
    /// No Secret Service provider on the bus.
    None,
    /// GNOME Keyring, unlocked (a login keyring with a known password).
    Unlocked,
    /// GNOME Keyring that was never unlocked, with no way to prompt.
    Locked,
}

impl Bus {
    pub fn start(name: &str, keyring: Keyring) -> Bus {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("bus")
            .join(name);
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["run", "data", "home"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        if windows() {
            return Bus::wine(dir, keyring);
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.join("run"), std::fs::Permissions::from_mode(0o700))
                .unwrap();
        }
        // No <servicedir>: nothing is started on demand, so "no provider"
        // really has none.
        let config = dir.join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
                dir.join("run").display()
            ),
        )
        .unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--print-address=1", "--nofork"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon runs (scripts/test.sh installs it)");
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let mut bus = Bus {
            daemon: Some(daemon),
            keyring: None,
            address: address.trim().to_string(),
            dir,
            wine_prefix: None,
        };
        match keyring {
            Keyring::None => {}
            Keyring::Unlocked => bus.start_keyring(true),
            Keyring::Locked => bus.start_keyring(false),
        }
        bus
    }

    /// A Wine prefix of its own for this bus: the test prefix's registry
    /// files copied (the Credential Manager lives in user.reg), its drive C
    /// shared through a link.
    fn wine(dir: PathBuf, keyring: Keyring) -> Bus {
        assert!(
            matches!(keyring, Keyring::Unlocked),
            "a missing or locked Credential Manager cannot be made under Wine: skip this test there"
        );
        let template = PathBuf::from(
            std::env::var_os("WINEPREFIX").expect("scripts/windows.sh sets WINEPREFIX"),
        );
        let prefix = dir.join("wine-prefix");
        std::fs::create_dir_all(prefix.join("dosdevices")).unwrap();
        for name in ["system.reg", "user.reg", "userdef.reg", ".update-timestamp"] {
            if template.join(name).exists() {
                std::fs::copy(template.join(name), prefix.join(name)).unwrap();
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::symlink;
            symlink(template.join("drive_c"), prefix.join("drive_c")).unwrap();
            symlink("../drive_c", prefix.join("dosdevices/c:")).unwrap();
            symlink("/", prefix.join("dosdevices/z:")).unwrap();
        }
        // One wineserver for the bus's life (stopped on drop), not one
        // started anew whenever the last went idle; and the prefix's
        // services started now, by a process whose output goes nowhere:
        // started by a test's first command, they would keep its output
        // pipe open, and the test would wait on it.
        let quiet = |c: &mut Command| {
            c.env("WINEPREFIX", &prefix)
                .env("WINEDEBUG", "-all")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("wine runs")
        };
        quiet(Command::new("/usr/lib/wine/wineserver").arg("-p"));
        quiet(Command::new(wine()).args(["cmd", "/c", "exit"]));
        Bus {
            daemon: None,
            keyring: None,
            address: String::new(),
            dir,
            wine_prefix: Some(prefix),
        }
    }

    /// Environment for a process that should use this bus.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        if let Some(prefix) = &self.wine_prefix {
            return vec![("WINEPREFIX", prefix.display().to_string())];
        }
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address.clone()),
            (
                "XDG_RUNTIME_DIR",
                self.dir.join("run").display().to_string(),
            ),
        ]
    }

    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.envs(self.env())
            .env("XDG_DATA_HOME", self.dir.join("data"))
            .env("HOME", self.dir.join("home"));
        c
    }

    fn start_keyring(&mut self, unlock: bool) {
        let mut c = self.command("gnome-keyring-daemon");
        c.args(["--foreground", "--components=secrets"]);
        if unlock {
            c.arg("--unlock");
        }
        let mut child = c
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon runs (scripts/test.sh installs it)");
        let mut stdin = child.stdin.take().unwrap();
        if unlock {
            stdin.write_all(b"keyring-test-password").unwrap();
        }
        drop(stdin);
        self.keyring = Some(child);
        // Ready once it owns org.freedesktop.secrets on the bus.
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = self
                .command("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .output()
                .unwrap();
            if String::from_utf8_lossy(&out.stdout).contains("boolean true") {
                return;
            }
            assert!(Instant::now() < deadline, "GNOME Keyring did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `secret-tool ARGS` against this bus.
    pub fn secret_tool(&self, args: &[&str]) -> Output {
        self.command("secret-tool")
            .args(args)
            .output()
            .expect("secret-tool runs")
    }

    /// Under Wine: (account, secret as text, length) of each AuthCert
    /// credential, from credread.exe.
    fn credentials(&self) -> Vec<(String, String, usize)> {
        let prefix = self.wine_prefix.as_ref().expect("a Wine bus");
        let tools = std::env::var_os("AUTHCERT_WINE_TOOLS").expect("scripts/windows.sh sets it");
        let out = Command::new(wine())
            .arg(Path::new(&tools).join("credread.exe"))
            .env("WINEPREFIX", prefix)
            .env("WINEDEBUG", "-all")
            .output()
            .expect("wine runs credread.exe");
        assert!(out.status.success(), "credread.exe: {out:?}");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| {
                let mut parts = l.splitn(3, '\t');
                Some((
                    parts.next()?.to_string(),
                    parts.next()?.to_string(),
                    parts.next()?.trim().parse().ok()?,
                ))
            })
            .collect()
    }

    /// The length in bytes of the secret stored under `account` (Windows
    /// caps a credential's secret at 2 560 bytes).
    pub fn secret_len(&self, account: &str) -> Option<usize> {
        if self.wine_prefix.is_some() {
            return self
                .credentials()
                .into_iter()
                .find(|(a, _, _)| a == account)
                .map(|(_, _, len)| len);
        }
        let out = self.secret_tool(&["lookup", "service", "AuthCert", "username", account]);
        out.status.success().then_some(out.stdout.len())
    }

    /// The password stored under `account`, as secret-tool reads it.
    pub fn lookup(&self, account: &str) -> Option<String> {
        if self.wine_prefix.is_some() {
            return self
                .credentials()
                .into_iter()
                .find(|(a, _, _)| a == account)
                .map(|(_, secret, _)| secret);
        }
        let out = self.secret_tool(&["lookup", "service", "AuthCert", "username", account]);
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Every AuthCert entry: (account, password), from `secret-tool search`.
    pub fn entries(&self) -> Vec<(String, String)> {
        if self.wine_prefix.is_some() {
            return self
                .credentials()
                .into_iter()
                .map(|(a, secret, _)| (a, secret))
                .collect();
        }
        let out = self.secret_tool(&["search", "--all", "--unlock", "service", "AuthCert"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let mut entries = Vec::new();
        for item in text.split("\n[").skip_while(|b| b.trim().is_empty()) {
            let field = |name: &str| {
                item.lines()
                    .find_map(|l| l.strip_prefix(&format!("{name} = ")))
                    .map(str::to_string)
            };
            if let (Some(account), Some(secret)) = (field("attribute.username"), field("secret")) {
                entries.push((account, secret));
            }
        }
        entries
    }

    /// Every AuthCert entry's account, whatever its secret (an authority's
    /// key is binary, which `entries` cannot show as text).
    pub fn accounts(&self) -> Vec<String> {
        if self.wine_prefix.is_some() {
            return self.credentials().into_iter().map(|(a, _, _)| a).collect();
        }
        let out = self.secret_tool(&["search", "--all", "--unlock", "service", "AuthCert"]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        text.lines()
            .filter_map(|l| l.strip_prefix("attribute.username = "))
            .map(str::to_string)
            .collect()
    }

    /// The password of the certificate named `nickname`: its entry's account
    /// is "NICKNAME (8 hex digits of its fingerprint)"; None if there is no
    /// such entry, and a panic if there are several.
    pub fn lookup_certificate(&self, nickname: &str) -> Option<String> {
        let prefix = format!("{nickname} (");
        let found: Vec<(String, String)> = self
            .entries()
            .into_iter()
            .filter(|(account, _)| {
                account.strip_prefix(&prefix).is_some_and(|rest| {
                    rest.len() == 9
                        && rest.ends_with(')')
                        && rest[..8].bytes().all(|b| b.is_ascii_hexdigit())
                })
            })
            .collect();
        assert!(found.len() <= 1, "{nickname}: several entries {found:?}");
        found.into_iter().next().map(|(_, secret)| secret)
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        if let Some(k) = &mut self.keyring {
            let _ = k.kill();
            let _ = k.wait();
        }
        if let Some(d) = &mut self.daemon {
            let _ = d.kill();
            let _ = d.wait();
        }
        if let Some(prefix) = &self.wine_prefix {
            // This prefix's own wineserver.
            let _ = Command::new("/usr/lib/wine/wineserver")
                .arg("-k")
                .env("WINEPREFIX", prefix)
                .status();
        }
    }
}
