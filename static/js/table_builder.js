/* The table builder's page (/reports/builder/): add a catalogue field as a column, move a
   column up or down, remove it, search the catalogue, switch the kind of row. Every change
   fires "columns-changed" on the body, on which the preview (htmx) reloads. No inline
   handler (Content-Security-Policy). */
(function () {
  "use strict";
  var form = document.getElementById("builder-form");
  var body = document.querySelector("#columns tbody");
  var rowTemplate = document.getElementById("column-row");
  if (!form || !body || !rowTemplate) { return; }

  function rows() {
    var checked = form.querySelector("input[name=rows]:checked");
    return checked ? checked.value : "person";
  }

  function changed() {
    body.querySelectorAll("tr").forEach(function (tr, i) {
      var cell = tr.querySelector(".builder-number");
      if (cell) { cell.textContent = String(i + 1); }
    });
    document.body.dispatchEvent(new Event("columns-changed", { bubbles: true }));
  }

  function labelOf(item) {
    return item.getAttribute(rows() === "household" ? "data-label-household" : "data-label-person");
  }

  document.querySelectorAll(".builder-add").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();  // without the script the button posts the form to builder_edit
      var item = button.closest(".builder-field");
      var fragment = rowTemplate.content.cloneNode(true);
      var tr = fragment.querySelector("tr");
      tr.querySelector("input[name=col]").value = item.getAttribute("data-key");
      tr.querySelector(".builder-label").textContent = labelOf(item);
      tr.querySelector("input[name=header]").value = labelOf(item);
      body.appendChild(fragment);
      changed();
    });
  });

  body.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    var tr = button.closest("tr");
    if (button.classList.contains("builder-up") || button.classList.contains("builder-down") ||
        button.classList.contains("builder-remove")) {
      event.preventDefault();  // without the script the button posts the form to builder_edit
    }
    if (button.classList.contains("builder-up") && tr.previousElementSibling) {
      body.insertBefore(tr, tr.previousElementSibling);
    } else if (button.classList.contains("builder-down") && tr.nextElementSibling) {
      body.insertBefore(tr.nextElementSibling, tr);
    } else if (button.classList.contains("builder-remove")) {
      tr.remove();
    } else {
      return;
    }
    changed();
  });

  var search = document.getElementById("field-search");
  function filterCatalogue() {
    var words = (search ? search.value : "").trim().toLowerCase();
    var kind = rows();
    document.querySelectorAll(".builder-group").forEach(function (group) {
      var shown = 0;
      group.querySelectorAll(".builder-field").forEach(function (item) {
        var fits = item.getAttribute("data-rows").split(" ").indexOf(kind) >= 0;
        var text = (labelOf(item) + " " + item.getAttribute("data-key")).toLowerCase();
        var visible = fits && (!words || text.indexOf(words) >= 0);
        item.hidden = !visible;
        item.querySelector(".builder-add").textContent = labelOf(item);
        if (visible) { shown += 1; }
      });
      group.hidden = shown === 0;
      if (words && shown) { group.open = true; }
    });
  }
  if (search) { search.addEventListener("input", filterCatalogue); }
  form.querySelectorAll("input[name=rows]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      var bureau = document.querySelector("#bureau-form input[name=rows]");
      if (bureau) { bureau.value = rows(); }
      filterCatalogue();
    });
  });
  filterCatalogue();
  changed();
})();
