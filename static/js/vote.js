// Vägval participant vote forms: live percentages for sliders, − / + buttons, the points
// counter and submit guard, the pairwise progress counter. Every form also works without
// this file (the buttons then post to the preview endpoint and the server recomputes).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function pctText(w) {
    return (w * 100).toFixed(1).replace(".", ",") + "\u00a0%";
  }

  function num(value) {
    var text = String(value).trim().replace(",", ".");
    if (text === "" || !/^-?\d+(\.\d+)?$/.test(text)) return NaN;
    return parseFloat(text);
  }

  // --- sliders (direct rating) --------------------------------------------------------------
  function updateDirect(form) {
    var sliders = form.querySelectorAll("input[type=range][data-crit]");
    var total = 0;
    sliders.forEach(function (s) { total += Number(s.value); });
    sliders.forEach(function (s) {
      var id = s.getAttribute("data-crit");
      var w = total > 0 ? Number(s.value) / total : 0;
      var out = document.getElementById("out-" + id);
      var bar = document.getElementById("bar-" + id);
      var pct = document.getElementById("pct-" + id);
      if (out) out.textContent = s.value;
      if (bar) bar.value = Math.round(w * 1000) / 10;
      if (pct) pct.textContent = total > 0 ? pctText(w) : "–";
    });
  }

  // --- 100 points -----------------------------------------------------------------------------
  function updatePoints(form) {
    var box = document.getElementById("points-remaining");
    if (!box) return true;
    var total = Number(box.getAttribute("data-total")) || 100;
    var sum = 0;
    var bad = false;
    form.querySelectorAll("input.points-input").forEach(function (i) {
      var v = num(i.value === "" ? "0" : i.value);
      if (isNaN(v) || v < 0 || v > total) bad = true; else sum += v;
    });
    var left = Math.round((total - sum) * 100) / 100;
    var text;
    if (bad) text = box.getAttribute("data-bad");
    else if (left === 0) text = box.getAttribute("data-done");
    else if (left > 0) text = box.getAttribute("data-left").replace("{n}", String(left).replace(".", ","));
    else text = box.getAttribute("data-over").replace("{n}", String(-left).replace(".", ","));
    if (box.textContent.trim() !== text) box.textContent = text;
    var ok = !bad && left === 0;
    var save = form.querySelector(".save-button");
    if (save) {
      save.disabled = !ok;
      save.title = ok ? "" : box.getAttribute("data-blocked");
    }
    return ok;
  }

  // --- pairwise progress ----------------------------------------------------------------------
  function updatePairs(form) {
    var counter = form.querySelector("#pair-progress .answered");
    if (!counter) return;
    var answered = 0;
    form.querySelectorAll(".pair-options").forEach(function (g) {
      if (g.querySelector("input[type=radio]:checked")) answered += 1;
    });
    counter.textContent = String(answered);
  }

  function refresh(root) {
    (root || document).querySelectorAll("form.vote-form").forEach(function (form) {
      var m = form.getAttribute("data-method");
      if (m === "direct") updateDirect(form);
      else if (m === "points") updatePoints(form);
      else if (m === "pairwise") updatePairs(form);
    });
  }

  document.addEventListener("input", function (evt) {
    var form = evt.target.closest && evt.target.closest("form.vote-form");
    if (form) refresh(form.parentNode);
  });
  document.addEventListener("change", function (evt) {
    var form = evt.target.closest && evt.target.closest("form.vote-form");
    if (form) refresh(form.parentNode);
  });

  // − / + : change the slider locally instead of asking the server.
  document.addEventListener("click", function (evt) {
    var btn = evt.target.closest && evt.target.closest("button[data-step]");
    if (!btn) return;
    var slider = document.getElementById(btn.getAttribute("data-for"));
    if (!slider) return;
    evt.preventDefault();
    var step = Number(btn.getAttribute("data-step"));
    var v = Math.min(Number(slider.max), Math.max(Number(slider.min), Number(slider.value) + step));
    slider.value = String(v);
    slider.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // Block saving points unless exactly 100 (capture phase: runs before htmx's own handler).
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form.vote-form[data-method=points]")) return;
    var submitter = evt.submitter;
    if (submitter && submitter.hasAttribute("formaction")) return;  // recount/preview is fine
    if (!updatePoints(form)) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
      var box = document.getElementById("points-remaining");
      if (box) box.focus && box.setAttribute("tabindex", "-1");
      if (box) box.focus();
    }
  }, true);

  // Validation errors (400/409/422) carry the form back with the person's values: swap them in.
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr && evt.detail.xhr.status;
    var target = evt.detail.target;
    if ((status === 400 || status === 409 || status === 422) && target && target.id === "vote-panel") {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  document.addEventListener("htmx:afterSettle", function () { refresh(document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { refresh(document); });
  } else {
    refresh(document);
  }
})();
