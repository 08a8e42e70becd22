/* Phone pages: register the service worker, and keep forms filled in without a network.
   A form marked data-offline that is submitted while the phone is offline is stored in
   IndexedDB (photos included) instead of being lost; when the "online" event fires (or the
   next page opens with a network) each stored form is posted again with the CSRF token of
   the current page, by the same user who filled it in. The user is told in the page's
   language what happened. No framework. */
(function () {
  "use strict";
  var body = document.body;
  var DB_NAME = "tlw-outbox", STORE = "forms";
  var status = document.getElementById("net-status");
  var sending = false;

  function msg(key) { return body.getAttribute("data-msg-" + key) || ""; }

  function show(text) {
    if (!status) { return; }
    status.textContent = text;
    status.hidden = !text;
  }

  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "id", autoIncrement: true }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function withStore(mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var req = fn(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(req ? req.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function keep(form) {
    var entries = [];
    new FormData(form).forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken") { return; }
      if (value instanceof File && !value.size) { return; }
      entries.push([name, value]);
    });
    return withStore("readwrite", function (store) {
      return store.add({ user: currentUser(), action: form.action || location.href, entries: entries, title: form.getAttribute("data-offline") || document.title, at: Date.now() });
    });
  }

  function currentUser() { return body.getAttribute("data-user") || ""; }

  function csrfToken() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }

  var lastResult = "";

  function refresh() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (items) {
      var n = items.filter(function (item) { return item.user === currentUser(); }).length;
      var pending = n ? msg("pending") + " " + n : "";
      show([lastResult, pending].filter(Boolean).join(" · "));
    });
  }

  function report(text) {
    lastResult = text;
    show(text);
  }

  function send(item) {
    var data = new FormData();
    item.entries.forEach(function (e) { data.append(e[0], e[1]); });
    data.append("csrfmiddlewaretoken", csrfToken());
    return fetch(item.action, { method: "POST", body: data, credentials: "same-origin" }).then(function (response) {
      var remove = function () { return withStore("readwrite", function (store) { return store.delete(item.id); }); };
      // Logged out, or the session (and with it the CSRF check) expired: keep it for later.
      if (response.status === 403 || (response.redirected && /\/accounts\/login\//.test(response.url))) { report(msg("login")); return; }
      if (response.ok && response.redirected) { report(msg("sent") + " " + item.title); return remove(); }
      if (response.status >= 500) { return; }  // the server failed: try again later
      report(msg("failed") + " " + item.title);  // refused (errors in the form, no longer allowed)
      return remove();
    }, function () { /* still no network: keep it */ });
  }

  function flush() {
    if (sending || !navigator.onLine || !window.indexedDB) { return; }
    sending = true;
    withStore("readonly", function (store) { return store.getAll(); }).then(function (items) {
      // Only the user who filled a form in sends it (a shared phone keeps the others').
      items = items.filter(function (item) { return item.user === currentUser(); });
      return items.reduce(function (p, item) { return p.then(function () { return send(item); }); }, Promise.resolve());
    }).catch(function () {}).then(function () { sending = false; refresh(); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-clear-cache") && window.caches) {
      caches.keys().then(function (keys) { keys.forEach(function (k) { caches.delete(k); }); });
      return;
    }
    if (!form.hasAttribute("data-offline") || navigator.onLine || !window.indexedDB) { return; }
    event.preventDefault();
    keep(form).then(function () {
      form.reset();
      report(msg("queued"));
      window.scrollTo(0, 0);
    });
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () { refresh(); });
  if (window.indexedDB) { refresh().then(flush); }
  if ("serviceWorker" in navigator && body.getAttribute("data-sw")) {
    navigator.serviceWorker.register(body.getAttribute("data-sw")).catch(function () {});
  }
}());
