// Vägval: small progressive enhancements. Pages work without this file.
(function () {
  "use strict";
  // After an htmx swap, move focus to an element marked data-focus-after-swap, so focus is
  // never lost to <body> (WCAG 2.4.3).
  document.addEventListener("htmx:afterSettle", function (evt) {
    var target = evt.detail && evt.detail.elt;
    if (!target) return;
    var wanted = target.querySelector ? target.querySelector("[data-focus-after-swap]") : null;
    if (wanted) {
      if (!wanted.hasAttribute("tabindex") && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(wanted.tagName)) {
        wanted.setAttribute("tabindex", "-1");
      }
      wanted.focus();
    } else if (document.activeElement === document.body && target.isConnected) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });
})();
