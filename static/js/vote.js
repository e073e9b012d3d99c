// Vägval participant vote forms: live percentages for sliders, − / + buttons, the points
// counter and submit guard, the pairwise progress counter. Every form also works without
// this file (the buttons then post to the preview endpoint and the server recomputes).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function pctText(w) {
    var text = (w * 100).toFixed(1);
    return (document.documentElement.lang === "en" ? text : text.replace(".", ",")) + "\u00a0%";
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
      var vt = s.getAttribute("data-valuetext");  // "5 av 10, 22,0 %" (WCAG 4.1.2)
      if (vt) s.setAttribute("aria-valuetext", vt.replace("{v}", s.value)
        .replace("{pct}", total > 0 ? pctText(w) : "–"));
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

  // --- draft in the browser (issue 18) ----------------------------------------------------------
  // What the person entered is kept in localStorage until the server confirms a save, so a
  // reload (or a tablet that lost the page) brings it back. Values only: no token, no name.
  // Failed saves themselves are handled in app.js (htmx 400/409/422 answers carry the form back
  // and are swapped there; 5xx, 429, timeouts and network errors are reported and retried).
  var DRAFT = "vagval-draft:";
  var DRAFT_MAX_AGE_MS = 12 * 3600 * 1000;

  function draftKey(form) {
    var url = new URL(form.getAttribute("action"), window.location.href);
    return DRAFT + url.pathname + url.search;
  }

  function fields(form) {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "revision") out.push([name, String(value)]);
    });
    return JSON.stringify(out);
  }

  function store(action, key, value) {
    try {
      if (action === "set") window.localStorage.setItem(key, value);
      else if (action === "get") return window.localStorage.getItem(key);
      else window.localStorage.removeItem(key);
    } catch (e) { /* storage off or full: the page works without a draft */ }
    return null;
  }

  function saveDraft(form) {
    if (form && form.id === "vote-form" && document.getElementById("save-button")) {
      store("set", draftKey(form), JSON.stringify({ t: Date.now(), f: fields(form) }));
    }
  }

  function applyDraft(form, list) {
    var byName = {};
    list.forEach(function (pair) { (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]); });
    var ranks = form.querySelector(".rank-list");
    (byName.order || []).forEach(function (cid) {
      var item = document.getElementById("rank-" + cid);
      if (ranks && item && item.parentNode === ranks) ranks.appendChild(item);
    });
    form.querySelectorAll("input, select").forEach(function (el) {
      var name = el.name;
      if (!name || name === "order" || el.type === "hidden" || el.type === "submit") return;
      var values = byName[name];
      if (el.type === "radio" || el.type === "checkbox") el.checked = !!values && values.indexOf(el.value) >= 0;
      else if (values) el.value = values[0];
    });
  }

  function restoreDraft() {
    var form = document.getElementById("vote-form");
    if (!form || !document.getElementById("save-button")) return;
    var key = draftKey(form);
    var draft = null;
    try { draft = JSON.parse(store("get", key) || "null"); } catch (e) { draft = null; }
    var shown = fields(form);
    if (!draft || typeof draft.f !== "string" || Date.now() - draft.t > DRAFT_MAX_AGE_MS ||
        draft.f === shown) {
      store("remove", key);
      return;
    }
    applyDraft(form, JSON.parse(draft.f));
    if (fields(form) === shown) { store("remove", key); return; }
    var texts = document.getElementById("request-alert");
    if (texts) {  // shown by app.js next to the save button until the save is confirmed
      document.dispatchEvent(new CustomEvent("vagval:note", { detail: texts.getAttribute("data-draft") }));
    }
    // A restored ranking is redrawn by the server (places, buttons, weights): "Visa vikterna".
    var redraw = form.getAttribute("data-method") === "ranking" && form.querySelector(".js-hide button[formaction]");
    if (redraw) redraw.click();
  }

  document.addEventListener("input", function (evt) {
    var form = evt.target.closest && evt.target.closest("form.vote-form");
    if (form) saveDraft(form);
  });
  document.addEventListener("change", function (evt) {
    var form = evt.target.closest && evt.target.closest("form.vote-form");
    if (form) saveDraft(form);
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    var cfg = evt.detail.requestConfig;
    var xhr = evt.detail.xhr;
    if (!cfg || !xhr || xhr.status !== 200 || !cfg.elt || !cfg.elt.closest) return;
    var form = document.getElementById("vote-form");
    if (!form || !cfg.elt.closest("form.vote-form")) return;
    if (/\/forhandsvisning(\?|$)/.test(cfg.path || "")) saveDraft(form);  // a move, a tie, a check
    else if (document.getElementById("saved-h")) store("remove", draftKey(form));  // confirmed
  });

  document.addEventListener("htmx:afterSettle", function () { refresh(document); });
  function start() {
    restoreDraft();
    refresh(document);
  }
  // After htmx has processed the page (its DOMContentLoaded handler was added first), so a
  // restored ranking can be redrawn through htmx.
  if (document.readyState === "complete") start();
  else document.addEventListener("DOMContentLoaded", start);
})();
