'use strict';
// The only door to Rust. Errors arrive as { field, message, errors, cancelled }.
window.authcert = window.authcert || {};
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
