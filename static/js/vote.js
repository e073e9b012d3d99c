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
    var equal = form.querySelector("#alla-lika");
    if (equal && equal.checked) {  // "Alla lika viktiga": the server shares the 100 points
      text = box.getAttribute("data-equal");
      bad = false;
      left = 0;
      if (box.textContent.trim() !== text) box.textContent = text;
    }
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

  // --- pairwise: one pair at a time (issue 14) -------------------------------------------------
  // Without this file the pairs are one list; here only one is shown, with "Par 3 av 12" and
  // buttons to the previous and next pair. Links to a pair (flagged pairs, error summary) show it.
  function pairItems(form) {
    var list = form.querySelector("ol.pair-list");
    return list ? Array.prototype.slice.call(list.children) : [];
  }

  function showPair(form, index, focus) {
    var items = pairItems(form);
    if (!items.length) return;
    index = Math.max(0, Math.min(items.length - 1, index));
    items.forEach(function (li, k) { li.hidden = k !== index; });
    form.setAttribute("data-pair", String(index));
    var list = form.querySelector("ol.pair-list");
    var step = document.getElementById("pair-step");
    if (step) {
      step.textContent = list.getAttribute("data-step-text")
        .replace("{n}", String(index + 1)).replace("{total}", String(items.length));
    }
    var prev = document.getElementById("pair-prev");
    var next = document.getElementById("pair-next");
    if (prev) prev.setAttribute("aria-disabled", index === 0 ? "true" : "false");
    if (next) next.setAttribute("aria-disabled", index === items.length - 1 ? "true" : "false");
    if (focus) {
      var first = items[index].querySelector("input[type=radio]:checked") ||
        items[index].querySelector("input[type=radio]");
      if (first) first.focus();
    }
  }

  function setupPairs(form) {
    var items = pairItems(form);
    var nav = document.getElementById("pair-nav");
    if (items.length < 2 || !nav || form.hasAttribute("data-pair")) return;
    nav.hidden = false;
    // Start at the first pair with an error, then a flagged one, then the first unanswered.
    var start = items.findIndex(function (li) { return li.querySelector(".has-error"); });
    if (start < 0) start = items.findIndex(function (li) { return li.querySelector(".pair-flagged"); });
    if (start < 0) start = items.findIndex(function (li) { return !li.querySelector("input[type=radio]:checked"); });
    showPair(form, start < 0 ? 0 : start, false);
  }

  function pairForTarget(id) {
    var el = id && document.getElementById(id);
    var li = el && el.closest && el.closest("ol.pair-list > li");
    var form = li && li.closest("form.vote-form");
    if (!li || !form) return false;
    showPair(form, pairItems(form).indexOf(li), false);
    return true;
  }

  document.addEventListener("click", function (evt) {
    var btn = evt.target.closest && evt.target.closest("#pair-prev, #pair-next");
    if (btn) {
      var form = btn.closest("form.vote-form");
      if (btn.getAttribute("aria-disabled") === "true" || !form) return;
      var index = Number(form.getAttribute("data-pair") || "0");
      showPair(form, index + (btn.id === "pair-next" ? 1 : -1), true);
      return;
    }
    var link = evt.target.closest && evt.target.closest("a[href^='#']");
    if (link) pairForTarget(decodeURIComponent(link.getAttribute("href").slice(1)));
  }, true);
  window.addEventListener("hashchange", function () {
    pairForTarget(decodeURIComponent(window.location.hash.slice(1)));
  });

  // --- "Alla lika viktiga" (issue 14) -----------------------------------------------------------
  // Ticking it sets the form to equal values; changing a value afterwards unticks it. The server
  // applies the same rules without this file (a ticked box that contradicts the values is refused).
  function setEqual(form) {
    var m = form.getAttribute("data-method");
    if (m === "direct") {
      form.querySelectorAll("input[type=range][data-crit]").forEach(function (s) { s.value = "5"; });
    } else if (m === "points") {
      form.querySelectorAll("input.points-input").forEach(function (i) { i.value = "0"; });
    } else if (m === "pairwise") {
      form.querySelectorAll("input[type=radio][value=lika]").forEach(function (r) { r.checked = true; });
    }
  }

  document.addEventListener("change", function (evt) {
    var el = evt.target;
    var form = el.closest && el.closest("form.vote-form");
    if (!form) return;
    var equal = form.querySelector("#alla-lika");
    if (!equal) return;
    if (el === equal) {
      if (equal.checked) setEqual(form);
    } else if (equal.checked && !el.name.startsWith("tie-") && el.name !== "ordning-ok" &&
               !(el.type === "radio" && el.value === "lika")) {
      equal.checked = false;
    }
  }, true);
  document.addEventListener("input", function (evt) {
    var el = evt.target;
    var form = el.closest && el.closest("form.vote-form");
    var equal = form && form.querySelector("#alla-lika");
    if (equal && equal.checked && el !== equal && el.type !== "checkbox" && el.type !== "radio") {
      equal.checked = false;
    }
  }, true);

  function refresh(root) {
    (root || document).querySelectorAll("form.vote-form").forEach(function (form) {
      var m = form.getAttribute("data-method");
      if (m === "direct") updateDirect(form);
      else if (m === "points") updatePoints(form);
      else if (m === "pairwise") { updatePairs(form); setupPairs(form); }
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
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
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
