// The unread-notification count in the navigation bar, fetched after the page loads so
// that rendering a page costs no query for it.
(function () {
  var link = document.getElementById("nav-notifications");
  var badge = document.getElementById("nav-notification-count");
  if (!link || !badge || !window.fetch) return;
  fetch(link.dataset.countUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      if (data && data.unread > 0) {
        badge.textContent = data.unread > 99 ? "99+" : String(data.unread);
        badge.classList.remove("d-none");
      }
    })
    .catch(function () {});
})();
