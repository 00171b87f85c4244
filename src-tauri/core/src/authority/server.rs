//! What to put in each server's configuration so that it trusts the
//! authority: copyable settings, naming the files the admin exported.

use serde::Serialize;

/// One server's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerSettings {
    pub server: &'static str,
    /// What the settings do, in one sentence.
    pub note: &'static str,
    pub text: String,
}

/// The settings for every server AuthCert knows, for the authority's
/// certificate at `cert` and its revocation list at `crl` (paths on the
/// server; the admin copies the files there).
pub fn settings(cert: &str, crl: &str) -> Vec<ServerSettings> {
    vec![
        ServerSettings {
            server: "nginx",
            note: "In the server block of the API: only certificates the authority signed get through, and revoked ones are refused.",
            text: format!(
                "ssl_client_certificate {cert};\nssl_verify_client on;\nssl_verify_depth 1;\nssl_crl {crl};"
            ),
        },
        ServerSettings {
            server: "Apache httpd",
            note: "In the virtual host of the API (mod_ssl): the same rules.",
            text: format!(
                "SSLCACertificateFile {cert}\nSSLVerifyClient require\nSSLVerifyDepth 1\nSSLCARevocationFile {crl}\nSSLCARevocationCheck chain"
            ),
        },
        ServerSettings {
            server: "AWS API Gateway",
            note: "Upload the authority's certificate to S3 as the trust store of the custom domain (mutual TLS); API Gateway reads no revocation list, so remove a revoked certificate's access in a Lambda authorizer.",
            text: "aws apigateway update-domain-name --domain-name api.example.com --patch-operations op=replace,path=/mutualTlsAuthentication/truststoreUri,value=s3://BUCKET/authority.pem".to_string(),
        },
        ServerSettings {
            server: "Azure API Management",
            note: "Add the authority's certificate under Security › CA certificates (store: Root), then check the client certificate in an inbound policy.",
            text: "<validate-client-certificate validate-revocation=\"false\" validate-trust=\"true\" validate-not-before=\"true\" validate-not-after=\"true\" />".to_string(),
        },
        ServerSettings {
            server: "Kong",
            note: "Add the authority's certificate as a CA certificate, then enable the mtls-auth plugin (Kong Enterprise) with its id.",
            text: format!("curl -X POST http://localhost:8001/ca_certificates -F cert=@{cert}"),
        },
        ServerSettings {
            server: "Traefik",
            note: "A TLS option in the dynamic configuration, used by the API's router.",
            text: format!(
                "tls:\n  options:\n    api-mtls:\n      clientAuth:\n        caFiles: [\"{cert}\"]\n        clientAuthType: RequireAndVerifyClientCert"
            ),
        },
    ]
}
