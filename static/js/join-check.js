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
  var autoSent = 0;

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

  // PBKDF2-HMAC-SHA256 (one 32-byte block) in plain JavaScript, for pages without WebCrypto:
  // crypto.subtle exists only in a secure context (HTTPS or localhost), and a tablet on a
  // plain-HTTP LAN address must still get in. Slower than WebCrypto (a few seconds at the cap
  // on a tablet), but never a lock-out. Inner and outer HMAC states are computed once.
  var K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);
  var IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  var W = new Uint32Array(64);

  function compress(state, block) {  // state: 8 words (changed in place); block: 16 words
    var i, a = state[0], b = state[1], c = state[2], d = state[3];
    var e = state[4], f = state[5], g = state[6], h = state[7];
    for (i = 0; i < 16; i += 1) W[i] = block[i];
    for (i = 16; i < 64; i += 1) {
      var x = W[i - 15], y = W[i - 2];
      W[i] = (((x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ (x >>> 3)) + W[i - 7] +
              ((y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ (y >>> 10)) + W[i - 16]) | 0;
    }
    for (i = 0; i < 64; i += 1) {
      var t1 = (h + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7)) +
                ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
      var t2 = (((a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10)) +
                ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    state[0] += a; state[1] += b; state[2] += c; state[3] += d;
    state[4] += e; state[5] += f; state[6] += g; state[7] += h;
  }

  function padState(keyBytes, pad) {  // SHA-256 state after the 64-byte block key ^ pad
    var block = new Int32Array(16), state = new Int32Array(IV);
    for (var i = 0; i < 64; i += 1) {
      block[i >> 2] |= ((keyBytes[i] || 0) ^ pad) << (24 - 8 * (i & 3));
    }
    compress(state, block);
    return state;
  }

  function finish(start, words, msgBytes) {  // hash of (one 64-byte block done) + message
    var block = new Int32Array(16), state = new Int32Array(start);
    for (var i = 0; i < words.length; i += 1) block[i] = words[i];
    block[msgBytes >> 2] |= 0x80 << (24 - 8 * (msgBytes & 3));
    block[15] = (64 + msgBytes) * 8;
    compress(state, block);
    return state;
  }

  function pbkdf2(inner, outer, salt, iterations) {  // salt: bytes, at most 51
    var words = new Int32Array(14), n = salt.length + 4, i, j;
    for (i = 0; i < salt.length; i += 1) words[i >> 2] |= salt[i] << (24 - 8 * (i & 3));
    var tail = salt.length + 3;  // INT(1), big-endian: three zero bytes, then 1
    words[tail >> 2] |= 1 << (24 - 8 * (tail & 3));
    var u = finish(outer, finish(inner, words.subarray(0, (n + 3) >> 2), n), 32);
    var t = new Int32Array(u);
    for (j = 1; j < iterations; j += 1) {
      u = finish(outer, finish(inner, u, 32), 32);
      for (i = 0; i < 8; i += 1) t[i] ^= u[i];
    }
    return t;
  }

  function plainSolve(form, seed, bits, parts, iterations) {
    var key = enc.encode(seed);
    var inner = padState(key, 0x36), outer = padState(key, 0x5c);
    var mask = bits >= 32 ? 0xffffffff : ~(0xffffffff >>> bits);
    var nonces = [], part = 0, nonce = 0;
    return new Promise(function (resolve) {
      function step() {
        var until = Date.now() + 40;  // yield to the page every 40 ms
        while (Date.now() < until) {
          var t = pbkdf2(inner, outer, enc.encode(part + ":" + nonce), iterations);
          if ((t[0] & mask) === 0) {
            nonces.push(nonce);
            part += 1;
            nonce = 0;
            if (part === parts) { resolve(nonces.join(",")); return; }
          } else {
            nonce += 1;
          }
        }
        setTimeout(step, 0);
      }
      step();
    });
  }

  async function solve(form) {
    var seed = form.getAttribute("data-check-seed");
    var bits = Number(form.getAttribute("data-check-bits"));
    var parts = Number(form.getAttribute("data-check-parts"));
    var iterations = Number(form.getAttribute("data-check-iterations"));
    if (!(window.crypto && crypto.subtle)) return plainSolve(form, seed, bits, parts, iterations);
    var key = await crypto.subtle.importKey("raw", enc.encode(seed), "PBKDF2", false, ["deriveBits"]);
    var nonces = [];
    for (var part = 0; part < parts; part += 1) nonces.push(await solvePart(key, part, bits, iterations));
    return nonces.join(",");
  }

  function job(form) {
    var seed = form.getAttribute("data-check-seed");
    if (!jobs[seed]) {
      jobs[seed] = solve(form);
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
    // The server asked for the check (or the QR link brought the code): send it once solved,
    // at most a few times per page, so a check that keeps failing cannot loop.
    if (form.hasAttribute("data-check-auto") && code && code.value.trim() && autoSent < 4) {
      autoSent += 1;
      sendWhenSolved(form);
    }
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
