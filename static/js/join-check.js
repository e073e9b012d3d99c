// The join check (issue 24 point 6; mcda/web/participate/join_check.py). Under guessing
// pressure the code step's form carries a signed challenge: PARTS nonces, each making
// PBKDF2-HMAC-SHA256(seed, "part:nonce", iterations) start with `bits` zero bits. WebCrypto
// computes PBKDF2 natively, so a tablet is about as fast per core as a guesser's own code.
// Solving starts as soon as the form is shown (usually done before the code is typed); a
// submit before that waits, saying "Kontrollerar …". Without a challenge nothing happens.
(function () {
  "use strict";
  var BATCH = 8;  // derivations in flight at once (WebCrypto may run them on several cores)
  var enc = new TextEncoder();
  var jobs = {};  // seed -> Promise of the solution text

  function zeroBits(buf, bits) {
    var b = new Uint8Array(buf);
    for (var i = 0; bits > 0; i += 1, bits -= 8) {
      var mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if (b[i] & mask) return false;
    }
    return true;
  }

  async function solvePart(key, part, bits, iterations) {
    for (var start = 0; ; start += BATCH) {
      var tries = [];
      for (var n = start; n < start + BATCH; n += 1) {
        tries.push(crypto.subtle.deriveBits(
          {name: "PBKDF2", hash: "SHA-256", salt: enc.encode(part + ":" + n), iterations: iterations},
          key, 256));
      }
      var out = await Promise.all(tries);
      for (var i = 0; i < out.length; i += 1) {
        if (zeroBits(out[i], bits)) return start + i;
      }
    }
  }

  async function solve(form) {
    var seed = form.getAttribute("data-check-seed");
    var bits = Number(form.getAttribute("data-check-bits"));
    var parts = Number(form.getAttribute("data-check-parts"));
    var iterations = Number(form.getAttribute("data-check-iterations"));
    var key = await crypto.subtle.importKey("raw", enc.encode(seed), "PBKDF2", false, ["deriveBits"]);
    var nonces = [];
    for (var part = 0; part < parts; part += 1) nonces.push(await solvePart(key, part, bits, iterations));
    return nonces.join(",");
  }

  function job(form) {
    var seed = form.getAttribute("data-check-seed");
    if (!jobs[seed]) {
      jobs[seed] = (window.crypto && crypto.subtle) ? solve(form) : Promise.reject(new Error("no WebCrypto"));
      jobs[seed].catch(function () {});  // reported when the form is sent
    }
    return jobs[seed];
  }

  function say(form, name) {
    var status = form.querySelector("#join-check-status");
    if (status) status.textContent = name ? form.getAttribute(name) || "" : "";
  }

  function sendWhenSolved(form) {
    var answer = form.querySelector("input[name=losning]");
    var button = form.querySelector("button[type=submit]");
    say(form, "data-check-busy");
    if (button) button.disabled = true;
    form.setAttribute("aria-busy", "true");
    job(form).then(function (solution) {
      answer.value = solution;
      form.removeAttribute("aria-busy");
      if (button) button.disabled = false;
      say(form, null);
      // Later, not now: a form ignores requestSubmit() while its own submit event is still
      // being dispatched (the solution may already be there when the person presses).
      setTimeout(function () { form.requestSubmit(button || undefined); }, 0);
    }, function () {
      form.removeAttribute("aria-busy");
      if (button) button.disabled = false;
      say(form, "data-check-unsupported");
    });
  }

  function prepare() {
    var form = document.querySelector("form.join-form[data-check-seed]");
    if (!form || form.hasAttribute("data-check-started")) return;
    form.setAttribute("data-check-started", "");
    var answer = form.querySelector("input[name=losning]");
    job(form).then(function (solution) { if (answer) answer.value = solution; }, function () {});
    var code = form.querySelector("input[name=kod]");
    if (form.hasAttribute("data-check-auto") && code && code.value.trim()) sendWhenSolved(form);
  }

  // Capture phase on the document: runs before htmx's own submit handler on the form.
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!form.matches || !form.matches("form.join-form[data-check-seed]")) return;
    var answer = form.querySelector("input[name=losning]");
    if (!answer || answer.value) return;  // solved: let htmx (or the browser) send it
    evt.preventDefault();
    evt.stopImmediatePropagation();
    if (!form.hasAttribute("aria-busy")) sendWhenSolved(form);
  }, true);

  document.addEventListener("DOMContentLoaded", prepare);
  document.addEventListener("htmx:afterSettle", prepare);
})();
