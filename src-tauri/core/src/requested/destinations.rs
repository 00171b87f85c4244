//! Where a request goes, in plain words, each with an example to copy. The
//! commands follow each tool's own documentation, checked when written:
//! `certreq -submit [-attrib "CertificateTemplate:…"] RequestFile CertFile`
//! (Microsoft Learn, certreq); `vault write PKI_PATH/sign/ROLE csr=@FILE`
//! (Vault PKI secrets engine, "Sign certificate"; `-format=json` keeps the
//! chain with the certificate); `step ca sign CSR_FILE CRT_FILE` (smallstep
//! CLI reference); DigiCert ONE's Enterprise PKI Manager REST API, `POST
//! {server}/mpki/api/v1/certificate` with the `x-api-key` header and a JSON
//! body of `profile.id`, `seat.seat_id`, `csr` and `include_ca_chain`,
//! answered with JSON whose `certificate` field holds the PEM (its OpenAPI
//! description); `openssl x509 -req -CA … -CAkey … -copy_extensions`
//! (openssl-x509(1), OpenSSL 3.0+), which tests/requested.rs runs.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Destination {
    pub id: &'static str,
    pub title: &'static str,
    pub words: &'static str,
    /// What to copy; names the request's and the answer's files.
    pub example: String,
    /// The request's own text is what goes there: its Copy copies that.
    pub pastes_request: bool,
}

/// Where the request in `request_file` may go; the answer is to be saved
/// as `answer_file` (or named in the example).
pub fn destinations(request_file: &str, answer_file: &str) -> Vec<Destination> {
    vec![
        Destination {
            id: "web",
            title: "A company CA's web page",
            words: "Open your CA's enrollment page (Active Directory Certificate Services: https://YOUR-CA/certsrv, then Request a certificate, advanced certificate request), paste the request's text, choose a template for client authentication, and download the answer with its chain (Base 64, .p7b).",
            example: format!("The text of {request_file}, from -----BEGIN to -----END, as Copy gives it."),
            pastes_request: true,
        },
        Destination {
            id: "adcs",
            title: "Active Directory Certificate Services, from a Windows command line",
            words: "The template must allow client authentication (User, or your organisation's copy of it).",
            example: format!(
                "certreq -submit -attrib \"CertificateTemplate:User\" \"{request_file}\" \"{answer_file}\""
            ),
            pastes_request: false,
        },
        Destination {
            id: "vault",
            title: "HashiCorp Vault PKI",
            words: "Sign with a role that allows client certificates (client_flag=true). The JSON answer carries the chain; complete with it as it is.",
            example: format!(
                "vault write -format=json pki/sign/ROLE csr=@\"{request_file}\" > answer.json"
            ),
            pastes_request: false,
        },
        Destination {
            id: "step",
            title: "smallstep step-ca",
            words: "Sign with a provisioner whose template allows client authentication.",
            example: format!("step ca sign \"{request_file}\" \"{answer_file}\""),
            pastes_request: false,
        },
        Destination {
            id: "commercial",
            title: "A commercial CA's console or API",
            words: "Where the console asks for a CSR, paste the request's text and choose a client authentication certificate; its API takes the same text in the request's csr field. Download the answer with its intermediate certificates.",
            example: format!("The text of {request_file}, from -----BEGIN to -----END."),
            pastes_request: true,
        },
        Destination {
            id: "digicert",
            title: "DigiCert ONE's API (Enterprise PKI Manager)",
            words: "From a Linux or macOS shell, with jq: a service user's API key, a certificate profile for client authentication (its id) and the seat the certificate is for. The JSON answer's certificate field is the answer: complete with the JSON as it is.",
            example: format!(
                r#"curl -sS https://one.digicert.com/mpki/api/v1/certificate -H "x-api-key: $DIGICERT_API_KEY" -H "Content-Type: application/json" --data "{{\"profile\": {{\"id\": \"PROFILE_ID\"}}, \"seat\": {{\"seat_id\": \"SEAT_ID\"}}, \"include_ca_chain\": true, \"csr\": $(jq -Rs . "{request_file}")}}" > answer.json"#
            ),
            pastes_request: false,
        },
        Destination {
            id: "openssl",
            title: "A CA kept with OpenSSL",
            words: "The CA signs the request, keeping the extensions it asks for (client authentication only).",
            example: format!(
                "openssl x509 -req -in \"{request_file}\" -CA ca.crt -CAkey ca.key -copy_extensions copyall -days 365 -out \"{answer_file}\""
            ),
            pastes_request: false,
        },
    ]
}
