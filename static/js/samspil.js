// Samspil's small behaviours. No inline scripts: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  // Submit a filter form when a select changes, for people who expect that; the
  // form's button still works without JavaScript.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]")) {
      el.form && el.form.requestSubmit();
    }
  });
})();
