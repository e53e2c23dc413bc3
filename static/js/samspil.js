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
  // The partner search of an agreement goal (agreements/_partner_field.html). Typing there
  // is a search, not an edit: its keys and change must not reach the goal form's autosave,
  // and Enter searches at once instead of submitting the form.
  function isPartnerSearch(el) {
    return el && el.matches && el.matches("[data-partner-search]");
  }
  ["keyup", "change"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      if (isPartnerSearch(event.target)) event.stopPropagation();
    }, true);
  });
  document.addEventListener("keydown", function (event) {
    if (isPartnerSearch(event.target) && event.key === "Enter") {
      event.preventDefault();
      event.target.dispatchEvent(new Event("search"));
    }
  });
  // Ticked matches join the chosen partners before new matches replace the list, so a
  // second search does not drop them from the form.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var results = event.detail.target;
    if (!results || !results.matches || !results.matches(".partner-results")) return;
    var field = results.closest(".partner-field");
    var chosen = field.querySelector(".partner-chosen");
    results.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
      chosen.appendChild(box.closest("li"));
    });
    var none = field.querySelector(".partner-none");
    if (none) none.hidden = chosen.children.length > 0;
  });
})();
