/* Signing a position in the page with WebCrypto Ed25519.

   The private key is made here as non-extractable and kept in this browser's IndexedDB (one per
   user and post); script can use it to sign but can never read it, and it never reaches the
   server. Only the public half is registered to the post (POST /api/keys). The page then signs
   the exact bytes of crisisdesk.engines.signing.position_message and posts the signature; the
   server verifies it the same way it verifies a signature from the CLI. */
(function () {
  "use strict";
  var DB_NAME = "crisisdesk-keys", STORE = "keys";

  function request(r) {
    return new Promise(function (resolve, reject) {
      r.onsuccess = function () { resolve(r.result); };
      r.onerror = function () { reject(r.error); };
    });
  }

  function openDb() {
    var r = indexedDB.open(DB_NAME, 1);
    r.onupgradeneeded = function () { r.result.createObjectStore(STORE); };
    return request(r);
  }

  function stored(id) {
    return openDb().then(function (db) {
      return request(db.transaction(STORE, "readonly").objectStore(STORE).get(id));
    });
  }

  function store(id, entry) {
    return openDb().then(function (db) {
      return request(db.transaction(STORE, "readwrite").objectStore(STORE).put(entry, id));
    });
  }

  function base64(bytes) {
    var s = "";
    bytes.forEach(function (b) { s += String.fromCharCode(b); });
    return btoa(s);
  }

  function say(form, text, kind) {
    var out = form.querySelector(".sign-result");
    out.textContent = text;
    out.classList.toggle("ok", kind === "ok");
    out.classList.toggle("failed", kind === "failed");
  }

  function api(form, method, url, body) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    return fetch(url, {
      method: method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token},
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) {
          var err = new Error(data.detail || ("HTTP " + r.status));
          err.status = r.status;
          err.code = data.error;
          throw err;
        }
        return data;
      });
    });
  }

  // The key of this user for this post: made on first use, registered if the server lacks it.
  function keyFor(form) {
    var id = form.dataset.user + "|" + form.dataset.post;
    return stored(id).then(function (entry) {
      if (entry) { return entry; }
      return crypto.subtle.generateKey({name: "Ed25519"}, false, ["sign", "verify"]).then(function (pair) {
        return crypto.subtle.exportKey("raw", pair.publicKey).then(function (raw) {
          var made = {privateKey: pair.privateKey, publicRaw: new Uint8Array(raw), created: new Date().toISOString()};
          return store(id, made).then(function () { return made; });
        });
      });
    }).then(function (entry) {
      return crypto.subtle.digest("SHA-256", entry.publicRaw).then(function (digest) {
        var fingerprint = window.crisisdesk.hex(digest);
        var known = (form.dataset.fingerprints || "").split(" ").filter(Boolean);
        if (known.indexOf(fingerprint) >= 0) { return entry.privateKey; }
        say(form, form.dataset.msgRegistering);
        return api(form, "POST", "/api/keys", {post: form.dataset.post, public_key: base64(entry.publicRaw)})
          .catch(function (err) { if (err.status !== 409) { throw err; } })  // 409: registered already
          .then(function () {
            form.dataset.fingerprints = known.concat([fingerprint]).join(" ");
            return entry.privateKey;
          });
      });
    });
  }

  function refreshStatus(form) {
    var target = document.querySelector(form.dataset.status);
    if (target && window.htmx) { window.htmx.trigger(target, "refresh"); }
  }

  function onSubmit(event) {
    event.preventDefault();
    var form = event.currentTarget;
    var button = form.querySelector("button[type=submit]");
    var choice = form.querySelector("input[name=position]:checked");
    var reason = form.querySelector("textarea[name=reason]");
    if (!choice) {
      say(form, form.dataset.msgChoose, "failed");
      form.querySelector("input[name=position]").focus();
      return;
    }
    if (choice.value === "object" && !reason.value.trim()) {
      say(form, form.dataset.msgReason, "failed");
      reason.focus();
      return;
    }
    if (!window.isSecureContext || !window.crypto || !crypto.subtle || !window.indexedDB) {
      say(form, form.dataset.msgNocrypto, "failed");
      return;
    }
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    say(form, form.dataset.msgWorking);
    var decision;
    // Sign what the server circulates now, and only if it is the text this page showed.
    api(form, "GET", "/api/decisions/" + encodeURIComponent(form.dataset.decision)).then(function (d) {
      if (d.text_sha256 !== form.dataset.textSha256) {
        var amended = new Error(form.dataset.msgAmended);
        amended.plain = true;
        throw amended;
      }
      decision = d;
      return window.crisisdesk.sha256Hex(d.text);
    }).then(function (digest) {
      if (digest !== decision.text_sha256) { throw new Error("the text received does not match its hash"); }
      return keyFor(form);
    }).then(function (privateKey) {
      return window.crisisdesk.positionMessage({
        case: decision.case, decision: decision.id, version: decision.version, text: decision.text,
        member: form.dataset.member, position: choice.value, reason: reason.value
      }).then(function (message) {
        return crypto.subtle.sign({name: "Ed25519"}, privateKey, message);
      });
    }).then(function (signature) {
      return api(form, "POST", "/api/decisions/" + decision.id + "/positions", {
        member: form.dataset.member, position: choice.value, reason: reason.value,
        text_sha256: decision.text_sha256, signature: base64(new Uint8Array(signature))
      });
    }).then(function () {
      say(form, form.dataset.msgDone, "ok");
      refreshStatus(form);
    }).catch(function (err) {
      var detail = err && err.message ? err.message : String(err);
      say(form, err && err.plain ? detail : form.dataset.msgFailed + " " + detail, "failed");
    }).then(function () {
      button.disabled = false;
      form.removeAttribute("aria-busy");
    });
  }

  // When the polled status shows another text version or a settled decision, stop signing here.
  function checkForms() {
    document.querySelectorAll("form.sign-form").forEach(function (form) {
      var status = document.querySelector(form.dataset.status);
      if (!status) { return; }
      var stale = status.dataset.textSha256 !== form.dataset.textSha256;
      var settled = status.dataset.open === "false";
      form.querySelector("button[type=submit]").disabled = stale || settled;
      if (stale) { say(form, form.dataset.msgAmended, "failed"); }
      else if (settled) { form.hidden = true; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.sign-form").forEach(function (form) {
      form.addEventListener("submit", onSubmit);
    });
    document.body.addEventListener("htmx:afterSwap", checkForms);
  });
})();
