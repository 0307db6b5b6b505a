// Sort and filter the report's tables. Allowed by its hash in the page's CSP; without it the
// report reads the same, unsorted and unfiltered (the filter boxes stay hidden).
(function () {
  "use strict";
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function key(cell) {
    var sort = cell ? cell.getAttribute("data-sort") : null;
    return sort !== null ? sort : (cell ? cell.textContent : "");
  }
  each(document.querySelectorAll("table.sortable"), function (table) {
    var body = table.tBodies[0];
    if (!table.tHead || !body) { return; }
    var heads = table.tHead.rows[0].cells;
    each(heads, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var numeric = th.classList.contains("num") || th.classList.contains("time");
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        each(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[column]), y = key(b.cells[column]);
          var order = numeric ? Number(x) - Number(y) : (x < y ? -1 : (x > y ? 1 : 0));
          return ascending ? order : -order;
        });
        each(rows, function (row) { body.appendChild(row); });
      });
    });
  });
  // Folded details print unfolded: a printed report has no way to open them.
  window.addEventListener("beforeprint", function () {
    each(document.querySelectorAll("details"), function (details) { details.open = true; });
  });
  each(document.querySelectorAll("input.filter"), function (input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    if (!table || !table.tBodies[0]) { return; }
    input.hidden = false;
    input.addEventListener("input", function () {
      var query = input.value.toLowerCase();
      each(table.tBodies[0].rows, function (row) {
        row.hidden = query !== "" && row.textContent.toLowerCase().indexOf(query) < 0;
      });
    });
  });
}());
