'use strict';
window.authcert.form.reset();
