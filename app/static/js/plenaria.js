// Plenária: small enhancements only. Every page works without this file.
(function () {
  "use strict";

  // "Copiar link": the address field is always there; the button appears only with JavaScript.
  function setupCopyButtons() {
    document.querySelectorAll("[data-copy-target]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = document.getElementById(button.getAttribute("data-copy-target"));
        var status = document.getElementById(button.getAttribute("data-copy-status"));
        if (!field) { return; }
        var done = function () { if (status) { status.textContent = button.getAttribute("data-copied"); } };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
        } else {
          field.select();
          try { document.execCommand("copy"); done(); } catch (e) { /* the field stays selected */ }
        }
      });
    });
  }

  // Focus the error summary after a failed submission, so screen readers announce it.
  function focusErrors() {
    var summary = document.getElementById("erros");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupCopyButtons();
    focusErrors();
  });
})();
