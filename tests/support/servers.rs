//! Real TLS servers on 127.0.0.1 for the tests, started and stopped by them:
//! a test authority and a server certificate it signs (for localhost and
//! 127.0.0.1), `openssl s_server`, nginx and Apache httpd with mutual-TLS
//! settings of each test's choosing.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn run(program: &str, args: &[&str]) {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{program} runs ({e}); scripts/test.sh installs it"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A test authority and the server certificate it signed.
pub struct Pki {
    pub dir: PathBuf,
    /// The authority's certificate: what clients trust (SSL_CERT_FILE…).
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
}

impl Pki {
    /// Makes one under `dir` (ECDSA P-256, valid two days).
    pub fn new(dir: &Path) -> Pki {
        std::fs::create_dir_all(dir).unwrap();
        let (ca, ca_key) = (dir.join("test-ca.pem"), dir.join("test-ca.key"));
        run(
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-subj",
                "/CN=AuthCert test server authority",
                "-days",
                "2",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
                "-keyout",
                s(&ca_key),
                "-out",
                s(&ca),
            ],
        );
        let (cert, key, csr) = (
            dir.join("server.pem"),
            dir.join("server.key"),
            dir.join("server.csr"),
        );
        run(
            "openssl",
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-keyout",
                s(&key),
                "-out",
                s(&csr),
            ],
        );
        let ext = dir.join("server.ext");
        std::fs::write(
            &ext,
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap();
        run(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                s(&csr),
                "-CA",
                s(&ca),
                "-CAkey",
                s(&ca_key),
                "-CAcreateserial",
                "-days",
                "2",
                "-extfile",
                s(&ext),
                "-out",
                s(&cert),
            ],
        );
        Pki {
            dir: dir.to_path_buf(),
            ca,
            server_cert: cert,
            server_key: key,
        }
    }

    /// A Java trust store (PKCS#12) holding the authority, and the
    /// JAVA_TOOL_OPTIONS that make the default one.
    pub fn java_trust_options(&self) -> String {
        let store = self.dir.join("trust.p12");
        if !store.exists() {
            run(
                "keytool",
                &[
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "test-ca",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    s(&store),
                    "-storepass",
                    "changeit",
                    "-file",
                    s(&self.ca),
                ],
            );
        }
        format!(
            "-Djavax.net.ssl.trustStore={} -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12",
            store.display()
        )
    }

    /// Environment that makes curl, Python, Node and Java trust the server.
    pub fn client_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("SSL_CERT_FILE", self.ca.display().to_string()),
            ("CURL_CA_BUNDLE", self.ca.display().to_string()),
            ("NODE_EXTRA_CA_CERTS", self.ca.display().to_string()),
            ("JAVA_TOOL_OPTIONS", self.java_trust_options()),
        ]
    }
}

/// A child that is stopped when dropped.
pub struct Running {
    child: Child,
    pub port: u16,
    /// Stopped with SIGTERM (nginx, httpd: the master then stops its
    /// workers; SIGKILL would leave them listening).
    graceful: bool,
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.graceful {
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
        } else {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// `openssl s_server -www` (an HTTP status page) on 127.0.0.1: with
/// `trusting` it requires a client certificate verified against that file,
/// otherwise it asks for none. Serves connection after connection.
pub fn s_server(pki: &Pki, trusting: Option<&Path>, extra: &[&str]) -> Running {
    let mut args: Vec<String> = [
        "s_server",
        "-accept",
        "127.0.0.1:0",
        "-www",
        "-cert",
        s(&pki.server_cert),
        "-key",
        s(&pki.server_key),
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    if let Some(ca) = trusting {
        args.extend(
            ["-Verify", "1", "-verify_return_error", "-CAfile", s(ca)]
                .iter()
                .map(|a| a.to_string()),
        );
    }
    args.extend(extra.iter().map(|a| a.to_string()));
    let mut child = Command::new("openssl")
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server starts");
    // s_server prints "ACCEPT 127.0.0.1:PORT" once it listens.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("ACCEPT ")
                .and_then(|a| a.rsplit(':').next())
                .and_then(|p| p.parse().ok())
        })
        .expect("s_server reports its port");
    std::thread::spawn(move || lines.for_each(drop));
    Running {
        child,
        port,
        graceful: false,
    }
}

/// nginx on 127.0.0.1 (its own prefix under `dir`, in the foreground, as
/// the user running the tests): with `trusting` it requires a client
/// certificate verified against that file (`ssl_verify_client on`), and
/// answers `hello <client subject>` with a Content-Length; `extra` is added
/// to the server block.
pub fn nginx(pki: &Pki, dir: &Path, trusting: Option<&Path>, extra: &str) -> Running {
    nginx_listening(pki, dir, trusting, extra, "")
}

/// As `nginx`, offering HTTP/2 (and HTTP/1.1) over TLS.
pub fn nginx_h2(pki: &Pki, dir: &Path, trusting: Option<&Path>) -> Running {
    nginx_listening(pki, dir, trusting, "", " http2")
}

fn nginx_listening(
    pki: &Pki,
    dir: &Path,
    trusting: Option<&Path>,
    extra: &str,
    listen: &str,
) -> Running {
    std::fs::create_dir_all(dir.join("logs")).unwrap();
    let port = free_port();
    let verify = match trusting {
        Some(ca) => format!(
            "ssl_verify_client on; ssl_client_certificate {}; ssl_verify_depth 2;",
            s(ca)
        ),
        None => String::new(),
    };
    // As root nginx would hand its workers to "nobody", who cannot read
    // the test files.
    let user = if running_as_root() { "user root;" } else { "" };
    let conf = dir.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/logs/error.log info;
events {{ worker_connections 64; }}
http {{
    log_format connections '$connection $request_uri';
    access_log {dir}/logs/access.log;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl{listen};
        server_name localhost;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        {verify}
        {extra}
        location / {{
            default_type text/plain;
            return 200 \"hello $ssl_client_s_dn\\n\";
        }}
    }}
}}
",
            dir = s(dir),
            cert = s(&pki.server_cert),
            key = s(&pki.server_key),
        ),
    )
    .unwrap();
    let child = Command::new("nginx")
        .args(["-p", s(dir), "-c", s(&conf), "-g", "daemon off;"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("nginx starts; scripts/test.sh installs it");
    let running = Running {
        child,
        port,
        graceful: true,
    };
    wait_listening(port, "nginx");
    running
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

/// A free port on 127.0.0.1 (for servers that take one in their config).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts connections on `port`.
pub fn wait_listening(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} does not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// Apache httpd on 127.0.0.1 (its own config under `dir`, in the
/// foreground): `SSLVerifyClient require` against `trusting`, or no client
/// certificate asked when `None`. `/status` answers 200 from inside the
/// server (mod_status), so no file needs to be readable by its workers.
pub fn apache(pki: &Pki, dir: &Path, trusting: Option<&Path>) -> Running {
    apache_with(pki, dir, trusting, "")
}

/// As `apache`, with `extra` added to the virtual host.
pub fn apache_with(pki: &Pki, dir: &Path, trusting: Option<&Path>, extra: &str) -> Running {
    std::fs::create_dir_all(dir).unwrap();
    let port = free_port();
    let verify = match trusting {
        Some(ca) => format!(
            "SSLVerifyClient require\n    SSLVerifyDepth 2\n    SSLCACertificateFile {}",
            s(ca)
        ),
        None => String::new(),
    };
    // As root httpd must hand its workers to another user.
    let user = if running_as_root() {
        "User www-data\nGroup www-data"
    } else {
        ""
    };
    let modules = "/usr/lib/apache2/modules";
    let conf = dir.join("httpd.conf");
    std::fs::write(
        &conf,
        format!(
            "ServerRoot /usr/lib/apache2
LoadModule mpm_event_module {modules}/mod_mpm_event.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule socache_shmcb_module {modules}/mod_socache_shmcb.so
LoadModule ssl_module {modules}/mod_ssl.so
LoadModule status_module {modules}/mod_status.so
LoadModule http2_module {modules}/mod_http2.so
{user}
ServerName localhost
PidFile {dir}/httpd.pid
ErrorLog {dir}/error.log
DefaultRuntimeDir {dir}
Mutex file:{dir} default
SSLSessionCache shmcb:{dir}/ssl_scache(512000)
Listen 127.0.0.1:{port}
<VirtualHost 127.0.0.1:{port}>
    SSLEngine on
    SSLCertificateFile {cert}
    SSLCertificateKeyFile {key}
    {verify}
    {extra}
    <Location /status>
        SetHandler server-status
        Require all granted
    </Location>
</VirtualHost>
",
            dir = s(dir),
            cert = s(&pki.server_cert),
            key = s(&pki.server_key),
        ),
    )
    .unwrap();
    let child = Command::new("apache2")
        .args(["-f", s(&conf), "-DFOREGROUND"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("apache2 starts; scripts/test.sh installs it");
    let running = Running {
        child,
        port,
        graceful: true,
    };
    wait_listening(port, "apache2");
    running
}

/// A TCP server on 127.0.0.1 that accepts connections and never answers.
pub struct Stalling {
    pub port: u16,
    _listener: TcpListener,
}

pub fn stalling() -> Stalling {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    Stalling {
        port: listener.local_addr().unwrap().port(),
        _listener: listener,
    }
}
