'use strict';
// The same mark AuthCert's page sets once Home is usable: here, at once.
window.authcert = { homeReadyAt: performance.timeOrigin + performance.now() };
