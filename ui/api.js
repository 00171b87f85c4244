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
