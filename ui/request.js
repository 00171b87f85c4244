'use strict';
// Certificates from another CA: the request's screen (copy, save, where it
// goes), the waiting requests on Home, cancelling one, and completing one
// with the CA's answer (opened by Rust's dialog, or pasted) into the same
// one-time screen as every certificate. The words are Rust's; the key and
// every path stay in Rust.
(function () {
  const app = window.authcert;
  const el = (id) => document.getElementById(id);
  const once = app.oneAtATime();
  const message = (e) => (e && e.message) || String(e);
  let nickname = '';

  function open(view) {
    nickname = view.nickname;
    el('request-nickname').textContent = view.nickname;
    el('request-status').textContent = view.statusText + '.';
    el('request-key').textContent = view.keyText;
    el('request-status-line').textContent = '';
    el('request-destinations').replaceChildren(...view.destinations.map((d) => app.snippet({
      id: 'destination-' + d.id,
      codeId: 'example-' + d.id,
      title: d.title,
      note: d.words,
      code: d.example,
      copy: () => app.invoke('request_copy_example', { nickname: view.nickname, id: d.id }),
    })));
    app.show('screen-request');
    el('request-title').focus();
  }

  async function openNamed(name) {
    try {
      open(await app.invoke('request_view', { nickname: name }));
    } catch (e) {
      el('requests-problem').hidden = false;
      el('requests-problem').textContent = message(e);
    }
  }

  el('request-back').addEventListener('click', () => app.home.open());
  el('request-copy').addEventListener('click', once(async () => {
    try {
      await app.invoke('request_copy', { nickname });
      el('request-status-line').textContent = 'Copied the request: paste it into your CA\'s form.';
    } catch (e) {
      el('request-status-line').textContent = message(e);
    }
  }));
  el('request-save').addEventListener('click', once(async () => {
    el('request-status-line').textContent = 'Choose where to save the request…';
    try {
      const path = await app.invoke('request_save', { nickname });
      el('request-status-line').textContent = 'Saved the request to ' + path;
    } catch (e) {
      el('request-status-line').textContent = message(e);
    }
  }));
  el('request-complete').addEventListener('click', () => openComplete(nickname));

  // Completing.
  const answer = el('complete-answer');
  function answerError(text) {
    el('complete-answer-error').textContent = text;
    answer.setAttribute('aria-invalid', text ? 'true' : 'false');
  }
  function openComplete(name) {
    nickname = name;
    el('complete-nickname').textContent = name;
    answer.value = '';
    answerError('');
    app.show('screen-complete');
    el('complete-title').focus();
  }
  async function complete(command, args) {
    answerError('');
    try {
      const done = await app.invoke(command, Object.assign({ nickname }, args));
      answer.value = '';
      app.ready.open(done.ready, done.notices);
    } catch (e) {
      if (!(e && e.cancelled)) answerError(message(e));
      (command === 'complete_open' ? el('complete-open') : answer).focus();
    }
  }
  el('complete-back').addEventListener('click', () => app.home.open());
  el('complete-open').addEventListener('click', once(() => complete('complete_open', {})));
  // An empty paste is refused by Rust, like any other answer it cannot use.
  el('complete-form').addEventListener('submit', (event) => {
    event.preventDefault();
    once(() => complete('complete_paste', { answer: answer.value }))();
  });

  // Cancelling asks first: the key goes for good.
  const cancelDialog = el('cancel-request-dialog');
  let cancelling = '';
  function askCancel(name) {
    cancelling = name;
    el('cancel-request-nickname').textContent = name;
    el('cancel-request-error').textContent = '';
    app.ask(cancelDialog);
  }
  el('cancel-request-keep').addEventListener('click', () => cancelDialog.close());
  el('cancel-request-confirm').addEventListener('click', once(async () => {
    try {
      await app.invoke('request_cancel', { nickname: cancelling });
    } catch (e) {
      el('cancel-request-error').textContent = message(e);
      return;
    }
    cancelDialog.close();
    app.home.open();
  }));

  // Home's rows: each waiting request with what can be done with it.
  // Each button's name is its text and the request's nickname.
  function button(text, nickname, action, className) {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', text + ' ' + nickname);
    if (className) b.className = className;
    b.addEventListener('click', action);
    return b;
  }
  function rows(view) {
    const requests = view.requests || [];
    el('requests-box').hidden = requests.length === 0 && !view.requestsProblem;
    el('requests-problem').hidden = !view.requestsProblem;
    el('requests-problem').textContent = view.requestsProblem || '';
    el('request-reminder').hidden = !view.requestReminder;
    el('request-reminder').textContent = view.requestReminder || '';
    el('requests').replaceChildren(...requests.map((r) => {
      const li = document.createElement('li');
      li.dataset.nickname = r.nickname;
      const name = document.createElement('strong');
      name.textContent = r.nickname;
      const status = document.createElement('span');
      status.className = 'request-status' + (r.overdue ? ' overdue' : '');
      status.textContent = r.statusText;
      const actions = document.createElement('span');
      actions.className = 'row-actions';
      actions.append(
        button('Complete with the CA\'s answer…', r.nickname, () => openComplete(r.nickname), 'primary'),
        button('Request file…', r.nickname, () => openNamed(r.nickname)),
        button('Cancel request…', r.nickname, () => askCancel(r.nickname), 'danger'),
      );
      li.append(name, ' ', status, actions);
      return li;
    }));
  }

  app.request = { open, rows, complete: openComplete };
})();
