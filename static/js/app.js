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

  // How to find the focused element again in the new content: its id, else its data-step,
  // else its link target (the projector's step links have no id).
  function keyOf(el) {
    if (el.id) return "#" + CSS.escape(el.id);
    if (el.getAttribute("data-step")) return '[data-step="' + CSS.escape(el.getAttribute("data-step")) + '"]';
    if (el.getAttribute("href")) return 'a[href="' + CSS.escape(el.getAttribute("href")) + '"]';
    return null;
  }
  var keepKey = null;
  document.addEventListener("htmx:beforeSwap", function (evt) {
    keepKey = null;
    var target = evt.detail && evt.detail.target;
    var active = document.activeElement;
    if (isPoll(evt) && target && active && active !== document.body && target.contains(active)) {
      keepKey = keyOf(active);
    }
  });

  // After an htmx swap, move focus to an element marked data-focus-after-swap, so focus is
  // never lost to <body> (WCAG 2.4.3).
  document.addEventListener("htmx:afterSettle", function (evt) {
    var target = evt.detail && evt.detail.elt;
    if (!target) return;
    if (isPoll(evt)) {
      var again = keepKey && target.querySelector(keepKey);
      if (again && document.activeElement === document.body) again.focus({preventScroll: true});
      keepKey = null;
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
  // A page that comes back with errors (a full-page form answer) starts at its error summary,
  // so the errors are read out first instead of the page from the top.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary[tabindex]");
    if (summary && document.activeElement === document.body) summary.focus();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button[data-pause-for]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        setPaused(button, button.getAttribute("aria-pressed") !== "true");
      });
    });
  });
  // Warning before the facilitator's idle logout (WCAG 2.2.1): a modal dialog opens two
  // minutes (at most half the idle time) before it; "Fortsätt vara inloggad" renews the session
  // without leaving the page. Every page load and htmx request restarts the clock.
  var warnTimer = null;
  function armWarning() {
    var dialog = document.getElementById("session-warning");
    if (!dialog || typeof dialog.showModal !== "function") return;
    var idle = Number(dialog.getAttribute("data-idle-s")) || 0;
    if (idle <= 0) return;
    var lead = Math.min(120, idle / 2);
    if (warnTimer) clearTimeout(warnTimer);
    warnTimer = setTimeout(function () { if (!dialog.open) dialog.showModal(); }, (idle - lead) * 1000);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var dialog = document.getElementById("session-warning");
    if (!dialog) return;
    armWarning();
    dialog.querySelector("form").addEventListener("submit", function (evt) {
      evt.preventDefault();
      var form = evt.target;
      fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                          headers: {"X-Requested-With": "fetch"}, redirect: "manual"})
        .then(function (resp) {
          if (resp.status === 204) { dialog.close(); armWarning(); } else { window.location.reload(); }
        })
        .catch(function () { window.location.reload(); });
    });
  });
  document.addEventListener("htmx:afterRequest", function () { armWarning(); });

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var elt = evt.detail && evt.detail.elt;
    if (elt && elt.hasAttribute && elt.hasAttribute("data-paused")) evt.preventDefault();
  });
  // Projector: a presenter remote (PageDown/PageUp or the arrow keys) steps through the
  // revealed result views; the links work without this too.
  document.addEventListener("keydown", function (evt) {
    if (!document.body.classList.contains("projector") || evt.altKey || evt.ctrlKey || evt.metaKey) return;
    var t = evt.target;
    if (t && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(t.tagName)) return;
    var dir = {ArrowRight: "next", PageDown: "next", ArrowLeft: "prev", PageUp: "prev"}[evt.key];
    var link = dir && document.querySelector('a[data-step="' + dir + '"]');
    if (link) {
      evt.preventDefault();
      window.location.assign(link.href);
    }
  });
})();

// Failed requests on participant pages (issue 18): a save is "sparad" only when the server
// has answered it. A server error, 429, no answer within 15 s or no connection is said in the
// announced region #request-alert (texts from the catalog, in data-* attributes), the typed
// values stay, and saves and joins are retried with backoff: pressing the same button again,
// which re-sends the same revision and values, so a retry after a lost answer is stored once.
(function () {
  "use strict";
  var TIMEOUT_MS = 15000;
  var BACKOFF_S = [2, 4, 8, 16, 30];
  var SWAP_4XX = { save: [400, 409, 422], preview: [400, 409, 422], join: [400, 404, 409, 422] };
  var retry = { kind: null, timer: null, attempt: 0 };
  var failure = null;  // {kind, lines, offline} of the failure on screen
  var offline = false;
  var note = "";  // e.g. "your unsaved changes are back" (vote.js, event vagval:note)

  function region() { return document.getElementById("request-alert"); }
  function msg(name) { var r = region(); return (r && r.getAttribute("data-" + name)) || ""; }

  function kindOf(detail) {
    var cfg = detail.requestConfig || detail;
    var elt = cfg.elt || detail.elt;
    var form = elt && elt.closest ? elt.closest("form") : null;
    if (!form || !region()) return null;
    if (form.classList.contains("join-form")) return "join";
    if (!form.classList.contains("vote-form")) return null;
    return /\/forhandsvisning(\?|$)/.test(cfg.path || "") ? "preview" : "save";
  }

  // One paragraph per line: [what failed + why], [what is kept], [what happens next]. The
  // first text of the first line is bold. Text nodes only: nothing from a response is HTML.
  function render() {
    var r = region();
    if (!r) return;
    var lines = failure ? failure.lines.slice() : [];
    if (offline && !(failure && failure.offline)) lines.push([msg("offline")]);
    if (note && !failure) lines.push([note]);
    r.classList.toggle("is-note", !failure && !offline && !!note);
    var text = lines.map(function (l) { return l.join(" "); }).join("\n");
    if (r.getAttribute("data-shown") === text) return;  // unchanged: not announced again
    r.setAttribute("data-shown", text);
    r.textContent = "";
    lines.forEach(function (line, i) {
      var p = document.createElement("p");
      var rest = line;
      if (i === 0) {
        var head = document.createElement("strong");
        head.textContent = line[0];
        p.appendChild(head);
        rest = [""].concat(line.slice(1));
      }
      p.appendChild(document.createTextNode(rest.join(" ")));
      r.appendChild(p);
    });
  }

  // The error page's own message (e.g. "Lagringsutrymmet är fullt …"), as text only.
  function serverMessage(xhr) {
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") !== 0 || !xhr.responseText) return "";
    var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
    var p = doc.querySelector("main h1 + p");
    return p ? p.textContent.trim().slice(0, 300) : "";
  }

  function button(kind) {
    if (kind === "save") return document.getElementById("save-button");
    return document.querySelector("form.join-form button[type=submit]");
  }

  function fail(kind, why, xhr) {
    var code = xhr ? xhr.status : 0;
    var isOffline = navigator.onLine === false;
    var reason = why === "server" ? msg("why-server").replace("{code}", String(code))
      : msg(why === "network" && isOffline ? "offline" : "why-" + why);
    var first = [msg("head-" + kind), reason];
    var said = xhr && why === "server" ? serverMessage(xhr) : "";
    if (said) first.push(msg("server-says").replace("{msg}", said));
    var lines = [first, [msg("kept-" + kind)]];
    var again = kind !== "preview" && (why !== "server" || code >= 500 || code === 408);
    if (again) lines.push([msg(isOffline ? "retry-online" : "retry-" + kind)]);
    else if (kind !== "preview") lines.push([msg("retry-none")]);
    failure = { kind: kind, lines: lines, offline: isOffline };
    idle(kind);
    render();
    if (again) schedule(kind, xhr);
  }

  function schedule(kind, xhr) {
    clearTimeout(retry.timer);
    retry.kind = kind;
    if (navigator.onLine === false) return;  // the "online" event retries
    var wait = BACKOFF_S[Math.min(retry.attempt, BACKOFF_S.length - 1)];
    var after = xhr ? parseInt(xhr.getResponseHeader("Retry-After") || "", 10) : NaN;
    if (after > wait) wait = Math.min(after, 600);
    retry.attempt += 1;
    retry.timer = setTimeout(retryNow, wait * 1000 * (0.8 + Math.random() * 0.4));
  }

  function retryNow() {
    clearTimeout(retry.timer);
    var btn = retry.kind && button(retry.kind);
    if (!btn || btn.disabled) return;  // in flight already, or the form is not ready
    btn.click();  // exactly what pressing it does: same form, same revision
  }

  function settled(kind) {
    if (failure && (failure.kind === kind || kind === "save")) failure = null;
    if (kind === "save") note = "";
    if (retry.kind === kind || kind === "save") {
      clearTimeout(retry.timer);
      retry.kind = null;
      retry.attempt = 0;
    }
    render();
  }

  // Saving in flight: say so, and stop calling the version on screen "sparad".
  function busy(kind) {
    if (kind !== "save") return;
    var status = document.getElementById("vote-status");
    if (status) status.textContent = msg("saving");
    var heading = document.getElementById("saved-h");
    if (heading && heading.getAttribute("data-confirmed")) {
      heading.textContent = heading.getAttribute("data-confirmed");
    }
    var btn = button("save");
    if (btn && !btn.hasAttribute("data-label")) {
      btn.setAttribute("data-label", btn.textContent);
      btn.textContent = msg("saving-button");
    }
  }

  function idle(kind) {
    if (kind !== "save") return;
    var status = document.getElementById("vote-status");
    if (status && status.textContent === msg("saving")) status.textContent = "";
    var btn = button("save");
    if (btn && btn.hasAttribute("data-label")) {
      btn.textContent = btn.getAttribute("data-label");
      btn.removeAttribute("data-label");
    }
  }

  document.addEventListener("htmx:configRequest", function (evt) {
    if (kindOf(evt.detail)) evt.detail.timeout = TIMEOUT_MS;
  });

  document.addEventListener("htmx:beforeRequest", function (evt) {
    var kind = kindOf(evt.detail);
    if (!kind) return;
    if (retry.kind === kind) clearTimeout(retry.timer);  // this attempt replaces the timer
    busy(kind);
  });
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var kind = kindOf(evt.detail);
    var xhr = evt.detail.xhr;
    if (!kind || !xhr || (xhr.status >= 200 && xhr.status < 300)) return;
    if (SWAP_4XX[kind].indexOf(xhr.status) >= 0) {
      // The server sent the form back with its own message and the person's values.
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
      return;
    }
    evt.detail.shouldSwap = false;  // keep the typed values on the page
    evt.detail.isError = false;     // reported here, not as htmx:responseError
    fail(kind, xhr.status === 429 ? "busy" : "server", xhr);
  });
  document.addEventListener("htmx:afterRequest", function (evt) {
    var kind = kindOf(evt.detail);
    var xhr = evt.detail.xhr;
    if (!kind || !xhr) return;
    if ((xhr.status >= 200 && xhr.status < 300) || SWAP_4XX[kind].indexOf(xhr.status) >= 0) {
      idle(kind);  // the server answered and its answer is on the page
      settled(kind);
    }
  });
  document.addEventListener("htmx:sendError", function (evt) {
    var kind = kindOf(evt.detail);
    if (kind) fail(kind, "network", null);
  });
  document.addEventListener("htmx:timeout", function (evt) {
    var kind = kindOf(evt.detail);
    if (kind) fail(kind, "timeout", null);
  });

  document.addEventListener("vagval:note", function (evt) { note = String(evt.detail || ""); render(); });
  // A swap of the vote panel brings a new, empty region: say again what still holds.
  document.addEventListener("htmx:afterSettle", render);
  window.addEventListener("offline", function () { offline = true; render(); });
  window.addEventListener("online", function () {
    offline = false;
    if (failure && failure.offline && retry.kind) {
      failure.lines[0][1] = msg("why-network");
      failure.lines[failure.lines.length - 1] = [msg("retry-" + retry.kind)];
      failure.offline = false;
    }
    render();
    if (retry.kind) retryNow();
  });
  if (navigator.onLine === false) {
    offline = true;
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
    else render();
  }
})();
