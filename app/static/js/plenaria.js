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

  // Controls that only make sense with JavaScript (marked data-js-only, hidden in the HTML).
  function showScriptOnly() {
    document.querySelectorAll("[data-js-only]").forEach(function (element) { element.hidden = false; });
  }

  // The secretariat's live panel: every few seconds, the parts marked data-refresh-part are
  // replaced by fresh ones fetched from the same address. The page never reloads and the focus
  // never moves (a part that holds the focus waits for the next turn); "Parar a atualização
  // automática" turns it off (WCAG 2.2.1 and 2.2.2). Without JavaScript: "Atualizar agora".
  function setupAutoRefresh() {
    var marker = document.querySelector("[data-auto-refresh]");
    if (!marker || !window.fetch || !window.DOMParser) { return; }
    var seconds = parseInt(marker.getAttribute("data-auto-refresh"), 10) || 15;
    var timer = window.setInterval(function () {
      if (document.hidden) { return; }
      window.fetch(window.location.href, { credentials: "same-origin" }).then(function (response) {
        return response.ok ? response.text() : null;
      }).then(function (html) {
        if (!html) { return; }
        var fresh = new window.DOMParser().parseFromString(html, "text/html");
        if (!fresh.querySelector("[data-auto-refresh]")) { window.clearInterval(timer); return; }  // closed meanwhile
        document.querySelectorAll("[data-refresh-part]").forEach(function (part) {
          var name = part.getAttribute("data-refresh-part");
          var replacement = fresh.querySelector('[data-refresh-part="' + name + '"]');
          if (replacement && !part.contains(document.activeElement)) { part.innerHTML = replacement.innerHTML; }
        });
      }).catch(function () { /* try again on the next turn */ });
    }, seconds * 1000);
  }

  // Wide tables scroll inside their .table-wrap, which the HTML makes focusable so that the
  // keyboard can scroll it (WCAG 2.1.1). Where a table fits, that tab stop would do nothing:
  // take it away, and give it back when the window narrows.
  function setupTableStops() {
    var wraps = Array.prototype.slice.call(document.querySelectorAll(".table-wrap[tabindex]"));
    if (!wraps.length) { return; }
    var update = function () {
      wraps.forEach(function (wrap) {
        if (wrap.scrollWidth > wrap.clientWidth + 1) {
          wrap.setAttribute("tabindex", "0");
        } else if (document.activeElement !== wrap) {
          wrap.removeAttribute("tabindex");
        }
      });
    };
    update();
    window.addEventListener("resize", update);
  }

  document.addEventListener("DOMContentLoaded", function () {
    showScriptOnly();
    setupTableStops();
    setupCopyButtons();
    focusErrors();
    setupAutoRefresh();
  });
})();
