'use strict';
// Where a listed certificate is used: its integrations, added and removed
// (Rust parses each field and keeps them in the list), and Test all, each
// verdict shown as it arrives (a channel from Rust), cancellable. Rust
// words every verdict; this page only shows it. A password typed for Test
// all goes to Rust for those tests only and is cleared from the field at once.
(function () {
  const app = window.authcert;
  const el = (id) => document.getElementById(id);
  const list = el('d-integration-list');
  const status = el('d-integrations-status');
  const form = el('integration-form');
  // Each field by the name Rust gives its refusal; its error beside it.
  const fields = {
    name: el('integration-name'), url: el('integration-url'), note: el('integration-note'),
    trustServer: el('integration-trust-server'),
  };
  const errorOf = (input) => el(input.id + '-error');
  const testAll = el('d-test-all');
  const cancel = el('d-test-all-cancel');
  const passwordForm = el('d-test-all-password-form');
  const password = el('d-test-all-password');
  let certificate = null; // the details' certificate: { id, nickname }
  let running = false;
  const message = (e) => (e && e.message) || String(e);

  function clearErrors() {
    for (const input of Object.values(fields)) {
      errorOf(input).textContent = '';
      input.removeAttribute('aria-invalid');
    }
    el('d-test-all-password-error').textContent = '';
    password.removeAttribute('aria-invalid');
  }

  function para(className, text) {
    const p = document.createElement('p');
    p.className = className;
    p.textContent = text;
    return p;
  }

  // One card per integration, with its last result as the list keeps it.
  function card(i) {
    const li = document.createElement('li');
    li.className = i.verdict || '';
    li.dataset.name = i.name;
    const url = para('url', '');
    const code = document.createElement('code');
    code.textContent = i.url;
    url.append(code);
    li.append(para('name', i.name), url);
    if (i.note) li.append(para('note', i.note));
    if (i.moveText) li.append(para('move', i.moveText));
    if (i.trustText) li.append(para('trust', i.trustText));
    li.append(para('result', i.resultText));
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'remove-integration';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', 'Remove the integration ' + i.name);
    remove.addEventListener('click', () => removeOne(i.name, remove));
    li.append(remove);
    return li;
  }

  function render(integrations) {
    list.replaceChildren(...integrations.map(card));
    const none = integrations.length === 0;
    el('d-integrations-empty').hidden = !none;
    list.hidden = none;
    testAll.hidden = none;
  }

  function cardOf(name) {
    return Array.from(list.children).find((li) => li.dataset.name === name) || null;
  }

  // An outcome of Test all, on its integration's card.
  function showOutcome(o) {
    const li = cardOf(o.integration);
    if (!li) return;
    const v = o.verdict;
    li.className = v ? v.verdict : 'not-tested';
    li.querySelector('.result').textContent = v ? v.headline : 'Not tested';
    let said = li.querySelector('.message');
    if (!said) {
      said = para('message', '');
      li.querySelector('.result').after(said);
    }
    said.textContent = v ? v.message : o.not_tested;
  }

  async function runAll(typed) {
    if (running || !certificate) return;
    const id = certificate.id;
    const seen = [];
    running = true;
    testAll.disabled = true;
    cancel.hidden = false;
    clearErrors();
    status.textContent = 'Testing every integration of ' + certificate.nickname + '…';
    const channel = new window.__TAURI__.core.Channel();
    channel.onmessage = (o) => {
      if (!certificate || certificate.id !== id) return;
      seen.push(o);
      showOutcome(o);
    };
    try {
      const done = await app.invoke('integrations_test_all', { id, password: typed, onEach: channel });
      if (!certificate || certificate.id !== id) return;
      render(done.integrations);
      seen.forEach(showOutcome);
      status.textContent = done.summary;
      passwordForm.hidden = !done.needsPassword;
      if (done.needsPassword) password.focus();
      if (app.details) app.details.refreshLastTest(id, true);
    } catch (e) {
      if (e && e.field === 'password') {
        status.textContent = '';
        passwordForm.hidden = false;
        el('d-test-all-password-error').textContent = message(e);
        password.setAttribute('aria-invalid', 'true');
        password.focus();
      } else {
        status.textContent = message(e);
      }
    } finally {
      running = false;
      testAll.disabled = false;
      cancel.hidden = true;
    }
  }

  async function removeOne(name, button) {
    try {
      render(await app.invoke('integration_remove', { id: certificate.id, name }));
      status.textContent = 'Removed “' + name + '”.';
      (list.querySelector('.remove-integration') || fields.name).focus();
    } catch (e) {
      status.textContent = message(e);
      if (button.isConnected) button.focus();
    }
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!certificate) return;
    clearErrors();
    const name = fields.name.value.trim();
    try {
      const integrations = await app.invoke('integration_add', {
        id: certificate.id, name: fields.name.value, url: fields.url.value, note: fields.note.value,
        trustServer: fields.trustServer.value,
      });
      render(integrations);
      for (const input of Object.values(fields)) input.value = '';
      status.textContent = 'Added “' + name + '”. Test all tests it with the others.';
    } catch (e) {
      const input = e && fields[e.field];
      if (input) {
        errorOf(input).textContent = message(e);
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      } else {
        status.textContent = message(e);
      }
    }
  });

  testAll.addEventListener('click', () => runAll(null));
  passwordForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const typed = password.value;
    password.value = '';
    runAll(typed);
  });
  cancel.addEventListener('click', async () => {
    try {
      await app.invoke('integrations_cancel', { id: certificate.id });
    } catch (e) {
      status.textContent = message(e);
    }
  });

  // The details of `d` as the list now has them (after a test): the
  // checklist's words and each integration's result.
  function refresh(d, keepCards) {
    el('d-moving').hidden = !d.movingText;
    el('d-moving').textContent = d.movingText || '';
    if (!running && !keepCards) render(d.integrations);
  }

  // The details of `d` opened: its integrations, nothing typed kept.
  function show(d) {
    certificate = { id: d.id, nickname: d.nickname };
    refresh(d);
    clearErrors();
    for (const input of Object.values(fields)) input.value = '';
    password.value = '';
    passwordForm.hidden = true;
    status.textContent = '';
  }

  // After an accepted test: the address, and the server fingerprint the
  // test trusted, ready to be named.
  function remember(url, trustServer) {
    fields.url.value = url;
    fields.trustServer.value = trustServer || '';
    status.textContent = 'Name this integration, then choose Add integration.';
    fields.name.focus();
  }

  app.integrations = { show, refresh, remember };
})();
