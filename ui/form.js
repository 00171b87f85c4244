'use strict';
// The form: choices and dates come from Rust (`defaults`), and every rule is
// checked by Rust (`validate`, then again by `generate`).
(function () {
  const app = window.authcert;
  const form = document.getElementById('form');
  const button = document.getElementById('generate');
  const formError = document.getElementById('form-error');
  const inputs = {
    nickname: document.getElementById('nickname'),
    end_date: document.getElementById('end-date'),
    api_token_end_date: document.getElementById('token-end'),
    encryption: document.getElementById('encryption'),
    signature_hash: document.getElementById('hash'),
    key_type: document.getElementById('key-type'),
    signed_by: document.getElementById('signed-by'),
  };
  const touched = new Set();
  let defaults = null;
  let busy = false;

  function fill(select, options) {
    select.replaceChildren(...options.map((o) => {
      const opt = document.createElement('option');
      opt.value = o.token;
      opt.textContent = o.recommended ? o.label + ' (recommended)' : o.label;
      opt.selected = o.recommended;
      return opt;
    }));
  }

  function values() {
    return {
      nickname: inputs.nickname.value,
      endDate: inputs.end_date.value,
      apiTokenEndDate: inputs.api_token_end_date.value || null,
      encryption: inputs.encryption.value,
      signatureHash: inputs.signature_hash.value,
      keyType: inputs.key_type.value,
      signedBy: inputs.signed_by.value,
    };
  }

  // Rust's refusals, next to their fields. Where one choice would fit, Rust
  // names it: offered as a button, never made silently.
  function showErrors(errors, all) {
    const byField = new Map(errors.map((e) => [e.field, e]));
    for (const [field, input] of Object.entries(inputs)) {
      const e = (all || touched.has(field)) ? byField.get(field) : undefined;
      const box = input.closest('.field').querySelector('.error');
      box.replaceChildren();
      if (e) {
        box.append(e.message.charAt(0).toUpperCase() + e.message.slice(1));
        if (e.suggestion && inputs[e.suggestion.field]) {
          const fix = document.createElement('button');
          fix.type = 'button';
          fix.className = 'fix';
          fix.textContent = e.suggestion.label;
          fix.addEventListener('click', () => {
            const target = inputs[e.suggestion.field];
            target.value = e.suggestion.token;
            target.dispatchEvent(new Event('change'));
            target.focus();
          });
          box.append(' ', fix);
        }
      }
      input.setAttribute('aria-invalid', e ? 'true' : 'false');
    }
    if (all && errors.length) {
      const first = inputs[errors[0].field];
      if (first.closest('details')) first.closest('details').open = true;
      first.focus();
    }
  }

  async function check(all) {
    try {
      const errors = await app.invoke('validate', { form: values() });
      showErrors(errors, all);
      return errors;
    } catch (e) {
      formError.textContent = e.message || String(e);
      return [e];
    }
  }

  // Rust makes the key while the admin fills in the form, so that Generate
  // does not wait for it. `data-key-ready` marks the type whose key is waiting.
  async function prepareKey() {
    const keyType = inputs.key_type.value;
    delete form.dataset.keyReady;
    try {
      const ready = await app.invoke('prepare_key', { keyType });
      if (ready && inputs.key_type.value === keyType && !busy) form.dataset.keyReady = keyType;
    } catch (_) {
      // Nothing to show: Generate makes the key itself and reports any error.
    }
  }
  inputs.key_type.addEventListener('change', prepareKey);

  // A key type that cannot sign with the chosen hash: Rust explains it next
  // to the hash, with the hash that fits; nothing changes by itself.
  inputs.key_type.addEventListener('change', () => { touched.add('signature_hash'); });

  for (const [field, input] of Object.entries(inputs)) {
    const mark = () => { touched.add(field); check(false); };
    input.addEventListener('change', mark);
    if (input.tagName === 'INPUT') input.addEventListener('input', mark);
  }

  // Another CA signs a request file: no end dates here (the CA decides),
  // and the button makes the request.
  function toCa() {
    return inputs.signed_by.value === 'ca';
  }
  function showSigner() {
    document.getElementById('dates-row').hidden = toCa();
    document.getElementById('ca-note').hidden = !toCa();
    if (!busy) button.textContent = toCa() ? 'Make request file' : 'Generate certificate';
  }
  inputs.signed_by.addEventListener('change', showSigner);

  function setBusy(on) {
    busy = on;
    button.disabled = on;
    button.setAttribute('aria-busy', on ? 'true' : 'false');
    if (on) button.textContent = toCa() ? 'Making the request…' : 'Generating…';
    else showSigner();
  }

  let replacing = null;

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    formError.textContent = '';
    setBusy(true);
    let failed = false;
    try {
      const errors = await check(true);
      if (errors.length) return;
      delete form.dataset.keyReady;
      if (toCa()) {
        app.request.open(await app.invoke('request_make', { form: values(), replaces: replacing }));
      } else {
        app.ready.open(await app.invoke('generate', { form: values(), replaces: replacing }));
      }
    } catch (e) {
      failed = true;
      if (e && e.errors && e.errors.length) showErrors(e.errors, true);
      else formError.textContent = (e && e.message) || String(e);
    } finally {
      setBusy(false);
      // Still on the form: have a key ready for the next try.
      if (failed) prepareKey();
    }
  });

  document.getElementById('form-back').addEventListener('click', () => {
    if (!busy) app.home.open();
  });

  app.form = {
    // `prefill` (from Rust's `replacement`): the settings of the certificate
    // being replaced and a free nickname.
    async reset(prefill) {
      // Who may sign: the authority, when there is one (Rust's words).
      const [fresh, authority] = await Promise.all([app.defaults(), app.invoke('authority_view')]);
      defaults = fresh;
      fill(inputs.signed_by, authority.signers);
      fill(inputs.encryption, defaults.encryptions);
      fill(inputs.signature_hash, defaults.hashes);
      fill(inputs.key_type, defaults.keyTypes);
      form.reset();
      touched.clear();
      for (const date of [inputs.end_date, inputs.api_token_end_date]) {
        date.min = defaults.earliest;
        date.max = date === inputs.end_date ? defaults.latest : '';
      }
      inputs.end_date.value = defaults.endDate;
      const note = document.getElementById('replace-note');
      note.hidden = !prefill;
      note.textContent = prefill ? prefill.note : '';
      // The certificate it replaces: saved, the new one takes over its integrations.
      replacing = prefill ? prefill.replacesId : null;
      if (prefill) {
        inputs.nickname.value = prefill.nickname;
        inputs.key_type.value = prefill.keyType;
        inputs.signature_hash.value = prefill.signatureHash;
        inputs.encryption.value = prefill.encryption;
        if ([...inputs.signed_by.options].some((o) => o.value === prefill.signedBy)) inputs.signed_by.value = prefill.signedBy;
        const recommended = defaults.keyTypes.find((k) => k.recommended);
        document.getElementById('advanced').open = !recommended || prefill.keyType !== recommended.token;
      }
      for (const [id, text] of [
        ['nickname-hint', defaults.hints.nickname],
        ['end-date-hint', defaults.hints.endDate],
        ['token-end-hint', defaults.hints.apiTokenEndDate],
        ['encryption-hint', defaults.hints.encryption],
        ['hash-hint', defaults.hints.signatureHash],
        ['key-type-hint', defaults.hints.keyType],
        ['signed-by-hint', authority.problem || authority.signerHint],
      ]) document.getElementById(id).textContent = text;
      document.getElementById('keychain-name').textContent = defaults.keychainName;
      showErrors([], false);
      showSigner();
      formError.textContent = '';
      app.show('screen-form');
      inputs.nickname.focus();
      prepareKey();
    },
  };
})();
