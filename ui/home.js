'use strict';
// Home: the list of certificates (from Rust's `home`, soonest expiry first),
// the reminder banner, the filter, and the Settings dialog.
(function () {
  const app = window.authcert;
  const el = (id) => document.getElementById(id);
  const filter = el('filter');
  let rows = []; // [{ tr, text }]

  function cell(text, className) {
    const td = document.createElement('td');
    if (className) td.className = className;
    td.textContent = text;
    return td;
  }

  function badge(status, text, revoked) {
    const span = document.createElement('span');
    span.className = 'badge ' + (revoked ? 'revoked' : status.kind);
    span.textContent = text;
    return span;
  }

  const headers = [...document.querySelectorAll('#certificates thead th')].map((th) => th.textContent);

  function render(certificates) {
    const body = el('rows');
    rows = certificates.map((c) => {
      const tr = document.createElement('tr');
      tr.dataset.id = c.id;
      const name = document.createElement('td');
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'link';
      open.textContent = c.nickname;
      open.addEventListener('click', () => app.details.open(c.id));
      name.append(open);
      if (c.added) {
        const mark = document.createElement('span');
        mark.className = 'note added';
        mark.textContent = ' (added)';
        mark.title = 'Made elsewhere and added to the list';
        name.append(mark);
      }
      const status = document.createElement('td');
      status.append(badge(c.status, c.statusText, c.revoked));
      tr.append(name, cell(c.expires), status, cell(c.signedBy), cell(c.inKeychain ? 'Yes' : 'No'), cell(c.file, 'file'));
      // The column names, for the stacked layout of a narrow window.
      tr.querySelectorAll('td').forEach((td, i) => { td.dataset.label = headers[i]; });
      return { tr, text: [c.nickname, c.statusText, c.expires, c.signedBy, c.file, c.added ? 'added' : ''].join('\n').toLowerCase() };
    });
    body.replaceChildren(...rows.map((r) => r.tr));
    applyFilter();
  }

  // Rows are built once; filtering only toggles `hidden`, so it stays
  // instant with a thousand certificates.
  function applyFilter() {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const r of rows) {
      const match = words.every((w) => r.text.includes(w));
      r.tr.hidden = !match;
      if (match) shown += 1;
    }
    el('no-match').hidden = shown > 0 || rows.length === 0;
    el('filter-count').textContent = words.length ? shown + ' of ' + rows.length : rows.length + (rows.length === 1 ? ' certificate' : ' certificates');
  }
  filter.addEventListener('input', applyFilter);

  // The words are Rust's, as in the desktop notification.
  function reminder(view) {
    el('reminder').hidden = !view.reminder;
    el('reminder-text').textContent = view.reminder || '';
    el('authority-reminder').hidden = !view.authorityReminder;
    el('authority-reminder-text').textContent = view.authorityReminder || '';
    // Rust's lines: integrations that failed their last test, and
    // replacements with integrations left to move.
    for (const [box, list, lines] of [['failing-box', 'failing', view.failing || []], ['moves-box', 'moves', view.moves || []]]) {
      el(box).hidden = lines.length === 0;
      el(list).replaceChildren(...lines.map((line) => {
        const li = document.createElement('li');
        li.textContent = line;
        return li;
      }));
    }
  }

  async function open() {
    let view;
    try {
      view = await app.invoke('home');
    } catch (e) {
      view = { certificates: [], reminder: null, zoneText: '', problem: (e && e.message) || String(e) };
    }
    el('list-problem').hidden = !view.problem;
    el('list-problem-text').textContent = view.problem || '';
    el('list-problem-dismiss').hidden = !view.dismissable;
    reminder(view);
    const any = view.certificates.length > 0;
    el('empty').hidden = any;
    el('list-box').hidden = !any;
    render(view.certificates);
    el('zone-note').textContent = view.zoneText || '';
    if (app.request) app.request.rows(view);
    app.show('screen-home');
    el('home-title').focus();
  }

  el('create').addEventListener('click', () => app.form.reset());

  // A damaged list is said until the admin has read it.
  el('list-problem-dismiss').addEventListener('click', async () => {
    try {
      await app.invoke('dismiss_list_notice');
    } catch (e) {
      el('list-problem-text').textContent = (e && e.message) || String(e);
      return;
    }
    await open();
  });

  // Settings: the reminder window.
  const dialog = el('settings-dialog');
  const days = el('reminder-days');
  function settingsError(text) {
    el('reminder-days-error').textContent = text;
    days.setAttribute('aria-invalid', text ? 'true' : 'false');
  }
  el('open-settings').addEventListener('click', async () => {
    settingsError('');
    try {
      const s = await app.invoke('settings');
      days.value = s.reminderDays;
      days.min = s.min;
      days.max = s.max;
      el('reminder-days-hint').textContent = app.defaultsCache.hints.reminderDays;
    } catch (e) {
      settingsError((e && e.message) || String(e));
    }
    app.ask(dialog);
    days.focus();
  });
  el('settings-cancel').addEventListener('click', () => dialog.close());
  el('settings-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await app.invoke('set_reminder_days', { days: days.value });
      dialog.close();
      open();
    } catch (e) {
      settingsError((e && e.message) || String(e));
    }
  });

  app.home = { open };
})();
