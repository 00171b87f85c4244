'use strict';
// The issuing authority: create or restore it, export its certificate and
// revocation list (Rust opens the save dialogs), back it up (its password
// shown once, saved behind "I have saved the password"), remove it. Every
// word and rule comes from Rust (`authority_view`); a typed password goes
// to Rust and is cleared from the field.
(function () {
  const app = window.authcert;
  const el = (id) => document.getElementById(id);
  const message = (e) => (e && e.message) || String(e);
  let view = null;
  // One step at a time: a double click must not create, export or back up twice.
  const once = app.oneAtATime();

  function say(text) { el('authority-status').textContent = text; }

  function clearErrors() {
    for (const id of ['authority-name-error', 'authority-end-error', 'restore-password-error', 'authority-error']) el(id).textContent = '';
    for (const id of ['authority-name', 'authority-end', 'restore-password']) el(id).removeAttribute('aria-invalid');
  }

  // An error goes next to the field Rust names, or below the screen.
  function showError(e) {
    const fields = {
      authority_name: ['authority-name-error', 'authority-name'],
      authority_end_date: ['authority-end-error', 'authority-end'],
      password: ['restore-password-error', 'restore-password'],
    };
    const errors = e && e.errors && e.errors.length ? e.errors : [e];
    let focused = false;
    for (const one of errors) {
      const target = fields[one && one.field] || ['authority-error', null];
      el(target[0]).textContent = message(one);
      if (target[1]) {
        el(target[1]).setAttribute('aria-invalid', 'true');
        if (!focused) el(target[1]).focus();
        focused = true;
      }
    }
  }

  function renderSettings(settings) {
    el('authority-settings').replaceChildren(...settings.map((s) => app.snippet({
      open: false,
      title: s.server,
      note: s.note,
      code: s.text,
      copy: () => app.invoke('authority_copy_setting', { server: s.server }),
    })));
  }

  function render(v) {
    view = v;
    el('authority-intro').textContent = v.intro;
    // A damaged authority file: said here, nothing else offered.
    el('authority-problem').hidden = !v.problem;
    el('authority-problem').textContent = v.problem || '';
    if (v.problem) {
      el('authority-none').hidden = true;
      el('authority-exists').hidden = true;
      return;
    }
    el('authority-due').hidden = !v.reminder;
    el('authority-due-text').textContent = v.reminder || '';
    el('authority-none').hidden = v.exists;
    el('authority-exists').hidden = !v.exists;
    if (v.exists) {
      el('au-name').textContent = v.name;
      el('au-until').textContent = v.validUntil;
      el('au-sha256').textContent = v.sha256Fingerprint;
      el('au-key').textContent = v.keyText;
      el('au-origin').textContent = v.originText;
      el('au-revoked').textContent = v.revokedText;
      el('au-crl').textContent = v.crlText;
      el('authority-settings-intro').textContent = v.settingsIntro;
      renderSettings(v.settings);
    } else {
      el('authority-name-hint').textContent = v.createHint;
      el('authority-end-hint').textContent = v.endHint;
      const end = el('authority-end');
      end.min = v.endEarliest;
      end.max = v.endLatest;
      if (!end.value) end.value = v.endDefault;
    }
  }

  async function open() {
    clearErrors();
    say('');
    el('authority-problem').hidden = true;
    el('restore-form').hidden = true;
    el('authority-form').reset();
    try {
      render(await app.invoke('authority_view'));
    } catch (e) {
      el('authority-error').textContent = message(e);
    }
    app.show('screen-authority');
    el('authority-title').focus();
  }

  el('authority-back').addEventListener('click', () => app.home.open());

  el('authority-form').addEventListener('submit', once(async (event) => {
    event.preventDefault();
    clearErrors();
    const button = el('authority-create');
    button.disabled = true;
    button.textContent = 'Creating…';
    try {
      render(await app.invoke('authority_create', { name: el('authority-name').value, endDate: el('authority-end').value }));
      say('Created. Export its certificate for your server, and make a backup.');
      el('authority-title').focus();
    } catch (e) {
      showError(e);
    } finally {
      button.disabled = false;
      button.textContent = 'Create authority';
    }
  }));

  el('authority-restore').addEventListener('click', once(async () => {
    clearErrors();
    try {
      el('restore-file').textContent = await app.invoke('authority_restore_pick');
      el('restore-form').hidden = false;
      el('restore-password').focus();
    } catch (e) {
      if (!e || !e.cancelled) showError(e);
    }
  }));

  el('restore-form').addEventListener('submit', once(async (event) => {
    event.preventDefault();
    clearErrors();
    const field = el('restore-password');
    const password = field.value;
    field.value = '';
    try {
      const restored = await app.invoke('authority_restore', { password });
      render(restored);
      say(restored.restoredText);
      el('authority-title').focus();
    } catch (e) {
      showError(e);
    }
  }));

  el('authority-export').addEventListener('click', once(async () => {
    try {
      say(await app.invoke('authority_export'));
    } catch (e) {
      say(message(e));
    }
  }));

  el('authority-crl').addEventListener('click', once(async () => {
    try {
      say(await app.invoke('authority_crl'));
      render(await app.invoke('authority_view'));
    } catch (e) {
      say(message(e));
    }
  }));

  // Backup: made in Rust, its password shown once, saved after the tick.
  const backupDialog = el('backup-dialog');
  let opener = null;
  function resetBackup() {
    el('backup-start').hidden = false;
    el('backup-ready').hidden = true;
    el('backup-password').textContent = '';
    el('backup-saved').checked = false;
    el('backup-save').disabled = true;
    el('backup-status').textContent = '';
  }
  el('authority-backup').addEventListener('click', () => {
    opener = el('authority-backup');
    resetBackup();
    el('backup-text').textContent = view ? view.backupText : '';
    app.ask(backupDialog);
    el('backup-make').focus();
  });
  el('backup-make').addEventListener('click', once(async () => {
    el('backup-status').textContent = 'Reading the key from the keychain…';
    try {
      const made = await app.invoke('authority_backup_start');
      el('backup-password').textContent = made.password;
      el('backup-start').hidden = true;
      el('backup-ready').hidden = false;
      el('backup-status').textContent = '';
      el('backup-copy').focus();
    } catch (e) {
      el('backup-status').textContent = message(e);
    }
  }));
  el('backup-copy').addEventListener('click', async () => {
    try {
      await app.invoke('authority_backup_copy');
      el('backup-status').textContent = app.defaultsCache ? app.defaultsCache.hints.copied : 'Copied.';
    } catch (e) {
      el('backup-status').textContent = message(e);
    }
  });
  el('backup-saved').addEventListener('change', () => {
    el('backup-save').disabled = !el('backup-saved').checked;
  });
  el('backup-save').addEventListener('click', once(async () => {
    try {
      const done = await app.invoke('authority_backup_save', { saved: el('backup-saved').checked });
      backupDialog.close();
      say(done);
    } catch (e) {
      el('backup-status').textContent = message(e);
    }
  }));
  function closeBackup() {
    // The unsaved backup is wiped in Rust; the password leaves the page.
    el('backup-password').textContent = '';
    app.invoke('authority_backup_cancel').catch(() => {});
  }
  el('backup-close').addEventListener('click', () => backupDialog.close());
  el('backup-cancel').addEventListener('click', () => backupDialog.close());
  backupDialog.addEventListener('close', () => {
    closeBackup();
    if (opener) opener.focus();
  });

  // Remove: asked first, saying what stops working.
  const removeDialog = el('authority-remove-dialog');
  el('authority-remove').addEventListener('click', () => {
    el('authority-remove-title').textContent = 'Remove the issuing authority “' + view.name + '”?';
    el('authority-remove-text').textContent = view.removeText;
    el('authority-remove-forget-text').textContent = view.forgetText;
    el('authority-remove-forget').checked = false;
    el('authority-remove-error').textContent = '';
    app.ask(removeDialog);
  });
  el('authority-remove-cancel').addEventListener('click', () => removeDialog.close());
  el('authority-remove-confirm').addEventListener('click', once(async () => {
    try {
      render(await app.invoke('authority_remove', {
        forgetRevocations: el('authority-remove-forget').checked,
      }));
      removeDialog.close();
      say('The authority was removed.');
      el('authority-title').focus();
    } catch (e) {
      el('authority-remove-error').textContent = message(e);
    }
  }));

  el('open-authority').addEventListener('click', open);
  el('authority-reminder-open').addEventListener('click', open);

  app.authority = { open };
})();
