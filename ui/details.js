'use strict';
// Details of a listed certificate and its actions: export, replace, copy the
// password from the keychain (it goes to the clipboard, never to the page),
// and remove from the list after asking.
(function () {
  const app = window.authcert;
  const el = (id) => document.getElementById(id);
  const line = el('details-status-line');
  const removeDialog = el('remove-dialog');
  let current = null;

  function say(text) { line.textContent = text; }
  const message = (e) => (e && e.message) || String(e);

  async function open(id) {
    try {
      current = await app.invoke('details', { id });
    } catch (e) {
      current = null;
      await app.home.open();
      el('list-problem').hidden = false;
      el('list-problem').textContent = message(e);
      return;
    }
    const d = current;
    el('details-title').textContent = d.nickname;
    const status = el('details-status');
    status.className = 'badge ' + (d.revokedText ? 'revoked' : d.status.kind);
    status.textContent = d.statusText;
    el('d-subject').textContent = d.subject;
    el('d-serial').textContent = d.serial;
    el('d-sha256').textContent = d.sha256Fingerprint;
    el('d-sha1').textContent = d.sha1Thumbprint;
    el('d-issued').textContent = d.issued;
    el('d-expires').textContent = d.expires + ' (' + d.zone + ')';
    el('d-key').textContent = d.keyType;
    el('d-hash').textContent = d.signatureHash;
    el('d-encryption').textContent = d.encryption;
    el('d-file').textContent = d.file + (d.fileExists ? '' : ' (no longer there)');
    el('d-keychain').textContent = d.keychainText;
    el('d-last-test').textContent = d.lastTestText;
    el('d-signed-by').textContent = d.signedBy;
    el('d-revoked-label').hidden = !d.revokedText;
    el('d-revoked').hidden = !d.revokedText;
    el('d-revoked').textContent = d.revokedText || '';
    el('d-revoke').hidden = !d.canRevoke;
    el('d-replacement').textContent = d.replacementText;
    el('d-origin').textContent = d.originText;
    el('d-test').hidden = !d.canTest;
    el('d-copy').hidden = !d.inKeychain;
    app.integrations.show(d);
    say('');
    app.show('screen-details');
    el('details-title').focus();
  }

  el('details-back').addEventListener('click', () => app.home.open());

  el('d-test').addEventListener('click', () => {
    app.test.open(
      { listed: current.id, nickname: current.nickname, needsPassword: !current.inKeychain, lastUrl: current.lastTestUrl },
      el('d-test'),
    );
  });

  // After a test, the details show its verdict as the list remembers it
  // (and, unless Test all just showed them, each integration's).
  async function refreshLastTest(id, keepCards) {
    if (!current || current.id !== id) return;
    try {
      const d = await app.invoke('details', { id });
      el('d-last-test').textContent = d.lastTestText;
      app.integrations.refresh(d, keepCards);
    } catch (e) { /* the details stay as they were */ }
  }

  async function exportAs(format) {
    try {
      const path = await app.invoke('export_listed', { id: current.id, format });
      say('Saved the public certificate to ' + path);
    } catch (e) {
      say(message(e));
    }
  }
  el('d-export-pem').addEventListener('click', () => exportAs('pem'));
  el('d-export-cer').addEventListener('click', () => exportAs('cer'));

  el('d-copy').addEventListener('click', async () => {
    say('Reading the keychain…');
    try {
      await app.invoke('copy_from_keychain', { id: current.id });
      say(app.defaultsCache.hints.copiedFromKeychain);
    } catch (e) {
      say(message(e));
    }
  });

  el('d-replace').addEventListener('click', async () => {
    try {
      const prefill = await app.invoke('replacement', { id: current.id });
      app.form.reset(prefill);
    } catch (e) {
      say(message(e));
    }
  });

  el('d-remove').addEventListener('click', () => {
    el('remove-title').textContent = 'Remove “' + current.nickname + '” from the list?';
    el('remove-file').textContent = current.file;
    el('remove-keychain-row').hidden = !current.inKeychain;
    el('remove-keychain').checked = false;
    el('remove-error').textContent = '';
    app.ask(removeDialog);
  });
  el('remove-cancel').addEventListener('click', () => removeDialog.close());
  el('remove-confirm').addEventListener('click', async () => {
    try {
      await app.invoke('remove', { id: current.id, alsoKeychain: el('remove-keychain').checked });
      removeDialog.close();
      current = null;
      app.home.open();
    } catch (e) {
      el('remove-error').textContent = message(e);
    }
  });

  // Revoke: asked first, with an optional reason (Rust's list).
  const revokeDialog = el('revoke-dialog');
  el('d-revoke').addEventListener('click', async () => {
    el('revoke-title').textContent = 'Revoke “' + current.nickname + '”?';
    el('revoke-error').textContent = '';
    try {
      const authority = await app.invoke('authority_view');
      el('revoke-reason').replaceChildren(...authority.reasons.map((r) => {
        const opt = document.createElement('option');
        opt.value = r.token;
        opt.textContent = r.label;
        return opt;
      }));
    } catch (e) {
      say(message(e));
      return;
    }
    app.ask(revokeDialog);
  });
  el('revoke-cancel').addEventListener('click', () => revokeDialog.close());
  el('revoke-confirm').addEventListener('click', async () => {
    try {
      const revoked = await app.invoke('revoke', { id: current.id, reason: el('revoke-reason').value });
      revokeDialog.close();
      await open(current.id);
      say(revoked.revokedText);
    } catch (e) {
      el('revoke-error').textContent = message(e);
    }
  });

  app.details = { open, refreshLastTest };
})();
