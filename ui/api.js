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
