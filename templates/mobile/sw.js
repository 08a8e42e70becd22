{% load static %}/* Service worker of the building leaders' phone pages (scope /m/).
   - static files (CSS, JS, icons) come from the cache first;
   - pages are loaded from the network and kept, so a page already opened can be shown
     again without signal; a page never opened shows the offline page;
   - forms are not sent from here: js/mobile.js keeps a form filled in without signal and
     sends it when the network returns. */
var CACHE = "tlw-mobile-v2";
var OFFLINE = "{% url 'mobile:offline' %}";
var STATIC = "{% get_static_prefix %}";
var SHELL = [OFFLINE, "{% static 'css/mobile.css' %}", "{% static 'js/mobile.js' %}", "{% static 'js/offline.js' %}", "{% static 'mobile/icon-192.png' %}"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(STATIC) === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) { var copy = response.clone(); caches.open(CACHE).then(function (c) { c.put(request, copy); }); }
        return response;
      });
    }));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) { var copy = response.clone(); caches.open(CACHE).then(function (c) { c.put(request, copy); }); }
      return response;
    }).catch(function () {
      return caches.match(request).then(function (hit) { return hit || caches.match(OFFLINE); });
    }));
  }
});
