use std::sync::Arc;
use std::thread;

use keyring_core::{mock, CredentialStore};

use super::*;
use crate::engine::EndDateRange;

fn mock_keychains() -> (Keychains, Arc<CredentialStore>) {
    let store: Arc<CredentialStore> = mock::Store::new().unwrap();
    (Keychains::Fixed(store.clone()), store)
}

pub(crate) struct World {
    dir: tempfile::TempDir,
    pub(crate) keychains: Keychains,
}

impl World {
    pub(crate) fn new() -> World {
        World {
            dir: tempfile::tempdir().unwrap(),
            keychains: mock_keychains().0,
        }
    }

    pub(crate) fn store(&self) -> Store {
        Store::at(self.dir.path().join("data"))
    }

    pub(crate) fn pending(&self) -> Pending {
        Pending::new(Ok(self.store()), self.keychains.clone(), Spares::new())
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn stored(&self, account: &str) -> Option<String> {
        self.keychains
            .open()
            .unwrap()
            .read(account)
            .ok()
            .map(|p| p.to_string())
    }
}

fn raw(nickname: &str) -> RawRequest {
    let clock = Clock::system();
    RawRequest {
        nickname: nickname.into(),
        end_date: EndDateRange::default_end(clock.today(), None).to_string(),
        key_type: Some("ecdsa-p256".into()),
        ..RawRequest::default()
    }
}

fn make(p: &Pending, nickname: &str) -> Made {
    p.make(&raw(nickname), &Clock::system()).unwrap()
}

#[test]
fn made_kept_confirmed_saved_then_wiped() {
    let w = World::new();
    let p = w.pending();
    assert!(!p.has_pending());
    let made = make(&p, "Life");
    assert!(p.has_pending());
    assert_eq!(p.pending_nickname().as_deref(), Some("Life"));
    assert_eq!(p.password().unwrap().as_str(), made.password.as_str());

    let kept = p.keep().unwrap();
    let account = keychain::account_for("Life", &made.facts.described.sha256_fingerprint);
    assert_eq!(kept.account, account);
    assert_eq!(w.stored(&account).as_deref(), Some(made.password.as_str()));

    let target = w.path("life.p12");
    assert!(matches!(p.save(&target), Err(LifeError::NotConfirmed)));
    assert!(!target.exists());
    p.confirm_saved(true).unwrap();
    let saved = p.save(&target).unwrap();
    assert!(target.is_file());
    assert_eq!(saved.keychain_account.as_deref(), Some(account.as_str()));
    assert!(!p.has_pending());

    // The secrets are gone; the public facts stay.
    assert!(matches!(p.password(), Err(LifeError::AlreadySaved(_))));
    assert!(matches!(
        p.save(&w.path("again.p12")),
        Err(LifeError::AlreadySaved(_))
    ));
    assert!(matches!(p.keep(), Err(LifeError::AlreadySaved(_))));
    let (facts, _) = p.saved().unwrap();
    assert_eq!(facts.described.nickname, "Life");

    // Recorded, with the account of its own.
    let listed = w.store().get(&facts.described.sha256_fingerprint).unwrap();
    assert_eq!(listed.keychain_account.as_deref(), Some(account.as_str()));
    assert_eq!(w.stored(&account).as_deref(), Some(made.password.as_str()));
}

#[test]
fn out_of_order_calls_are_refused_with_the_next_step() {
    let w = World::new();
    let p = w.pending();
    assert!(matches!(p.keep(), Err(LifeError::Nothing)));
    assert!(matches!(p.save(&w.path("x.p12")), Err(LifeError::Nothing)));
    assert!(matches!(p.confirm_saved(true), Err(LifeError::Nothing)));
    assert!(matches!(p.saved(), Err(LifeError::NotSaved)));
    make(&p, "Order");
    let again = p.make(&raw("Other"), &Clock::system()).unwrap_err();
    assert!(matches!(again, LifeError::Pending), "{again}");
    // The waiting nickname is taken for a second form too.
    let errors = p.validate(&raw("order"), &Clock::system()).unwrap();
    assert!(errors[0].message.contains("already exists"), "{errors:?}");
}

#[test]
fn discard_wipes_and_deletes_its_keychain_entry_only() {
    let w = World::new();
    let p = w.pending();
    let made = make(&p, "Discard me");
    let account = p.keep().unwrap().account;
    // An unrelated entry under the nickname alone (a format-1 certificate).
    w.keychains
        .open()
        .unwrap()
        .store("Discard me", "older")
        .unwrap();
    p.discard();
    assert!(!p.has_pending());
    assert_eq!(w.stored(&account), None);
    assert_eq!(w.stored("Discard me").as_deref(), Some("older"));
    assert!(matches!(p.password(), Err(LifeError::Nothing)));
    // The nickname is free again, and a new certificate under it gets an
    // entry of its own.
    let second = make(&p, "Discard me");
    assert_ne!(
        second.facts.described.sha256_fingerprint,
        made.facts.described.sha256_fingerprint
    );
    let second_account = p.keep().unwrap().account;
    assert_ne!(second_account, account);
}

#[test]
fn a_failed_save_keeps_the_certificate_and_leaves_no_file() {
    let w = World::new();
    let p = w.pending();
    let made = make(&p, "Retry");
    p.confirm_saved(true).unwrap();
    let gone = w.path("missing/folder/retry.p12");
    let err = p.save(&gone).unwrap_err();
    assert!(err.to_string().contains("still here"), "{err}");
    assert!(p.has_pending());
    assert_eq!(p.password().unwrap().as_str(), made.password.as_str());
    // An existing file is never replaced.
    std::fs::write(w.path("taken.p12"), b"old").unwrap();
    assert!(p.save(&w.path("taken.p12")).is_err());
    assert_eq!(std::fs::read(w.path("taken.p12")).unwrap(), b"old");
    p.save(&w.path("retry.p12")).unwrap();
}

#[test]
fn the_same_new_nickname_saved_twice_keeps_one() {
    let w = World::new();
    let (a, b) = (w.pending(), w.pending());
    make(&a, "Twice");
    make(&b, "twice");
    a.confirm_saved(true).unwrap();
    b.confirm_saved(true).unwrap();
    a.save(&w.path("a.p12")).unwrap();
    let err = b.save(&w.path("b.p12")).unwrap_err();
    assert!(
        matches!(err, LifeError::Store(StoreError::Duplicate(_))),
        "{err}"
    );
    assert!(
        !w.path("b.p12").exists(),
        "no file is left for the refused one"
    );
    assert_eq!(w.store().load().unwrap().records.len(), 1);
}

#[test]
fn an_operation_under_way_makes_the_others_wait_or_refuse() {
    let w = World::new();
    let p = Arc::new(w.pending());
    make(&p, "Busy");
    p.confirm_saved(true).unwrap();
    drop(p.begin(Work::Keychain).unwrap());
    for refused in [
        p.keep().err(),
        p.unkeep().err(),
        p.save(&w.path("b.p12")).err(),
    ] {
        assert!(matches!(refused, Some(LifeError::Busy(_))), "{refused:?}");
    }
    assert!(p.check_savable("p12").is_err());
    assert!(p.has_pending(), "closing still asks");
    // discard waits for the operation to end.
    let waiter = {
        let p = p.clone();
        thread::spawn(move || p.discard())
    };
    thread::sleep(std::time::Duration::from_millis(50));
    assert!(p.has_pending(), "not discarded under the operation's feet");
    {
        let mut state = p.lock();
        clear_busy(&mut state);
    }
    p.settled.notify_all();
    waiter.join().unwrap();
    assert!(!p.has_pending());
}

#[test]
fn a_panic_in_the_middle_of_an_operation_loses_nothing() {
    let w = World::new();
    let p = Arc::new(w.pending());
    let made = make(&p, "Panic");
    p.confirm_saved(true).unwrap();
    let crashed = {
        let p = p.clone();
        thread::spawn(move || {
            let _begun = p.begin(Work::Saving).unwrap();
            let _guard = Guard::new(&p, clear_busy);
            // Poison the lock too: the state must survive both.
            let _held = p.lock();
            panic!("injected");
        })
        .join()
    };
    assert!(crashed.is_err());
    assert!(p.has_pending(), "closing still asks");
    assert_eq!(p.password().unwrap().as_str(), made.password.as_str());
    p.save(&w.path("after-panic.p12")).unwrap();
}

#[test]
fn a_certificate_discarded_while_being_made_is_dropped() {
    let w = World::new();
    let p = w.pending();
    *p.lock() = State::Generating {
        id: 7,
        abandoned: false,
    };
    assert!(p.has_pending(), "closing asks while a key is made");
    p.discard();
    assert!(!p.has_pending(), "then the window may close");
    let clock = Clock::system();
    let request = Request::parse(&raw("Abandoned"), clock.today(), []).unwrap();
    let issued = engine::issue(&request, &clock).unwrap();
    let result = p.finish_make_then(7, issued, None, OnSave::KeepRequest, None);
    assert!(matches!(result, Err(LifeError::Discarded)), "{result:?}");
    assert!(matches!(p.password(), Err(LifeError::Nothing)));
    // And the next one goes through.
    make(&p, "Next");
}

/// A generation that was discarded and finishes after a newer one was made
/// (its password already shown) leaves the newer certificate alone.
#[test]
fn a_late_abandoned_generation_keeps_the_newer_certificate() {
    let w = World::new();
    let p = w.pending();
    // The first generation: started, then the window was closed on it.
    let first = p
        .generations
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        + 1;
    *p.lock() = State::Generating {
        id: first,
        abandoned: false,
    };
    p.discard();
    // The admin made another one; its password is on screen.
    let newer = make(&p, "Newer");
    // The first one ends only now.
    let clock = Clock::system();
    let request = Request::parse(&raw("Late"), clock.today(), []).unwrap();
    let late = engine::issue(&request, &clock).unwrap();
    let result = p.finish_make_then(first, late, None, OnSave::KeepRequest, None);
    assert!(matches!(result, Err(LifeError::Discarded)), "{result:?}");
    assert_eq!(p.pending_nickname().as_deref(), Some("Newer"));
    assert_eq!(p.password().unwrap().as_str(), newer.password.as_str());
    p.confirm_saved(true).unwrap();
    p.save(&w.path("newer.p12")).unwrap();
}

#[test]
fn retract_takes_back_file_record_and_entry() {
    let w = World::new();
    let p = w.pending();
    let made = make(&p, "Retract");
    let account = p.keep().unwrap().account;
    p.confirm_saved(true).unwrap();
    let target = w.path("retract.p12");
    p.save(&target).unwrap();
    p.retract().unwrap();
    assert!(!target.exists());
    assert!(w
        .store()
        .get(&made.facts.described.sha256_fingerprint)
        .is_err());
    assert_eq!(w.stored(&account), None);
    assert!(matches!(p.retract(), Err(LifeError::NotSaved)));
}

#[test]
fn a_keychain_failure_says_why_and_changes_nothing() {
    let (keychains, store) = mock_keychains();
    let dir = tempfile::tempdir().unwrap();
    let p = Pending::new(Ok(Store::at(dir.path())), keychains, Spares::new());
    let made = make(&p, "Denied");
    let account = keychain::account_for("Denied", &made.facts.described.sha256_fingerprint);
    let entry = store.build(keychain::SERVICE, &account, None).unwrap();
    entry
        .as_any()
        .downcast_ref::<mock::Cred>()
        .unwrap()
        .set_error(keyring_core::Error::NoStorageAccess("access denied".into()));
    let err = p.keep().unwrap_err();
    assert!(
        matches!(err, LifeError::Keychain(KeychainError::Denied)),
        "{err}"
    );
    assert!(!format!("{err} {err:?}").contains(made.password.as_str()));
    // Not busy any more: it can be tried again, and the flow goes on.
    p.keep().unwrap();
    p.confirm_saved(true).unwrap();
    p.save(&dir.path().join("denied.p12")).unwrap();
}

#[test]
fn a_pem_copy_is_saved_encrypted_and_goes_with_a_discard() {
    let w = World::new();
    let p = w.pending();
    let made = make(&p, "Pem");
    let pem = w.path("pem.pem");
    assert!(matches!(p.save_pem(&pem), Err(LifeError::NotConfirmed)));
    p.confirm_saved(true).unwrap();
    let saved_pem = p.save_pem(&pem).unwrap();
    let text = std::fs::read_to_string(&pem).unwrap();
    assert!(text.starts_with("-----BEGIN CERTIFICATE-----"), "{text}");
    assert!(text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert!(!text.contains("BEGIN PRIVATE KEY"), "never a clear key");
    assert!(!text.contains(made.password.as_str()));
    // Discarded: the copy goes too.
    p.discard();
    assert!(!saved_pem.exists());

    // Saved with the .p12: both are recorded.
    let made = make(&p, "Pem 2");
    p.confirm_saved(true).unwrap();
    let pem = w.path("pem2.pem");
    p.save_pem(&pem).unwrap();
    let saved = p.save(&w.path("pem2.p12")).unwrap();
    assert!(saved.pem.is_some());
    let record = w
        .store()
        .get(&made.facts.described.sha256_fingerprint)
        .unwrap();
    assert!(record.pem_file.unwrap().ends_with("pem2.pem"));
    // After the .p12 the key is gone: no more PEM copies.
    assert!(matches!(
        p.save_pem(&w.path("late.pem")),
        Err(LifeError::AlreadySaved(_))
    ));
    assert!(!w.path("late.pem").exists());
}

#[test]
fn a_certificate_signed_by_the_authority_is_made_saved_and_listed_as_such() {
    let w = World::new();
    let p = w.pending();
    let clock = Clock::system();
    let mut signed = raw("Signed");
    signed.signed_by = Some("authority".into());
    // No authority yet: the field is named, nothing is made.
    let refused = p.validate(&signed, &clock).unwrap();
    assert_eq!(refused[0].field, crate::engine::Field::SignedBy);
    let err = p.make(&signed, &clock).unwrap_err();
    assert_eq!(err.field_errors()[0].field, crate::engine::Field::SignedBy);
    assert!(!p.has_pending());

    let a = authority::create(&w.store(), &w.keychains, "Acme", None, &clock).unwrap();
    assert!(p.validate(&signed, &clock).unwrap().is_empty());
    let made = p.make(&signed, &clock).unwrap();
    assert_eq!(made.facts.signed_by, Some(a.signed_by()));
    p.confirm_saved(true).unwrap();
    let pem = p.save_pem(&w.path("signed.pem")).unwrap();
    let text = std::fs::read_to_string(pem).unwrap();
    assert_eq!(
        text.matches("BEGIN CERTIFICATE").count(),
        2,
        "chain in the PEM copy"
    );
    p.save(&w.path("signed.p12")).unwrap();
    let listed = w
        .store()
        .get(&made.facts.described.sha256_fingerprint)
        .unwrap();
    assert_eq!(listed.signed_by, Some(a.signed_by()));
}

#[test]
fn without_the_authoritys_key_nothing_is_made() {
    let w = World::new();
    let p = w.pending();
    let clock = Clock::system();
    let a = authority::create(&w.store(), &w.keychains, "Acme", None, &clock).unwrap();
    w.keychains
        .open()
        .unwrap()
        .delete(&a.keychain_account)
        .unwrap();
    let mut signed = raw("Signed");
    signed.signed_by = Some("authority".into());
    let err = p.make(&signed, &clock).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "The certificate was not made: the authority's private key is no longer in the keychain"
        ),
        "{err}"
    );
    assert!(!p.has_pending());
    // A self-signed one still works.
    make(&p, "Own");
}

/// Requests to another CA as the window completes them.
pub(crate) mod requested {
    use super::*;
    use crate::engine::Field;
    use crate::requested::waiting::{self, RequestError};

    /// A CA's answer to `request`: the certificate it signs, then the CA's.
    pub(crate) fn answer(request: &str) -> String {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Acme Issuing CA");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = params.self_signed(&key).unwrap();
        let issuer = rcgen::Issuer::new(params, key);
        let csr = rcgen::CertificateSigningRequestParams::from_pem(request).unwrap();
        let leaf = csr.signed_by(&issuer).unwrap();
        leaf.pem() + &ca.pem()
    }

    /// A request waiting in `w`'s list, made as the form makes it.
    pub(crate) fn waiting_request(w: &World, nickname: &str) -> waiting::Waiting {
        let mut form = raw(nickname);
        form.signed_by = Some("ca".into());
        waiting::create(&w.store(), &w.keychains, &form, &Clock::system()).unwrap()
    }

    fn complete(w: &World, p: &Pending, nickname: &str, answer: &str, on_save: OnSave) {
        let done = waiting::complete(
            &w.store(),
            &w.keychains,
            nickname,
            answer.as_bytes(),
            &Clock::system(),
        )
        .unwrap();
        p.adopt(done.issued, on_save, done.waiting.replaces)
            .unwrap();
    }

    #[test]
    fn completed_in_the_window_saving_ends_the_request_and_a_discard_keeps_it() {
        let w = World::new();
        let p = w.pending();
        let request = waiting_request(&w, "Billing API");
        let signed = answer(&request.request);
        // Discarded on the one-time screen: the request and its key wait.
        complete(&w, &p, "Billing API", &signed, OnSave::FinishRequest);
        p.discard();
        assert_eq!(waiting::list(&w.store()).unwrap().len(), 1);
        // Saved: listed as requested from the CA, the request ended.
        complete(&w, &p, "Billing API", &signed, OnSave::FinishRequest);
        p.confirm_saved(true).unwrap();
        let saved = p.save(&w.path("billing.p12")).unwrap();
        assert_eq!(saved.request_notice, None);
        assert!(waiting::list(&w.store()).unwrap().is_empty());
        assert!(matches!(
            w.keychains
                .open()
                .unwrap()
                .read_secret(&request.keychain_account),
            Err(crate::keychain::KeychainError::NotFound)
        ));
        let listed = w.store().load().unwrap().records;
        assert_eq!(listed[0].requested_from.as_deref(), Some("Acme Issuing CA"));
        // The command line's way: the request stays until it says so.
        let ledger = waiting_request(&w, "Ledger");
        complete(
            &w,
            &p,
            "Ledger",
            &answer(&ledger.request),
            OnSave::KeepRequest,
        );
        p.confirm_saved(true).unwrap();
        p.save(&w.path("ledger.p12")).unwrap();
        assert_eq!(waiting::list(&w.store()).unwrap().len(), 1);
    }

    #[test]
    fn a_request_that_replaces_a_certificate_takes_over_its_integrations_once_saved() {
        use crate::integrations::{self, NewIntegration};
        let w = World::new();
        let p = w.pending();
        let first = waiting_request(&w, "Billing API");
        complete(
            &w,
            &p,
            "Billing API",
            &answer(&first.request),
            OnSave::FinishRequest,
        );
        p.confirm_saved(true).unwrap();
        p.save(&w.path("billing.p12")).unwrap();
        let old = w.store().load().unwrap().records[0]
            .described
            .sha256_fingerprint;
        for (name, url) in [
            ("Export", "https://a.example/"),
            ("Payroll", "https://b.example/"),
        ] {
            integrations::add(
                &w.store(),
                &old,
                NewIntegration::parse(name, url, "").unwrap(),
            )
            .unwrap();
        }
        let mut form = raw("Billing API 2");
        form.signed_by = Some("ca".into());
        let second =
            waiting::create_replacing(&w.store(), &w.keychains, &form, Some(old), &Clock::system())
                .unwrap();
        // Kept with the waiting request, as the requests file reads back.
        assert_eq!(waiting::list(&w.store()).unwrap()[0].replaces, Some(old));
        complete(
            &w,
            &p,
            "Billing API 2",
            &answer(&second.request),
            OnSave::FinishRequest,
        );
        p.confirm_saved(true).unwrap();
        p.save(&w.path("billing-2.p12")).unwrap();
        let records = w.store().load().unwrap().records;
        let new = records
            .iter()
            .find(|r| r.described.nickname == "Billing API 2")
            .unwrap();
        assert_eq!(new.replaces, Some(old));
        let names: Vec<&str> = new.integrations.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["Export", "Payroll"]);
        assert!(new.integrations.iter().all(|i| i.moved.is_none()));
    }

    #[test]
    fn the_forms_request_choice_asks_no_end_date_and_makes_no_certificate() {
        let w = World::new();
        let p = w.pending();
        let mut form = raw("Billing API");
        form.signed_by = Some("ca".into());
        form.end_date = String::new();
        assert_eq!(p.validate(&form, &Clock::system()).unwrap(), []);
        form.nickname = "a/b".into();
        let errors = p.validate(&form, &Clock::system()).unwrap();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, Field::Nickname);
        // A certificate is never made for it here: refused on Signed by.
        let mut form = raw("Billing API");
        form.signed_by = Some("ca".into());
        let e = p.make(&form, &Clock::system()).err().unwrap();
        assert_eq!(e.field_errors()[0].field, Field::SignedBy, "{e}");
        assert!(e.to_string().contains("request file"), "{e}");
        assert!(!p.has_pending());
        // A waiting request's nickname is taken for certificates too.
        waiting_request(&w, "Billing API");
        let e = p.make(&raw("billing api"), &Clock::system()).err().unwrap();
        assert_eq!(e.field_errors()[0].field, Field::Nickname, "{e}");
        let e = waiting::create(&w.store(), &w.keychains, &form, &Clock::system()).unwrap_err();
        assert!(matches!(e, RequestError::Invalid(_)), "{e}");
    }
}
