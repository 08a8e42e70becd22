// The offline page's back button (no inline handler: the Content-Security-Policy forbids it).
(function () {
  var buttons = document.querySelectorAll("[data-action=back]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].addEventListener("click", function () { history.back(); });
  }
})();
