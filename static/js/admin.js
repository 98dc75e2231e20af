/* Small repairs to Django admin's pages, loaded on every page of our models (ScopedModelAdmin).
   Tabular inlines on a phone: each row becomes a card of labelled fields (admin.css) instead
   of a table wider than the screen. The labels are the table's column headings, put on each
   cell here; without this script the table keeps admin's sideways scroll. */
(function () {
  "use strict";

  function label(table) {
    var head = table.tHead && table.tHead.rows[0];
    if (!head) {
      return;
    }
    var names = Array.prototype.map.call(head.cells, function (cell) {
      return cell.textContent.trim();
    });
    // The heading over the rows' titles is empty in admin's table: name it for screen readers.
    var first = head.cells[0];
    if (first && first.classList.contains("original") && !names[0]) {
      var name = document.createElement("span");
      name.className = "visually-hidden";
      name.textContent = "Row";
      first.appendChild(name);
    }
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, index) {
          // The first column holds the row's title, not a field; "Add another" has no fields.
          if (row.classList.contains("form-row") && names[index] && index > 0) {
            cell.setAttribute("data-label", names[index]);
          }
        });
      });
    });
    table.classList.add("cards-on-phones");
  }

  function labelAll() {
    document.querySelectorAll(".inline-group .tabular table").forEach(label);
  }

  document.addEventListener("DOMContentLoaded", labelAll);
  // The two-list picker (a membership's roles) draws a search icon with an aria-label but no
  // role, which screen readers may ignore: it is an image.
  window.addEventListener("load", function () {
    window.setTimeout(function () {
      document.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(
        function (icon) {
          icon.setAttribute("role", "img");
        },
      );
    }, 0);
  });
  // Rows added with "Add another …" are copies of the empty row, made after the page loaded.
  document.addEventListener("formset:added", labelAll);
})();
