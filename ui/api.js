'use strict';
// The only door to Rust. Errors arrive as { field, message, errors, cancelled }.
window.authcert = window.authcert || {};
// Windows and macOS: the system's own fonts (style.css); elsewhere the
// generic ones, which WebKitGTK finds fastest.
if (/Windows|Macintosh/.test(navigator.userAgent)) {
  document.documentElement.classList.add('native-fonts');
}
window.authcert.invoke = function invoke(command, args) {
  return window.__TAURI__.core.invoke(command, args || {});
};
window.authcert.show = function show(screenId) {
  for (const s of document.querySelectorAll('.screen')) {
    s.hidden = s.id !== screenId;
  }
};
// What Rust says the form and its screens show: choices, limits, hints.
// Read afresh each time the form opens (its dates are today's); the other
// screens use the copy read last.
window.authcert.defaults = async function defaults() {
  window.authcert.defaultsCache = await window.authcert.invoke('defaults');
  return window.authcert.defaultsCache;
};
// Opens a question; when it closes, the focus goes back to the control
// that opened it (or stays where the page put it, if that control is gone).
window.authcert.ask = function ask(dialog) {
  const opener = document.activeElement;
  dialog.addEventListener('close', () => {
    if (opener && opener.isConnected && !opener.closest('[hidden]') && dialog.contains(document.activeElement) === false
        && (document.activeElement === document.body || document.activeElement === null)) {
      opener.focus();
    }
  }, { once: true });
  dialog.showModal();
};
// One step at a time, per screen: the steps made with one `once` share a
// flag, so a second click while one runs (a dialog open, Rust at work) is
// ignored; a double click never does a thing twice.
window.authcert.oneAtATime = function oneAtATime() {
  let busy = false;
  return (step) => async (...args) => {
    if (busy) return;
    busy = true;
    try {
      await step(...args);
    } finally {
      busy = false;
    }
  };
};
// A text to copy, as Rust wrote it: a heading (an open section, or a
// details the admin opens), a note, the code in a box that scrolls, and a
// Copy button that asks Rust to copy it (`copy`) and says the outcome.
window.authcert.snippet = function snippet({ open, id, codeId, title, note, code, copy }) {
  const section = document.createElement(open ? 'section' : 'details');
  section.className = 'snippet';
  if (id) section.id = id;
  const heading = document.createElement(open ? 'h3' : 'summary');
  heading.textContent = title;
  section.append(heading);
  if (note) {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = note;
    section.append(p);
  }
  if (code) {
    const pre = document.createElement('pre');
    if (codeId) pre.id = codeId;
    pre.tabIndex = 0;
    pre.textContent = code;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy-snippet';
    button.textContent = 'Copy';
    button.setAttribute('aria-label', 'Copy: ' + title);
    const status = document.createElement('span');
    status.className = 'status';
    status.setAttribute('role', 'status');
    button.addEventListener('click', async () => {
      try {
        await copy();
        status.textContent = 'Copied.';
      } catch (e) {
        status.textContent = (e && e.message) || String(e);
      }
    });
    section.append(pre, button, status);
  }
  return section;
};
