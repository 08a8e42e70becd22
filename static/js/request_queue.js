/* The request queue: a box that selects every submitted request of the page, and the
   assignment panel shown only while at least one request is selected (without scripts
   the panel stays visible, so the page still works). */
(function () {
  "use strict";
  var panel = document.querySelector("[data-bulk-panel]");
  var all = document.getElementById("select-all");
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".js-request-select"));
  if (!panel) { return; }
  var counter = panel.querySelector("[data-bulk-count]");

  function update() {
    var n = boxes.filter(function (b) { return b.checked; }).length;
    panel.hidden = n === 0;
    if (counter) { counter.textContent = counter.getAttribute("data-template").replace("{n}", n); }
    if (all) {
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
      all.disabled = boxes.length === 0;
    }
  }

  if (all) {
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      update();
    });
  }
  boxes.forEach(function (b) { b.addEventListener("change", update); });
  update();
})();
