'use strict';
window.authcert.home.open();
