'use strict';
// The one-time screen and the one after the download. The password lives in
// the page only while this screen shows; it is removed when the screen goes.
(function () {
  const app = window.authcert;
  const el = (id) => document.getElementById(id);
  const password = el('password');
  const saved = el('saved');
  const download = el('download');
  const savePem = el('save-pem');
  const keychain = el('keychain');
  const leaveDialog = el('leave-dialog');
  let pending = false;

  function forgetSecret() {
    password.textContent = '';
    el('copy-status').textContent = '';
  }

  // `notices`: what Rust says of a CA's answer (its chain, a missing
  // intermediate), for a completed request.
  function open(ready, notices) {
    pending = true;
    const box = el('ready-notices');
    box.replaceChildren(...(notices || []).map((n) => {
      const p = document.createElement('p');
      p.textContent = n;
      return p;
    }));
    box.hidden = !(notices && notices.length);
    password.textContent = ready.password;
    el('ready-nickname').textContent = ready.nickname;
    el('ready-until').textContent = ready.validUntil + ' (' + ready.zone + ')';
    saved.checked = false;
    keychain.checked = false;
    keychain.disabled = false;
    el('keychain-status').textContent = '';
    download.disabled = true;
    savePem.disabled = true;
    el('download-status').textContent = '';
    el('pem-status').textContent = '';
    el('pem-hint').textContent = app.defaultsCache ? app.defaultsCache.hints.pem : '';
    app.show('screen-ready');
    el('copy').focus();
  }

  el('ready-test').addEventListener('click', () => {
    app.test.open(
      { listed: null, nickname: el('ready-nickname').textContent, needsPassword: false },
      el('ready-test'),
    );
  });

  // Rust refuses the download until it knows the password was saved.
  saved.addEventListener('change', async () => {
    const want = saved.checked;
    download.disabled = true;
    savePem.disabled = true;
    try {
      await app.invoke('confirm_saved', { saved: want });
      download.disabled = !want;
      savePem.disabled = !want;
    } catch (e) {
      saved.checked = false;
      el('download-status').textContent = (e && e.message) || String(e);
    }
  });

  // The keychain box stores at once (before any download can wipe the
  // password) and says what happened; unticking removes the entry again.
  keychain.addEventListener('change', async () => {
    const want = keychain.checked;
    keychain.disabled = true;
    el('keychain-status').textContent = want ? 'Saving in the keychain…' : 'Removing from the keychain…';
    try {
      const message = await app.invoke(want ? 'remember' : 'forget');
      el('keychain-status').textContent = want ? message : 'Removed from the keychain.';
    } catch (e) {
      keychain.checked = !want;
      el('keychain-status').textContent = (e && e.message) || String(e);
    } finally {
      keychain.disabled = false;
    }
  });

  el('copy').addEventListener('click', async () => {
    try {
      await app.invoke('copy');
      el('copy-status').textContent = app.defaultsCache.hints.copied;
    } catch (e) {
      el('copy-status').textContent = e.message || String(e);
    }
  });

  download.addEventListener('click', async () => {
    if (download.disabled) return;
    download.disabled = true;
    el('download-status').textContent = 'Choose where to save the certificate…';
    try {
      const done = await app.invoke('download');
      pending = false;
      forgetSecret();
      showDone(done);
    } catch (e) {
      el('download-status').textContent = e.message || String(e);
      download.disabled = !saved.checked;
    }
  });

  // The PEM copy: written and checked by Rust, before the download.
  savePem.addEventListener('click', async () => {
    if (savePem.disabled) return;
    savePem.disabled = true;
    download.disabled = true;
    el('pem-status').textContent = 'Choose where to save the PEM copy…';
    try {
      const path = await app.invoke('save_pem');
      el('pem-status').textContent = 'Saved the PEM copy to ' + path;
    } catch (e) {
      el('pem-status').textContent = (e && e.message) || String(e);
      savePem.disabled = !saved.checked;
    } finally {
      download.disabled = !saved.checked;
    }
  });

  // "How to use it", as Rust writes it: each client's text and its Copy button.
  function renderHowto(snippets) {
    const box = el('howto');
    // The password setup comes first and stays open; each client is a
    // section the admin opens, so the page is a list of names, not a wall.
    box.replaceChildren(...snippets.map((s, i) => app.snippet({
      open: i === 0,
      id: 'howto-' + s.id,
      codeId: 'snippet-' + s.id,
      title: s.title,
      note: s.note,
      code: s.code,
      copy: () => app.invoke('copy_snippet', { id: s.id }),
    })));
  }

  function showDone(done) {
    el('saved-path').textContent = done.path;
    el('done-keychain').hidden = !done.keychainText;
    el('done-keychain').textContent = done.keychainText ? done.keychainText + '.' : '';
    el('saved-pem-line').hidden = !done.pem;
    el('saved-pem').textContent = done.pem || '';
    renderHowto(done.snippets);

    el('export-status').textContent = '';
    el('done-list-problem').hidden = !done.listProblem;
    el('done-list-problem').textContent = done.listProblem || '';
    el('done-request-problem').hidden = !done.requestProblem;
    el('done-request-problem').textContent = done.requestProblem || '';
    app.show('screen-done');
    el('done-title').focus();
  }

  async function exportAs(format) {
    try {
      const path = await app.invoke('export', { format });
      el('export-status').textContent = 'Saved the public certificate to ' + path;
    } catch (e) {
      el('export-status').textContent = e.message || String(e);
    }
  }
  el('export-pem').addEventListener('click', () => exportAs('pem'));
  el('export-cer').addEventListener('click', () => exportAs('cer'));
  el('another').addEventListener('click', () => app.form.reset());
  el('to-home').addEventListener('click', () => app.home.open());

  // Leaving before the download: the Close button, Escape, or closing the
  // window (Rust calls confirmLeave) all ask first.
  let quitAfter = false;
  function confirmLeave(quit) {
    quitAfter = Boolean(quit);
    if (!leaveDialog.open) app.ask(leaveDialog);
  }
  el('close-ready').addEventListener('click', () => confirmLeave(false));
  el('leave-stay').addEventListener('click', () => leaveDialog.close());
  el('leave-discard').addEventListener('click', async () => {
    leaveDialog.close();
    pending = false;
    forgetSecret();
    if (quitAfter) {
      await app.invoke('leave');
    } else {
      await app.invoke('discard');
      app.home.open();
    }
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && pending && !leaveDialog.open && !el('screen-ready').hidden) {
      event.preventDefault();
      confirmLeave(false);
    }
  });

  app.ready = { open };
  app.confirmLeave = () => confirmLeave(true);
})();
