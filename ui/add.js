'use strict';
// Add existing certificate: Rust opens the system's open dialog and reads
// the file; this page shows what Rust found and sends back the admin's
// choices. A typed password goes to Rust and is cleared from the field.
(function () {
  const app = window.authcert;
  const el = (id) => document.getElementById(id);
  let preview = null;
  let choice = null;
  // One step at a time: a second click while the dialog is open or Rust is
  // reading or adding is ignored (a double click must not add twice or
  // open a second dialog).
  const once = app.oneAtATime();

  const message = (e) => (e && e.message) || String(e);

  function clearErrors() {
    for (const id of ['add-password-error', 'add-nickname-error', 'add-choice-error', 'add-confirm-error', 'add-error']) {
      el(id).textContent = '';
    }
    for (const id of ['add-password', 'add-nickname']) el(id).removeAttribute('aria-invalid');
  }

  // An error goes next to the field Rust names, or below the screen.
  function showError(e) {
    const target = {
      password: ['add-password-error', 'add-password'],
      nickname: ['add-nickname-error', 'add-nickname'],
      choice: ['add-choice-error', null],
      confirm: ['add-confirm-error', 'add-any-purpose'],
    }[e && e.field] || ['add-error', null];
    el(target[0]).textContent = message(e);
    if (target[1]) {
      el(target[1]).setAttribute('aria-invalid', 'true');
      el(target[1]).focus();
    }
  }

  function showCandidate(c) {
    el('a-subject').textContent = c.subject;
    el('a-issuer').textContent = c.selfSigned ? 'itself (self-signed)' : c.issuer;
    el('a-from').textContent = c.validFrom + (c.notYetValid ? ' (not valid yet)' : '');
    el('a-expires').textContent = c.expires + ' (' + c.statusText + ')';
    el('a-key').textContent = c.key;
    el('a-signature').textContent = c.signature;
    el('a-client-auth').textContent = c.clientAuth
      ? 'Yes'
      : 'No: it is meant for ' + (c.purposes.join(', ') || 'other purposes') + '. APIs will likely refuse it.';
    el('a-sha256').textContent = c.sha256Fingerprint;
    el('add-listed').hidden = !c.listedAs;
    el('add-listed').textContent = c.listedAs ? 'This certificate is already in the list, as “' + c.listedAs + '”.' : '';
    el('add-any-purpose-row').hidden = c.clientAuth;
    el('add-any-purpose').checked = false;
  }

  function showPreview(p) {
    preview = p;
    choice = p.selected;
    el('add-password-form').hidden = true;
    el('add-preview').hidden = false;
    const warnings = el('add-warnings');
    warnings.replaceChildren(...p.warnings.map((w) => {
      const para = document.createElement('p');
      para.textContent = w;
      return para;
    }));
    warnings.hidden = p.warnings.length === 0;
    el('a-format').textContent = p.format + (p.protection ? ', protected with ' + p.protection : '');
    const several = p.selected === null;
    el('add-choices').hidden = !several;
    if (several) {
      const list = el('add-choice-list');
      list.replaceChildren(...p.certificates.map((c, i) => {
        const label = document.createElement('label');
        label.className = 'check';
        const radio = document.createElement('input');
        radio.type = 'radio';
        radio.name = 'add-choice';
        radio.value = String(i);
        radio.addEventListener('change', () => {
          choice = i;
          showCandidate(c);
        });
        const text = document.createElement('span');
        text.textContent = c.subject + ' — expires ' + c.expires;
        label.append(radio, text);
        return label;
      }));
    }
    showCandidate(p.certificates[several ? 0 : p.selected]);
    el('add-nickname').value = p.suggestedNickname;
    el('add-keychain-row').hidden = !p.hasKey;
    el('add-keychain').checked = false;
    el('add-nickname').focus();
  }

  const start = once(async () => {
    clearErrors();
    let view;
    try {
      view = await app.invoke('add_pick');
    } catch (e) {
      if (!(e && e.cancelled)) {
        await app.home.open();
        el('list-problem').hidden = false;
        el('list-problem-text').textContent = message(e);
        el('list-problem-dismiss').hidden = true;
      }
      return;
    }
    preview = null;
    el('add-file').textContent = view.fileName;
    el('add-preview').hidden = true;
    el('add-password-form').hidden = !view.needsPassword;
    el('add-password').value = '';
    app.show('screen-add');
    if (view.needsPassword) {
      el('add-password').focus();
    } else {
      showPreview(view.preview);
    }
  });

  el('add-password-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    openFile();
  });
  const openFile = once(async () => {
    clearErrors();
    const typed = el('add-password').value;
    el('add-password').value = '';
    try {
      const view = await app.invoke('add_open', { password: typed });
      showPreview(view.preview);
    } catch (e) {
      // The admin left while it was opening: nothing to show.
      if (!(e && e.cancelled)) showError(e);
    }
  });

  el('add-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    confirmAdd();
  });
  const confirmAdd = once(async () => {
    clearErrors();
    try {
      const id = await app.invoke('add_confirm', {
        nickname: el('add-nickname').value,
        choice,
        keychain: el('add-keychain').checked,
        anyPurpose: el('add-any-purpose').checked,
      });
      await app.details.open(id);
    } catch (e) {
      showError(e);
    }
  });

  async function leave() {
    try { await app.invoke('add_cancel'); } catch (e) { /* nothing to keep */ }
    app.home.open();
  }
  el('add-cancel').addEventListener('click', leave);
  el('add-back').addEventListener('click', leave);
  el('add-existing').addEventListener('click', start);

  app.add = { start };
})();
