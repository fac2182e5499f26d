// Passkeys for the dashboard (docs/ui.md): the login page's "Log in with a passkey" and the Passkeys page's
// registration. A static file, as the pages' Content-Security-Policy allows no inline script. The node sends each
// ceremony's options as JSON with base64url for bytes; WebAuthn wants ArrayBuffers, and the answer goes back as
// base64url again.
(function () {
  "use strict";

  function bytes(b64url) {
    var s = atob(b64url.replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out.buffer;
  }

  function b64url(buffer) {
    var b = new Uint8Array(buffer), s = "";
    for (var i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function say(text) {
    var status = document.getElementById("passkey-status");
    if (status) status.textContent = text;
  }

  function post(path, body) {
    return fetch(path, {
      method: "POST", credentials: "same-origin", redirect: "follow",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)
    });
  }

  function errorOf(response) {
    return response.json().then(function (j) {
      return (j.errors && j.errors[0] && j.errors[0].message) || ("HTTP " + response.status);
    }, function () { return "HTTP " + response.status; });
  }

  function options(path, body) {
    return post(path, body).then(function (r) {
      if (!r.ok) return errorOf(r).then(function (m) { throw new Error(m); });
      return r.json();
    });
  }

  function login() {
    say("Asking the node for a challenge…");
    options("/ui/login/passkey/options", {}).then(function (o) {
      say("Use your passkey now.");
      return navigator.credentials.get({publicKey: {
        challenge: bytes(o.challenge), rpId: o.rpId, timeout: o.timeout, userVerification: o.userVerification
      }}).then(function (c) {
        say("Checking…");
        return post("/ui/login/passkey", {
          challenge: o.challenge, id: b64url(c.rawId),
          authenticatorData: b64url(c.response.authenticatorData),
          clientDataJSON: b64url(c.response.clientDataJSON),
          signature: b64url(c.response.signature),
          userHandle: c.response.userHandle ? b64url(c.response.userHandle) : null
        });
      });
    }).then(function (r) {
      if (r.ok) { window.location.assign("/ui"); return; }
      return errorOf(r).then(function (m) { say("Not logged in: " + m); });
    }).catch(function (e) { say("Not logged in: " + e.message); });
  }

  function register(form) {
    var csrf = form.getAttribute("data-csrf");
    var name = form.querySelector("input[name=name]").value;
    say("Asking the node for a challenge…");
    options("/ui/passkeys/options", {csrf: csrf, name: name}).then(function (o) {
      say("Use your authenticator now.");
      return navigator.credentials.create({publicKey: {
        challenge: bytes(o.challenge), rp: o.rp, timeout: o.timeout, attestation: o.attestation,
        user: {id: bytes(o.user.id), name: o.user.name, displayName: o.user.displayName},
        pubKeyCredParams: o.pubKeyCredParams, authenticatorSelection: o.authenticatorSelection,
        excludeCredentials: o.excludeCredentials.map(function (x) { return {type: x.type, id: bytes(x.id)}; })
      }}).then(function (c) {
        say("Checking…");
        return post("/ui/passkeys", {
          csrf: csrf, challenge: o.challenge,
          attestationObject: b64url(c.response.attestationObject),
          clientDataJSON: b64url(c.response.clientDataJSON),
          transports: c.response.getTransports ? c.response.getTransports() : []
        });
      });
    }).then(function (r) {
      if (r.ok) { window.location.assign("/ui/passkeys"); return; }
      return errorOf(r).then(function (m) { say("Not registered: " + m); });
    }).catch(function (e) { say("Not registered: " + e.message); });
  }

  function start() {
    if (!window.PublicKeyCredential) { say("This browser has no passkeys (WebAuthn)."); return; }
    var button = document.getElementById("passkey-login");
    if (button) button.addEventListener("click", login);
    var form = document.getElementById("passkey-register");
    if (form) form.addEventListener("submit", function (e) { e.preventDefault(); register(form); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
