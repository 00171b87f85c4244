use super::*;
use crate::engine::{Clock, RawRequest, Request};

/// A certificate made by AuthCert's engine, as a .p12 and its password.
fn made(nickname: &str) -> crate::engine::Issued {
    let clock = Clock::system();
    let raw = RawRequest {
        nickname: nickname.into(),
        end_date: clock
            .today()
            .checked_add(jiff::Span::new().days(30))
            .unwrap()
            .to_string(),
        key_type: Some("ecdsa-p256".into()),
        ..Default::default()
    };
    let request = Request::parse(&raw, clock.today(), std::iter::empty()).unwrap();
    crate::engine::issue(&request, &clock).unwrap()
}

/// A certificate for a server only (extended key usage serverAuth).
fn server_only_pem() -> String {
    let mut params = rcgen::CertificateParams::new(vec!["api.example.com".into()]).unwrap();
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    params.self_signed(&key).unwrap().pem()
}

#[test]
fn a_pkcs12_file_needs_its_password_and_names_the_field() {
    let issued = made("Billing API");
    assert!(read::is_pkcs12(&issued.p12));
    let e = read::inspect(&issued.p12, None).unwrap_err();
    assert_eq!(e.field(), Some("password"));
    let e = read::inspect(&issued.p12, Some("wrong")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Password: the password is wrong (or the file is damaged)."
    );
    let ok = read::inspect(&issued.p12, Some(issued.password.expose())).unwrap();
    assert_eq!(ok.format, Format::Pkcs12);
    assert_eq!(ok.with_key, Some(0));
    let c = &ok.certificates[0];
    assert_eq!(
        c.sha256_fingerprint,
        issued.facts.described.sha256_fingerprint
    );
    assert_eq!(c.common_name.as_deref(), Some("Billing API"));
    assert!(c.client_auth && c.self_signed && !c.is_authority);
    assert_eq!(c.key, "ECDSA P-256");
    assert!(ok.protection.unwrap().contains("AES-256"));
}

#[test]
fn pem_der_and_what_they_may_hold() {
    let issued = made("Public");
    let pem = issued.facts.certificate_pem();
    let ok = read::inspect(pem.as_bytes(), None).unwrap();
    assert_eq!(
        (ok.format, ok.with_key, ok.warnings.len()),
        (Format::Pem, None, 0)
    );
    let der = read::inspect(&issued.facts.certificate_der, None).unwrap();
    assert_eq!(der.format, Format::Der);

    // A clear private key beside it: the certificate only, and a warning.
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let with_key = format!("{}{}", pem, key.serialize_pem());
    let ok = read::inspect(with_key.as_bytes(), None).unwrap();
    assert!(
        ok.warnings[0].contains("not encrypted"),
        "{:?}",
        ok.warnings
    );
    // A key alone.
    let e = read::inspect(key.serialize_pem().as_bytes(), None).unwrap_err();
    assert!(matches!(e, ImportError::OnlyPrivateKey));
    // DER with bytes after it.
    let mut trailing = issued.facts.certificate_der.clone();
    trailing.extend_from_slice(b"extra");
    let e = read::inspect(&trailing, None).unwrap_err().to_string();
    assert!(e.contains("5 bytes follow the certificate"), "{e}");
    // Garbage and nothing.
    assert!(matches!(
        read::inspect(b"hello world", None),
        Err(ImportError::NotRecognized)
    ));
    assert!(matches!(read::inspect(b"", None), Err(ImportError::Empty)));
    let e = read::inspect(
        b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        None,
    );
    assert!(e.is_err());
}

#[test]
fn several_certificates_need_a_choice() {
    let (a, b) = (made("A"), made("B"));
    let both = format!("{}{}", a.facts.certificate_pem(), b.facts.certificate_pem());
    let ok = read::inspect(both.as_bytes(), None).unwrap();
    assert!(matches!(
        chosen(&ok, None),
        Err(ImportError::ChooseOne { count: 2 })
    ));
    assert!(matches!(
        chosen(&ok, Some(2)),
        Err(ImportError::NoSuchChoice { count: 2 })
    ));
    assert_eq!(
        chosen(&ok, Some(1)).unwrap().1.common_name.as_deref(),
        Some("B")
    );
}

#[test]
fn nicknames_are_made_valid_and_unique() {
    let pem = server_only_pem();
    let ok = read::inspect(pem.as_bytes(), None).unwrap();
    let c = &ok.certificates[0];
    assert!(!c.client_auth);
    assert_eq!(c.purposes, vec!["server authentication".to_string()]);
    // rcgen's default subject: "CN=rcgen self signed cert".
    assert_eq!(
        suggested_nickname(c, std::iter::empty()),
        "rcgen self signed cert"
    );
    assert_eq!(
        suggested_nickname(c, ["RCGEN self signed cert"].into_iter()),
        "rcgen self signed cert 2"
    );
    let mut weird = c.clone();
    weird.common_name = Some("api.example.com / prod (v2)!".into());
    assert_eq!(
        suggested_nickname(&weird, std::iter::empty()),
        "api example com prod v2"
    );
    weird.common_name = Some("x".repeat(65_536));
    assert_eq!(
        suggested_nickname(&weird, std::iter::empty())
            .chars()
            .count(),
        64
    );
    weird.common_name = Some("!!!".into());
    assert_eq!(
        suggested_nickname(&weird, std::iter::empty()),
        "Added certificate"
    );
}

#[test]
fn adding_checks_purpose_nickname_and_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::at(dir.path().join("data"));
    // No password is kept: the keychain is never opened.
    let keychains = Keychains::System;
    let file = dir.path().join("server.pem");
    let pem = server_only_pem();
    std::fs::write(&file, &pem).unwrap();
    let inspected = read::inspect(&read::file_bytes(&file).unwrap(), None).unwrap();
    let mut adding = Adding {
        path: &file,
        inspected: &inspected,
        choice: None,
        nickname: "Server",
        confirm_any_purpose: false,
        keep_password: None,
    };
    let e = add(&store, &keychains, &adding, &crate::clock::Clock::system()).unwrap_err();
    assert_eq!(e.field(), Some("confirm"));
    assert!(store.load().unwrap().records.is_empty());
    adding.confirm_any_purpose = true;
    adding.nickname = "bad/name";
    assert_eq!(
        add(&store, &keychains, &adding, &crate::clock::Clock::system())
            .unwrap_err()
            .field(),
        Some("nickname")
    );
    adding.nickname = "Server";
    let record = add(&store, &keychains, &adding, &crate::clock::Clock::system()).unwrap();
    let added = record.added.as_ref().unwrap();
    assert!(!added.has_key && added.self_signed && !added.client_auth);
    // The absolute path, as the admin reads it (on Windows without `\\?\`).
    assert_eq!(
        record.file,
        crate::platform::files::canonical(&file)
            .display()
            .to_string()
    );
    assert!(!record.file.starts_with(r"\\?\"), "{}", record.file);
    assert!(std::path::Path::new(&record.file).is_absolute());
    // The same certificate again, under another name: refused, naming it.
    adding.nickname = "Again";
    let e = add(&store, &keychains, &adding, &crate::clock::Clock::system())
        .unwrap_err()
        .to_string();
    assert_eq!(e, "This certificate is already in the list, as “Server”.");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        pem,
        "the file is never touched"
    );
}
