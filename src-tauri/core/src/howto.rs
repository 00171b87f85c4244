//! "How to use it": the certificate in the clients admins use, with the
//! saved file's path filled in and the password read from the environment
//! variable `AUTHCERT_PASSWORD`, never written into a command. The window
//! shows these texts as they are (and copies them); tests/snippets.rs runs
//! every one that can run on Linux (curl, Python requests and httpx, Node,
//! Java) against a real mutual-TLS server, as written. The others follow
//! their documentation, named beside each.

use std::path::Path;

use serde::Serialize;

use crate::engine::Encryption;

/// The address the snippets call; the admin puts their API's in its place.
pub const EXAMPLE_URL: &str = "https://api.example.com/";
/// Where every snippet reads the password from.
pub const PASSWORD_VAR: &str = "AUTHCERT_PASSWORD";

/// One client's instructions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Snippet {
    /// Stable, for the Copy button and the tests: "curl", "python-requests"…
    pub id: &'static str,
    pub title: &'static str,
    /// A command or program to copy; empty for clients set up by clicks.
    pub code: String,
    /// Steps or a note, in plain words.
    pub note: String,
}

/// The files a snippet can use.
#[derive(Debug, Clone, Copy)]
pub struct Files<'a> {
    pub p12: &'a Path,
    pub pem: Option<&'a Path>,
    pub encryption: Encryption,
}

/// A path in single quotes for POSIX shells (`'` written as `'\''`).
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A path in single quotes for PowerShell (`'` doubled).
pub fn ps_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A string literal for Python, JavaScript, Java, C# and Go: `"`, `\` and
/// control characters escaped (a nickname may hold any letter, a path any
/// character its system allows).
pub fn c_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// How to put the password into `AUTHCERT_PASSWORD` without it showing on
/// screen or in the shell's history.
pub fn password_setup() -> Snippet {
    Snippet {
        id: "password",
        title: "First: the password in AUTHCERT_PASSWORD",
        code: format!(
            "# bash or zsh: type or paste the password, then Enter (it is not shown)\nread -rs {PASSWORD_VAR} && export {PASSWORD_VAR}\n\n# PowerShell 7\n$env:{PASSWORD_VAR} = Read-Host 'Certificate password' -MaskInput"
        ),
        note: format!(
            "Every example below reads the certificate's password from the environment variable {PASSWORD_VAR}, so it is never written into a command, a script or your shell's history. In a service or a CI job, set it from your secret store instead."
        ),
    }
}

/// Every client's snippet for these files.
pub fn snippets(files: Files<'_>) -> Vec<Snippet> {
    let p12 = files.p12.display().to_string();
    let mut out = vec![password_setup()];
    out.push(Snippet {
        id: "curl",
        title: "curl",
        code: format!(
            "curl --cert-type P12 --cert {} \\\n  --pass \"${PASSWORD_VAR}\" \\\n  {EXAMPLE_URL}",
            sh_quote(&p12)
        ),
        note: "Replace the address with your API's. On Windows, use curl.exe in PowerShell with --pass $env:AUTHCERT_PASSWORD.".into(),
    });
    for (id, title, settings) in [
        (
            "postman",
            "Postman",
            "Settings → Certificates → Add certificate. Host: your API's host name, for example api.example.com. PFX file: the file below. Passphrase: the certificate's password.",
        ),
        (
            "insomnia",
            "Insomnia",
            "Collection settings → Client certificates → Add certificate. Host: your API's host name. PFX or PKCS#12 file: the file below. Passphrase: the certificate's password.",
        ),
        (
            "bruno",
            "Bruno",
            "Collection settings → Client Certificates. Domain: your API's host name. Type: PFX. PFX file: the file below. Passphrase: the certificate's password.",
        ),
    ] {
        out.push(Snippet {
            id,
            title,
            code: p12.clone(),
            note: settings.into(),
        });
    }
    match files.pem {
        Some(pem) => {
            let pem = c_quote(&pem.display().to_string());
            out.push(Snippet {
                id: "python-requests",
                title: "Python: requests",
                code: format!(
                    r#"import os, ssl
import requests
from requests.adapters import HTTPAdapter

class CertificateAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        context = ssl.create_default_context()
        context.load_cert_chain({pem}, password=os.environ["{PASSWORD_VAR}"])
        kwargs["ssl_context"] = context
        return super().init_poolmanager(*args, **kwargs)

session = requests.Session()
session.mount("https://", CertificateAdapter())
print(session.get("{EXAMPLE_URL}").status_code)"#
                ),
                note: "requests cannot take a key's password itself, so an ssl context that opens the PEM file with it does (the key stays encrypted on disk).".into(),
            });
            out.push(Snippet {
                id: "python-httpx",
                title: "Python: httpx",
                code: format!(
                    r#"import os, ssl
import httpx

context = ssl.create_default_context()
context.load_cert_chain({pem}, password=os.environ["{PASSWORD_VAR}"])
print(httpx.get("{EXAMPLE_URL}", verify=context).status_code)"#
                ),
                note: "httpx takes the ssl context as verify= (httpx 0.28 and later).".into(),
            });
        }
        None => out.push(Snippet {
            id: "python",
            title: "Python (requests, httpx)",
            code: String::new(),
            note: "Python's ssl module reads PEM files, not .p12: save the certificate as PEM too (on the screen before the download) and these examples appear here.".into(),
        }),
    }
    let p12_lit = c_quote(&p12);
    out.push(Snippet {
        id: "node",
        title: "Node.js",
        code: format!(
            r#"const fs = require("fs");
const https = require("https");

https.get("{EXAMPLE_URL}", {{
  pfx: fs.readFileSync({p12_lit}),
  passphrase: process.env.{PASSWORD_VAR},
}}, (res) => {{
  console.log(res.statusCode);
  res.resume();
}}).on("error", (e) => {{
  console.error(e.message);
  process.exitCode = 1;
}});"#
        ),
        note: "Node 18 and later (OpenSSL 3) read both encryptions.".into(),
    });
    out.push(Snippet {
        id: "java",
        title: "Java (11 and later)",
        code: format!(
            r#"import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

public class CallApi {{
    public static void main(String[] args) throws Exception {{
        char[] password = System.getenv("{PASSWORD_VAR}").toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream({p12_lit})) {{
            keys.load(in, password);
        }}
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, password);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("{EXAMPLE_URL}")).build();
        System.out.println(client.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
    }}
}}"#
        ),
        note: match files.encryption {
            Encryption::Aes256 => "Save as CallApi.java and run java CallApi.java. AES-256 files need Java 8u301, 11.0.12 or 17 and later.".into(),
            Encryption::TripleDes => "Save as CallApi.java and run java CallApi.java.".into(),
        },
    });
    let p12_ps = ps_quote(&p12);
    out.push(Snippet {
        id: "powershell",
        title: "PowerShell",
        code: format!(
            "$cert = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new({p12_ps}, $env:{PASSWORD_VAR})\nInvoke-RestMethod -Uri '{EXAMPLE_URL}' -Certificate $cert"
        ),
        note: "Invoke-RestMethod -Certificate takes an X509Certificate2 with its key (Microsoft's documentation of Invoke-RestMethod and X509Certificate2). Not run by AuthCert's tests: no PowerShell on Linux here.".into(),
    });
    out.push(Snippet {
        id: "dotnet",
        title: ".NET HttpClient (C#)",
        code: format!(
            r#"using System.Security.Cryptography.X509Certificates;

var handler = new HttpClientHandler();
handler.ClientCertificates.Add(X509CertificateLoader.LoadPkcs12FromFile(
    {p12_lit}, Environment.GetEnvironmentVariable("{PASSWORD_VAR}")));
using var client = new HttpClient(handler);
var response = await client.GetAsync("{EXAMPLE_URL}");
Console.WriteLine((int)response.StatusCode);"#
        ),
        note: "X509CertificateLoader is .NET 9 and later; before, new X509Certificate2(path, password) (Microsoft's documentation). Not run here: no .NET SDK in Debian's packages.".into(),
    });
    out.push(Snippet {
        id: "go",
        title: "Go",
        code: format!(
            r#"package main

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"

	"software.sslmate.com/src/go-pkcs12"
)

func main() {{
	data, err := os.ReadFile({p12_lit})
	if err != nil {{
		panic(err)
	}}
	key, cert, _, err := pkcs12.DecodeChain(data, os.Getenv("{PASSWORD_VAR}"))
	if err != nil {{
		panic(err)
	}}
	client := &http.Client{{Transport: &http.Transport{{TLSClientConfig: &tls.Config{{
		Certificates: []tls.Certificate{{{{Certificate: [][]byte{{cert.Raw}}, PrivateKey: key, Leaf: cert}}}},
	}}}}}}
	resp, err := client.Get("{EXAMPLE_URL}")
	if err != nil {{
		panic(err)
	}}
	fmt.Println(resp.StatusCode)
}}"#
        ),
        note: "Go's standard library reads no .p12 and no encrypted key; go-pkcs12 (software.sslmate.com/src/go-pkcs12, DecodeChain) reads both AuthCert profiles. Not run here: Go modules download from proxy.golang.org, out of this machine's reach.".into(),
    });
    out.push(macos_import(&p12, files.encryption));
    out.push(Snippet {
        id: "windows",
        title: "Windows certificate store",
        code: format!(
            "Import-PfxCertificate -FilePath {p12_ps} -CertStoreLocation Cert:\\CurrentUser\\My `\n  -Password (Read-Host 'Certificate password' -AsSecureString)"
        ),
        note: match files.encryption {
            Encryption::Aes256 => "For clients that take certificates from the Windows store. This AES-256 file imports on Windows 10 (1709 and later), 11 and Windows Server 2019 and later; Windows Server 2016 and older need a Triple DES file.".into(),
            Encryption::TripleDes => "For clients that take certificates from the Windows store; a Triple DES file imports on every Windows version.".into(),
        },
    });
    out
}

/// The macOS keychain import that works for this file's encryption (Apple's
/// Security framework: the newer PKCS#12 decoder, reached by `security
/// import -f pkcs12` and on macOS 15 and later, reads the AES-256 profile;
/// the older one, everything else, reads Triple DES only).
fn macos_import(p12: &str, encryption: Encryption) -> Snippet {
    let file = sh_quote(p12);
    match encryption {
        Encryption::Aes256 => Snippet {
            id: "macos",
            title: "Mac keychain",
            code: format!("security import {file} -f pkcs12 -k ~/Library/Keychains/login.keychain-db"),
            note: "macOS 15 and later, and only this way (the -f pkcs12 matters); it asks for the password. Double-clicking the file, Keychain Access, and macOS 14 and older refuse AES-256 files with \"wrong password\": for those, make the certificate with Triple DES.".into(),
        },
        Encryption::TripleDes => Snippet {
            id: "macos",
            title: "Mac keychain",
            code: format!("security import {file} -k ~/Library/Keychains/login.keychain-db"),
            note: "Any macOS version; it asks for the password. Double-clicking the file works too.".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_keeps_any_path_one_argument() {
        assert_eq!(sh_quote("/a b/it's.p12"), r"'/a b/it'\''s.p12'");
        assert_eq!(ps_quote(r"C:\it's.p12"), r"'C:\it''s.p12'");
        assert_eq!(c_quote("C:\\a \"b\"\n"), r#""C:\\a \"b\"\n""#);
    }

    #[test]
    fn the_password_is_never_in_a_snippet_but_the_variable_is() {
        let files = Files {
            p12: Path::new("/home/a/Billing API.p12"),
            pem: Some(Path::new("/home/a/Billing API.pem")),
            encryption: Encryption::Aes256,
        };
        let all = snippets(files);
        for id in [
            "curl",
            "python-requests",
            "python-httpx",
            "node",
            "java",
            "powershell",
            "dotnet",
            "go",
        ] {
            let s = all
                .iter()
                .find(|s| s.id == id)
                .unwrap_or_else(|| panic!("{id}"));
            assert!(s.code.contains(PASSWORD_VAR), "{id}");
            assert!(
                s.code.contains("Billing API"),
                "{id}: the path is filled in"
            );
        }
        // Without a PEM file, Python says how to get one.
        let no_pem = snippets(Files { pem: None, ..files });
        assert!(no_pem
            .iter()
            .any(|s| s.id == "python" && s.note.contains("PEM")));
        // The Mac import follows the encryption.
        let mac = |e| {
            snippets(Files {
                encryption: e,
                ..files
            })
            .into_iter()
            .find(|s| s.id == "macos")
            .unwrap()
        };
        assert!(mac(Encryption::Aes256).code.contains("-f pkcs12"));
        assert!(!mac(Encryption::TripleDes).code.contains("-f pkcs12"));
    }
}
