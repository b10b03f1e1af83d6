/* After a passkey or security key was registered, continue where the page says
   (data-after-register); django-otp-webauthn's own script does the ceremony. */
(function () {
  "use strict";
  document.addEventListener("otp_webauthn.register_complete", function () {
    var box = document.querySelector("[data-after-register]");
    var target = box && box.getAttribute("data-after-register");
    window.location.assign(target || window.location.href);
  });
})();
