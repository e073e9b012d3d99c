// Vägval: small progressive enhancements. Pages work without this file.
(function () {
  "use strict";

  // A poll (hx-trigger="every …") only refreshes what is shown: it never moves focus
  // (WCAG 3.2.1/2.4.3). If the focused element was inside the swapped part, the element with
  // the same id gets focus back, so a keyboard user keeps their place.
  function isPoll(evt) {
    var elt = evt.detail && (evt.detail.requestConfig ? evt.detail.requestConfig.elt : evt.detail.elt);
    var trigger = elt && elt.getAttribute ? elt.getAttribute("hx-trigger") || "" : "";
    return /(^|,)\s*every\s/.test(trigger);
  }

  var keepId = null;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    keepId = null;
    var target = evt.detail && evt.detail.target;
    var active = document.activeElement;
    if (isPoll(evt) && target && active && active !== document.body && target.contains(active)) {
      keepId = active.id || null;
    }
  });

  // After an htmx swap, move focus to an element marked data-focus-after-swap, so focus is
  // never lost to <body> (WCAG 2.4.3).
  document.addEventListener("htmx:afterSettle", function (evt) {
    var target = evt.detail && evt.detail.elt;
    if (!target) return;
    if (isPoll(evt)) {
      var again = keepId && document.getElementById(keepId);
      if (again && document.activeElement === document.body) again.focus({preventScroll: true});
      keepId = null;
      return;
    }
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

  // Pause control for live views (WCAG 2.2.2): while paused, the polls are not sent.
  // The button is hidden without JS (there is no polling then either).
  function setPaused(button, paused) {
    var live = document.getElementById(button.getAttribute("data-pause-for"));
    if (!live) return;
    live.toggleAttribute("data-paused", paused);
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    button.textContent = button.getAttribute(paused ? "data-label-resume" : "data-label-pause");
    var status = document.getElementById(button.getAttribute("data-status"));
    if (status) status.textContent = paused ? button.getAttribute("data-paused-text") : "";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-pause-for]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        setPaused(button, button.getAttribute("aria-pressed") !== "true");
      });
    });
  });
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail && evt.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-paused")) evt.preventDefault();
  });
})();
