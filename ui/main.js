'use strict';
// The start-up mark: when Home is usable (milliseconds since the epoch). The
// benchmark compares it with the process's start.
// Rust's words for every screen are read first (a few kilobytes).
window.authcert.defaults().catch(() => null).then(() => window.authcert.home.open()).then(() => {
  window.authcert.homeReadyAt = performance.timeOrigin + performance.now();
});
