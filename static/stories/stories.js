// Good stories: show the consent fields only when a picture shows children or residents.
(function () {
  "use strict";
  function update(form) {
    var yes = form.querySelector("input[name=shows_people][value=yes]");
    var box = form.querySelector("[data-consent-fields]");
    if (!yes || !box) return;
    box.classList.toggle("d-none", !yes.checked);
  }
  document.querySelectorAll(".story-form").forEach(function (form) {
    update(form);
    form.addEventListener("change", function (event) {
      if (event.target.name === "shows_people") update(form);
    });
  });
})();
