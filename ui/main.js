'use strict';
// The start-up mark: when Home is usable (milliseconds since the epoch). The
// benchmark compares it with the process's start.
// Rust's words for every screen (a few kilobytes) are read while Home loads.
Promise.all([window.authcert.defaults().catch(() => null), window.authcert.home.open()]).then(() => {
  window.authcert.homeReadyAt = performance.timeOrigin + performance.now();
});
