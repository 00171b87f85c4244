//! Where each certificate is used, on the command line: `authcert
//! integration add|list|remove` and `authcert check`, against real nginx
//! servers on 127.0.0.1 started here, with the passwords in a real Secret
//! Service (Credential Manager under Wine). Also the schedule files the
//! README gives (systemd user timer, launchd agent).

mod common;
#[path = "support/secret_service.rs"]
mod secret_service;
#[path = "support/servers.rs"]
mod servers;

use std::path::{Path, PathBuf};

use common::{authcert_cmd, days_from_today, run_output, Run};
use secret_service::{Bus, Keyring};
use serde_json::Value;

/// A folder with its own list, keychain and test authority.
struct World {
    bus: Bus,
    tmp: tempfile::TempDir,
    pki: servers::Pki,
}

impl World {
    fn new(name: &str) -> World {
        let bus = Bus::start(name, Keyring::Unlocked);
        let tmp = tempfile::tempdir().unwrap();
        let pki = servers::Pki::new(&tmp.path().join("pki"));
        World { bus, tmp, pki }
    }

    fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// `authcert ARGS` with this world's keychain, the test authority
    /// trusted as the system's, and no proxy.
    fn run(&self, args: &[&str]) -> Run {
        let out = authcert_cmd(self.dir(), args)
            .envs(self.bus.env())
            .env("SSL_CERT_FILE", &self.pki.ca)
            .env("NO_PROXY", "*")
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .output()
            .unwrap();
        run_output(out)
    }

    /// The password `make` printed for `nickname`.
    fn password_of(&self, nickname: &str) -> String {
        std::fs::read_to_string(self.dir().join(format!("{}.password", stem(nickname)))).unwrap()
    }

    /// A certificate made by `authcert generate` (its password in the
    /// keychain when `keychain`), and its public part as PEM for a server.
    fn make(&self, nickname: &str, extra: &[&str]) -> PathBuf {
        let p12 = self.dir().join(format!("{}.p12", stem(nickname)));
        let end = days_from_today(30);
        let mut args = vec![
            "generate",
            "--nickname",
            nickname,
            "--end-date",
            &end,
            "--key",
            "ecdsa-p256",
            "--out",
            p12.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let made = self.run(&args);
        assert_eq!(made.code, 0, "{}", made.stderr);
        std::fs::write(
            self.dir().join(format!("{}.password", stem(nickname))),
            made.stdout.trim(),
        )
        .unwrap();
        let pem = self.dir().join(format!("{}.pem", stem(nickname)));
        common::certificate_pem(&p12, made.stdout.trim(), &pem);
        pem
    }

    fn add(&self, nickname: &str, name: &str, url: &str) {
        let r = self.run(&[
            "integration",
            "add",
            nickname,
            "--name",
            name,
            "--url",
            url,
            "--note",
            "app server 3",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }

    fn list_file(&self) -> Vec<u8> {
        std::fs::read(common::data_dir_for(self.dir()).join("certificates.json")).unwrap()
    }
}

/// A nickname as a file name the servers' configurations take unquoted.
fn stem(nickname: &str) -> String {
    nickname.replace(' ', "-")
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {} / {}", run.stdout, run.stderr))
}

#[test]
fn integrations_are_added_listed_and_removed_by_their_rules() {
    let w = World::new("integrations-crud");
    w.make("Billing API", &["--keychain"]);
    w.add(
        "billing api",
        "Nightly billing export",
        "https://api.example.com/health#x",
    );
    w.add(
        "Billing API",
        "Payroll",
        "https://payroll.example.com:8443/",
    );
    let list = w.run(&["integration", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(list.stdout.starts_with("Billing API\n"), "{}", list.stdout);
    assert!(
        list.stdout.contains(
            "  Nightly billing export  https://api.example.com/health  not tested yet  (app server 3)"
        ),
        "{}",
        list.stdout
    );
    let rows = json(&w.run(&["integration", "list", "BILLING API", "--json"]));
    assert_eq!(rows.as_array().unwrap().len(), 2, "{rows:#}");
    assert_eq!(rows[1]["certificate"], "Billing API");
    assert_eq!(rows[1]["name"], "Payroll");
    assert_eq!(rows[1]["url"], "https://payroll.example.com:8443/");
    assert_eq!(rows[1]["note"], "app server 3");
    assert!(rows[1].get("lastTest").is_none(), "{rows:#}");

    // Refusals name the option and the rule, and change nothing.
    let before = w.list_file();
    for (args, words) in [
        (
            vec![
                "integration",
                "add",
                "Billing API",
                "--name",
                "PAYROLL",
                "--url",
                "https://a.example/",
            ],
            "already has an integration named “PAYROLL”",
        ),
        (
            vec![
                "integration",
                "add",
                "Billing API",
                "--name",
                "X",
                "--url",
                "http://a.example/",
            ],
            "--url: API address: must start with https://",
        ),
        (
            vec![
                "integration",
                "add",
                "Billing API",
                "--name",
                "a\u{1b}[2Jb",
                "--url",
                "https://a.example/",
            ],
            "--name: Integration name: contains a control",
        ),
        (
            vec![
                "integration",
                "add",
                "Nobody",
                "--name",
                "X",
                "--url",
                "https://a.example/",
            ],
            "No certificate named “Nobody”",
        ),
        (
            vec!["integration", "add", "Billing API", "--name", "X"],
            "--url URL",
        ),
        (
            vec!["integration", "remove", "Billing API", "Nope"],
            "has no integration named “Nope”",
        ),
        (
            vec!["integration", "remove", "Billing API"],
            "NAME: say which integration",
        ),
        (
            vec!["integration", "rename"],
            "is not an integration command",
        ),
    ] {
        let r = w.run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(words), "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains('\u{1b}'), "{}", r.stderr);
        assert!(r.stdout.is_empty());
        assert_eq!(w.list_file(), before, "{args:?} changed the list");
    }
    let r = w.run(&["integration", "remove", "Billing API", "payroll"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("Removed “payroll” from “Billing API”."),
        "{}",
        r.stderr
    );
    let rows = json(&w.run(&["integration", "list", "--json"]));
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows:#}");
    assert_eq!(rows[0]["name"], "Nightly billing export");
}

/// Accepted, refused and unreachable integrations of one certificate in one
/// check: each verdict in the list's order, the exit status of the worst,
/// and each verdict remembered with its integration.
#[test]
fn a_check_tests_every_integration_and_remembers_each_verdict() {
    let w = World::new("integrations-check");
    let pem = w.make("Billing API", &["--keychain"]);
    let other = w.make("Other", &["--keychain"]);
    let accepting = servers::nginx(&w.pki, &w.dir().join("accepting"), Some(&pem), "");
    let refusing = servers::nginx(&w.pki, &w.dir().join("refusing"), Some(&other), "");
    let closed = servers::free_port();
    let export_port = accepting.port;
    w.add(
        "Billing API",
        "Export",
        &format!("https://localhost:{}/export", accepting.port),
    );
    w.add(
        "Billing API",
        "Payroll",
        &format!("https://localhost:{}/", refusing.port),
    );
    w.add(
        "Billing API",
        "Archive",
        &format!("https://localhost:{closed}/"),
    );
    let r = w.run(&["check", "--json"]);
    assert_eq!(r.code, 4, "refused comes before unreachable: {}", r.stderr);
    let report = json(&r);
    assert_eq!(
        (report["checked"].as_u64(), report["accepted"].as_u64()),
        (Some(3), Some(1))
    );
    let outcomes = report["outcomes"].as_array().unwrap();
    let verdicts: Vec<(&str, &str)> = outcomes
        .iter()
        .map(|o| {
            (
                o["integration"].as_str().unwrap(),
                o["verdict"]["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("Export", "accepted"),
            ("Payroll", "refused"),
            ("Archive", "unreachable")
        ]
    );
    assert!(outcomes.iter().all(|o| o["certificate"] == "Billing API"));
    assert!(
        outcomes[1]["verdict"]["message"]
            .as_str()
            .unwrap()
            .contains("Register the public certificate"),
        "{:#}",
        outcomes[1]
    );
    // Remembered, each with its own integration.
    let rows = json(&w.run(&["integration", "list", "--json"]));
    let last: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["lastTest"]["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(last, ["accepted", "refused", "unreachable"]);
    // The certificate's last test is the check's last one (Archive's).
    let listed = json(&w.run(&["list", "--json"]));
    let billing = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["nickname"] == "Billing API")
        .unwrap();
    assert_eq!(billing["lastTest"]["verdict"], "unreachable", "{billing:#}");
    let list = w.run(&["integration", "list", "Billing API"]);
    assert!(
        list.stdout.contains("  Export  https://localhost:"),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout.contains("/export  accepted 20"),
        "{}",
        list.stdout
    );

    // One certificate's integrations only, in words: exit 0 when all accept.
    for name in ["Payroll", "Archive"] {
        assert_eq!(
            w.run(&["integration", "remove", "Billing API", name]).code,
            0
        );
    }
    w.add(
        "Other",
        "Elsewhere",
        &format!("https://localhost:{closed}/"),
    );
    let r = w.run(&["check", "billing api"]);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .starts_with("Billing API — Export (https://localhost:"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("Accepted: the API took this certificate"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .ends_with("1 of 1 integration accepted its certificate.\n"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("Elsewhere"));
    // A test at an integration's address is its last verdict too.
    drop(accepting);
    let url = format!("https://localhost:{export_port}/export");
    let t = w.run(&["test", &url, "--nickname", "Billing API"]);
    assert_eq!(t.code, 7, "{}", t.stderr);
    let rows = json(&w.run(&["integration", "list", "Billing API", "--json"]));
    assert_eq!(rows[0]["lastTest"]["verdict"], "unreachable", "{rows:#}");
    // Nothing to check is said, not passed over.
    let r = w.run(&["check", "Nobody"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("No certificate named “Nobody”"),
        "{}",
        r.stderr
    );
}

/// Fifty integrations on five servers, checked in one run with one opening
/// of the certificate's file: all accepted. Sixteen at a time make four
/// rounds; the ten at each server come in series of at most four over one
/// connection each, so each server sees three connections, not ten.
#[test]
fn fifty_integrations_are_checked_together() {
    let w = World::new("integrations-fifty");
    let pem = w.make("Fleet", &["--keychain"]);
    let servers: Vec<servers::Running> = (0..5)
        .map(|n| {
            let dir = w.dir().join(format!("nginx-{n}"));
            let logs = dir.join("logs");
            let extra = format!(
                "access_log {}/access.log; access_log {}/connections.log connections;",
                logs.display(),
                logs.display()
            );
            servers::nginx(&w.pki, &dir, Some(&pem), &extra)
        })
        .collect();
    for n in 0..50 {
        let port = servers[n % 5].port;
        w.add(
            "Fleet",
            &format!("API {n:02}"),
            &format!("https://localhost:{port}/api/{n}"),
        );
    }
    let r = w.run(&["check", "Fleet", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report = json(&r);
    assert_eq!(
        (report["checked"].as_u64(), report["accepted"].as_u64()),
        (Some(50), Some(50))
    );
    let names: Vec<&str> = report["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["integration"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = (0..50).map(|n| format!("API {n:02}")).collect();
    assert_eq!(names, expected, "in the list's order");
    // Every server saw its ten requests.
    for (n, _) in servers.iter().enumerate() {
        let log = std::fs::read_to_string(w.dir().join(format!("nginx-{n}/logs/access.log")))
            .unwrap_or_default();
        assert_eq!(log.lines().count(), 10, "nginx {n}: {log}");
        let log = std::fs::read_to_string(w.dir().join(format!("nginx-{n}/logs/connections.log")))
            .unwrap_or_default();
        let mut connections: Vec<&str> = log
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert_eq!(connections.len(), 10, "nginx {n}: {log}");
        connections.sort_unstable();
        connections.dedup();
        assert_eq!(connections.len(), 3, "nginx {n}: {log}");
    }
}

/// A check runs unattended: a certificate whose password is not in the
/// keychain is not tested, says why, and makes the exit status 8 even
/// when another certificate's integrations were accepted.
#[test]
fn a_certificate_without_its_password_in_the_keychain_is_not_tested() {
    let w = World::new("integrations-no-password");
    let pem = w.make("Kept", &["--keychain"]);
    w.make("Unkept", &[]);
    let nginx = servers::nginx(&w.pki, &w.dir().join("nginx"), Some(&pem), "");
    let url = format!("https://localhost:{}/", nginx.port);
    w.add("Kept", "Kept API", &url);
    w.add("Unkept", "Unkept API", &url);
    let r = w.run(&["check"]);
    assert_eq!(r.code, 8, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Kept — Kept API"), "{}", r.stdout);
    assert!(
        r.stdout.contains("Unkept — Unkept API")
            && r.stdout.contains("Not tested\n  The password of “Unkept” is not in the keychain, so AuthCert cannot open its file without you"),
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("1 of 2 integrations accepted their certificates."));
    let rows = json(&w.run(&["integration", "list", "--json"]));
    let kept = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Kept API")
        .unwrap();
    let unkept = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Unkept API")
        .unwrap();
    assert_eq!(kept["lastTest"]["verdict"], "accepted");
    assert!(unkept.get("lastTest").is_none(), "{unkept:#}");
    let r = w.run(&["check", "--json"]);
    assert_eq!(r.code, 8);
    let report = json(&r);
    let unkept = &report["outcomes"][1];
    assert!(unkept["verdict"].is_null(), "{unkept:#}");
    assert!(unkept["not_tested"].as_str().unwrap().contains("keychain"));
}

/// A server that refuses a certificate signed by the authority on this
/// computer must be given the authority, not the certificate.
#[test]
fn a_refused_authority_certificate_says_to_give_the_server_the_authority() {
    let w = World::new("integrations-authority");
    let r = w.run(&["authority", "create", "--name", "Acme integrations"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    w.make("Signed", &["--keychain", "--signed-by-authority"]);
    // The server trusts only its own test authority.
    let nginx = servers::nginx(&w.pki, &w.dir().join("nginx"), Some(&w.pki.ca), "");
    let url = format!("https://localhost:{}/", nginx.port);
    w.add("Signed", "Partner API", &url);
    for args in [
        vec!["check", "--json"],
        vec!["test", url.as_str(), "--nickname", "Signed", "--json"],
    ] {
        let r = w.run(&args);
        assert_eq!(r.code, 4, "{args:?}: {}", r.stderr);
        let v = json(&r);
        let v = if args[0] == "check" {
            v["outcomes"][0]["verdict"].clone()
        } else {
            v
        };
        assert_eq!(v["verdict"], "refused", "{v:#}");
        let message = v["message"].as_str().unwrap();
        assert!(
            message.contains(
                "Give the service the certificate of your issuing authority “Acme integrations”"
            ),
            "{message}"
        );
        assert!(
            !message.contains("Register the public certificate"),
            "{message}"
        );
    }
}

/// The README's schedule files: the systemd user service and timer pass
/// `systemd-analyze verify` (with the built program in ExecStart), and
/// the launchd agent is a property list that runs `authcert check`.
#[test]
fn the_schedule_files_are_valid() {
    if common::skip_on_windows("systemd and launchd files are checked by the Linux run") {
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("packaging/schedule");
    let tmp = tempfile::tempdir().unwrap();
    let service = std::fs::read_to_string(root.join("authcert-check.service")).unwrap();
    assert!(
        service.contains("ExecStart=/usr/bin/authcert check\n"),
        "{service}"
    );
    std::fs::write(
        tmp.path().join("authcert-check.service"),
        service.replace("/usr/bin/authcert", common::bin().to_str().unwrap()),
    )
    .unwrap();
    std::fs::copy(
        root.join("authcert-check.timer"),
        tmp.path().join("authcert-check.timer"),
    )
    .unwrap();
    let runtime = tmp.path().join("run");
    std::fs::create_dir(&runtime).unwrap();
    let verify = |unit_dir: &Path| {
        std::process::Command::new("systemd-analyze")
            .args(["verify", "--user"])
            .arg(unit_dir.join("authcert-check.service"))
            .arg(unit_dir.join("authcert-check.timer"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .output()
            .expect("systemd-analyze runs; scripts/deps.sh installs systemd")
    };
    let out = verify(tmp.path());
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The check is not one that passes everything: a misspelt calendar fails.
    let timer = std::fs::read_to_string(tmp.path().join("authcert-check.timer")).unwrap();
    std::fs::write(
        tmp.path().join("authcert-check.timer"),
        timer.replace("OnCalendar=*-*-* 07:00:00", "OnCalendar=dialy"),
    )
    .unwrap();
    assert!(!verify(tmp.path()).status.success());
    let plist = common::tool(
        "python3",
        &[
            "-c",
            "import plistlib,sys,json; print(json.dumps(plistlib.load(open(sys.argv[1],'rb'))))",
            root.join("org.authcert.check.plist").to_str().unwrap(),
        ],
    );
    assert_eq!(plist.code, 0, "{}", plist.stderr);
    let plist: Value = serde_json::from_str(&plist.stdout).unwrap();
    assert_eq!(
        plist["ProgramArguments"],
        serde_json::json!([
            "/Applications/AuthCert.app/Contents/MacOS/authcert",
            "check"
        ])
    );
    assert_eq!(plist["StartCalendarInterval"]["Hour"], 7);
}

/// Apache asking for the certificate only inside a `<Location>` (after the
/// connection starts: TLS 1.3 post-handshake authentication, TLS 1.2
/// renegotiation) gets its own verdict, never "not requested"; curl, which
/// answers both, is accepted there (what the verdict tells the admin to try).
#[test]
fn a_server_that_asks_for_the_certificate_later_gets_its_own_verdict() {
    let w = World::new("integrations-later");
    let pem = w.make("Later", &["--keychain"]);
    for (protocol, words) in [
        ("TLSv1.3", "TLS 1.3 post-handshake authentication"),
        ("TLSv1.2", "renegotiating the TLS 1.2 connection"),
    ] {
        let apache = servers::apache_with(
            &w.pki,
            &w.dir().join(format!("apache-{protocol}")),
            None,
            &format!(
                "SSLProtocol -all +{protocol}
    SSLCACertificateFile {ca}
    <Location /secure>
        SSLVerifyClient require
        SSLVerifyDepth 2
        SetHandler server-status
        Require all granted
    </Location>",
                ca = pem.display()
            ),
        );
        let url = format!("https://localhost:{}/secure", apache.port);
        let r = w.run(&["test", &url, "--nickname", "Later", "--json"]);
        let v = json(&r);
        assert_eq!(v["verdict"], "requested-later", "{protocol}: {v:#}");
        assert_eq!(r.code, 9, "{protocol}");
        let message = v["message"].as_str().unwrap();
        assert!(message.contains(words), "{protocol}: {message}");
        assert!(message.contains("curl --cert-type P12"), "{message}");
        // As an integration, checked: the same verdict and exit status.
        w.add("Later", protocol, &url);
        let r = w.run(&["check", "Later", "--json"]);
        assert_eq!(r.code, 9, "{protocol}: {}", r.stdout);
        let r = w.run(&["integration", "remove", "Later", protocol]);
        assert_eq!(r.code, 0, "{protocol}: {}", r.stderr);
        // curl answers the late request and is let in.
        if !common::windows() {
            let p12 = w.dir().join("Later.p12");
            let password = w.password_of("Later");
            let curl = common::tool(
                "curl",
                &[
                    "-sS",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "--cacert",
                    w.pki.ca.to_str().unwrap(),
                    "--cert-type",
                    "P12",
                    "--cert",
                    &format!("{}:{password}", p12.display()),
                    &url,
                ],
            );
            assert_eq!(curl.stdout, "200", "{protocol}: curl: {}", curl.stderr);
        }
    }
}

/// HTTP/2 is offered as curl offers it: nginx answers over HTTP/2 and the
/// certificate is accepted there; Apache's mod_http2, which wants a
/// request that needs the certificate after connecting over HTTP/1.1,
/// resets it with HTTP_1_1_REQUIRED, and the test asks again over
/// HTTP/1.1, as curl does: the verdict is the HTTP/1.1 one (asked for
/// later), the detail says what happened.
#[test]
fn http2_is_offered_and_http_1_1_required_is_answered() {
    let w = World::new("integrations-h2");
    let pem = w.make("Two", &["--keychain"]);
    let nginx = servers::nginx_h2(&w.pki, &w.dir().join("nginx-h2"), Some(&pem));
    let url = format!("https://localhost:{}/", nginx.port);
    let r = w.run(&["test", &url, "--nickname", "Two", "--json"]);
    let v = json(&r);
    assert_eq!(v["verdict"], "accepted", "{v:#}");
    assert!(
        v["detail"].as_str().unwrap().starts_with("HTTP/2.0 200 OK"),
        "{v:#}"
    );

    let apache = servers::apache_with(
        &w.pki,
        &w.dir().join("apache-h2"),
        None,
        &format!(
            "Protocols h2 http/1.1
    SSLProtocol -all +TLSv1.2
    SSLCACertificateFile {ca}
    <Location /secure>
        SSLVerifyClient require
        SSLVerifyDepth 2
        SetHandler server-status
        Require all granted
    </Location>",
            ca = pem.display()
        ),
    );
    let url = format!("https://localhost:{}/secure", apache.port);
    let r = w.run(&["test", &url, "--nickname", "Two", "--json"]);
    let v = json(&r);
    assert_eq!(v["verdict"], "requested-later", "{v:#}");
    let detail = v["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("Over HTTP/2 the server asked for HTTP/1.1 (HTTP_1_1_REQUIRED); asked again over HTTP/1.1"),
        "{detail}"
    );
}

/// A server this computer does not trust is trusted at an integration's
/// address by its fingerprint, kept with the integration, as `authcert
/// test --trust-server` does for one test; a bad fingerprint is refused
/// naming the option; without it the check says the server is not trusted.
#[test]
fn an_integration_keeps_the_server_it_was_told_to_trust() {
    let w = World::new("integrations-trust");
    let pem = w.make("Pinned", &["--keychain"]);
    let strange = servers::Pki::new(&w.dir().join("strange-pki"));
    let nginx = servers::nginx(&strange, &w.dir().join("nginx"), Some(&pem), "");
    let url = format!("https://localhost:{}/", nginx.port);
    let fingerprint = common::tool(
        "openssl",
        &[
            "x509",
            "-noout",
            "-fingerprint",
            "-sha256",
            "-in",
            strange.server_cert.to_str().unwrap(),
        ],
    )
    .stdout
    .trim()
    .rsplit('=')
    .next()
    .unwrap()
    .to_string();
    let before = w.list_file();
    let r = w.run(&[
        "integration",
        "add",
        "Pinned",
        "--name",
        "Partner",
        "--url",
        &url,
        "--trust-server",
        "zz",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "--trust-server: Trust server fingerprint: give the server's SHA-256 fingerprint"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(w.list_file(), before);
    if !common::windows() {
        // (Under Wine every server is trusted by its fingerprint already.)
        w.add("Pinned", "Unpinned", &url);
        let r = w.run(&["check", "Pinned", "--json"]);
        assert_eq!(r.code, 6, "{}", r.stdout);
        assert_eq!(
            w.run(&["integration", "remove", "Pinned", "Unpinned"]).code,
            0
        );
    }
    let r = w.run(&[
        "integration",
        "add",
        "Pinned",
        "--name",
        "Partner",
        "--url",
        &url,
        "--trust-server",
        &fingerprint,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = json(&w.run(&["integration", "list", "Pinned", "--json"]));
    assert_eq!(rows[0]["trustServer"], fingerprint.as_str());
    let listed = w.run(&["integration", "list", "Pinned"]).stdout;
    assert!(
        listed.contains(&format!(
            "Trusts the server certificate with SHA-256 fingerprint {fingerprint} at this address."
        )),
        "{listed}"
    );
    let r = w.run(&["check", "Pinned", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    let v = &json(&r)["outcomes"][0]["verdict"];
    assert_eq!(v["server_trusted_by_fingerprint"], true, "{v:#}");
}

/// `generate --replaces`: the new certificate takes over the old one's
/// integrations, each to move, and a check accepted at an address marks it
/// moved (the unreachable one stays to move). A nickname that is not
/// listed is refused, naming the option, and nothing is made.
#[test]
fn generate_replaces_a_certificate_and_takes_over_its_integrations() {
    let w = World::new("integrations-replaces");
    w.make("Old API", &["--keychain"]);
    // Asks for a certificate and takes any: old and new alike.
    let any = servers::nginx(
        &w.pki,
        &w.dir().join("nginx"),
        None,
        "ssl_verify_client optional_no_ca;",
    );
    let closed = servers::free_port();
    w.add(
        "Old API",
        "Export",
        &format!("https://localhost:{}/export", any.port),
    );
    w.add(
        "Old API",
        "Archive",
        &format!("https://localhost:{closed}/"),
    );
    let before = w.list_file();
    let out = w.dir().join("nobody.p12");
    let end = days_from_today(30);
    let r = w.run(&[
        "generate",
        "--nickname",
        "Newer API",
        "--end-date",
        &end,
        "--out",
        out.to_str().unwrap(),
        "--replaces",
        "Nobody",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--replaces: "), "{}", r.stderr);
    assert!(r.stderr.contains("Nobody"), "{}", r.stderr);
    assert!(!out.exists());
    assert_eq!(w.list_file(), before);

    w.make("New API", &["--keychain", "--replaces", "old api"]);
    let rows = json(&w.run(&["integration", "list", "New API", "--json"]));
    let names: Vec<&str> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Export", "Archive"], "{rows:#}");
    assert!(rows[0].get("moved").is_none(), "{rows:#}");
    let r = w.run(&["check", "New API", "--json"]);
    assert_eq!(r.code, 7, "{}", r.stdout);
    let rows = json(&w.run(&["integration", "list", "New API", "--json"]));
    assert!(rows[0]["moved"].is_string(), "{rows:#}");
    assert!(rows[1].get("moved").is_none(), "{rows:#}");
}
