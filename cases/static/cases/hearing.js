// The hearing page: quote an employee's input into the answer, then autosave it. Without
// JavaScript the input is still there to copy.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-quote-source]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-quote-source"));
    var answer = document.getElementById("id_answer");
    if (!source || !answer) return;
    var quote = "»" + source.textContent.trim() + "« (" + button.getAttribute("data-quote-author") + ")\n";
    var at = answer.selectionStart != null ? answer.selectionEnd : answer.value.length;
    var before = answer.value.slice(0, at);
    if (before && !before.endsWith("\n")) quote = "\n" + quote;
    answer.value = before + quote + answer.value.slice(at);
    answer.focus();
    answer.setSelectionRange(before.length + quote.length, before.length + quote.length);
    answer.form.dispatchEvent(new Event("quoted"));
  });
})();
