'use strict';
// Test with your API: for the certificate on the one-time screen (before
// the download) or a listed one. Rust makes the request and words the
// verdict; this page only shows it. A typed password goes to Rust for the
// one test and is cleared from the field at once.
(function () {
  const app = window.authcert;
  const el = (id) => document.getElementById(id);
  const dialog = el('test-dialog');
  const url = el('test-url');
  const passwordRow = el('test-password-row');
  const password = el('test-password');
  const run = el('test-run');
  const cancel = el('test-cancel');
  let subject = null; // { listed: id | null, nickname, needsPassword }
  let opener = null;
  let running = false;
  let lastVerdict = null;
  // The server fingerprint the admin chose to trust, for this address and
  // this dialog only.
  let trusted = null;

  const message = (e) => (e && e.message) || String(e);

  function clearErrors() {
    el('test-url-error').textContent = '';
    el('test-password-error').textContent = '';
    url.removeAttribute('aria-invalid');
    password.removeAttribute('aria-invalid');
  }

  function showResult(v) {
    lastVerdict = v;
    const box = el('test-result');
    box.className = 'verdict ' + v.verdict;
    el('test-headline').textContent = v.headline;
    el('test-message').textContent = v.message;
    const untrusted = v.verdict === 'server-untrusted';
    el('test-server').hidden = !(v.server && (untrusted || v.server_trusted_by_fingerprint));
    if (v.server) {
      el('test-server-subject').textContent = v.server.subject;
      el('test-server-issuer').textContent = v.server.issuer;
      el('test-server-expires').textContent = v.server.expires;
      el('test-server-sha256').textContent = v.server.sha256;
    }
    el('test-trust').hidden = !(untrusted && v.server);
    el('test-export').hidden = !(v.verdict === 'refused' && subject.listed);
    el('test-remember').hidden = !(v.verdict === 'accepted' && subject.listed && app.integrations);
    el('test-export-status').textContent = '';
    el('test-detail').textContent = v.detail + '\n' + v.url + ' (' + v.elapsed_ms + ' ms)';
    box.hidden = false;
    el('test-headline').focus();
  }

  function showTrust() {
    const note = el('test-trusting');
    note.hidden = !trusted;
    note.textContent = trusted ? 'For this test only, AuthCert trusts the server certificate with SHA-256 fingerprint ' + trusted + '.' : '';
  }

  async function start() {
    if (running) return;
    clearErrors();
    running = true;
    run.disabled = true;
    cancel.hidden = false;
    el('test-result').hidden = true;
    el('test-progress').textContent = 'Testing… AuthCert is calling ' + url.value.trim();
    const typed = subject.needsPassword ? password.value : null;
    password.value = '';
    try {
      const args = { url: url.value, trustServer: trusted };
      const v = subject.listed
        ? await app.invoke('test_listed', Object.assign({ id: subject.listed, password: typed }, args))
        : await app.invoke('test_pending', args);
      el('test-progress').textContent = '';
      showResult(v);
      if (subject.listed && app.details) app.details.refreshLastTest(subject.listed);
    } catch (e) {
      el('test-progress').textContent = e && e.cancelled ? message(e) : '';
      if (e && e.field === 'url') {
        el('test-url-error').textContent = message(e);
        url.setAttribute('aria-invalid', 'true');
        url.focus();
      } else if (e && e.field === 'password') {
        el('test-password-error').textContent = message(e);
        password.setAttribute('aria-invalid', 'true');
        password.focus();
      } else if (!(e && e.cancelled)) {
        el('test-progress').textContent = message(e);
      }
    } finally {
      running = false;
      run.disabled = false;
      cancel.hidden = true;
    }
  }

  function open(what, from) {
    subject = what;
    opener = from || null;
    lastVerdict = null;
    trusted = null;
    // The address last tested with this certificate, when the list knows it.
    if (what.lastUrl) url.value = what.lastUrl;
    showTrust();
    el('test-nickname').textContent = what.nickname;
    passwordRow.hidden = !what.needsPassword;
    password.value = '';
    el('test-progress').textContent = '';
    el('test-result').hidden = true;
    clearErrors();
    dialog.showModal();
    url.focus();
  }

  el('test-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    start();
  });
  // Trusting one server ends when the address changes.
  url.addEventListener('input', () => {
    trusted = null;
    showTrust();
  });
  el('test-trust').addEventListener('click', () => {
    if (!(lastVerdict && lastVerdict.server)) return;
    trusted = lastVerdict.server.sha256;
    showTrust();
    start();
  });
  cancel.addEventListener('click', async () => {
    try {
      await app.invoke('cancel_test', { id: subject.listed });
    } catch (e) {
      el('test-progress').textContent = message(e);
    }
  });
  el('test-export').addEventListener('click', async () => {
    try {
      const path = await app.invoke('export_listed', { id: subject.listed, format: 'pem' });
      el('test-export-status').textContent = 'Saved the public certificate to ' + path;
    } catch (e) {
      el('test-export-status').textContent = message(e);
    }
  });
  // An accepted address becomes an integration: the details' form gets it.
  el('test-remember').addEventListener('click', () => {
    const address = lastVerdict.url;
    const pinned = lastVerdict.server_trusted_by_fingerprint && lastVerdict.server ? lastVerdict.server.sha256 : null;
    opener = null;
    close().then(() => app.integrations.remember(address, pinned));
  });
  async function close() {
    if (running) {
      try { await app.invoke('cancel_test', { id: subject.listed }); } catch (e) { /* closing anyway */ }
    }
    password.value = '';
    dialog.close();
  }
  el('test-close').addEventListener('click', close);
  dialog.addEventListener('cancel', (ev) => {
    ev.preventDefault();
    close();
  });
  // Escape closes it from anywhere inside, the verdict's heading included
  // (WebKitGTK sends no cancel event while a non-control has the focus).
  dialog.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && !ev.defaultPrevented) {
      // Only this question closes: the screen below must not see the key
      // (on the one-time screen Escape asks about leaving).
      ev.preventDefault();
      ev.stopPropagation();
      close();
    }
  });
  dialog.addEventListener('close', () => {
    if (opener) opener.focus();
  });

  app.test = { open };
})();
