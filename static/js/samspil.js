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
  // Counted characters under every long text field (issue 15): the limit is the field's
  // maxlength, which the server holds too (samspil/bounds.py). The count is announced
  // to screen readers only near the limit, not on every key.
  function countLabel(used, limit) {
    var danish = (document.documentElement.lang || "da").slice(0, 2) === "da";
    return used + " / " + limit + (danish ? " tegn" : " characters");
  }
  function updateCount(field) {
    var out = document.getElementById(field.id + "-count");
    if (!out) return;
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    var used = field.value.length;
    out.textContent = countLabel(used, limit);
    out.classList.toggle("text-danger", used >= limit * 0.9);
    out.setAttribute("aria-live", used >= limit * 0.9 ? "polite" : "off");
  }
  function addCounters(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("textarea[maxlength]").forEach(function (field) {
      if (!field.id || document.getElementById(field.id + "-count")) return;
      var out = document.createElement("div");
      out.id = field.id + "-count";
      out.className = "form-text text-end char-count";
      field.insertAdjacentElement("afterend", out);
      var described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", (described ? described + " " : "") + out.id);
      updateCount(field);
    });
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[maxlength]")) updateCount(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () { addCounters(document); });
  document.addEventListener("htmx:load", function (event) { addCounters(event.detail.elt); });
})();
