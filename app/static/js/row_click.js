// A click anywhere on a row of a request list opens that request, as its magnifier does.
// Links, buttons and form fields in the row keep their own click.
(function () {
  "use strict";
  var open = window.srOpenRow || function (href) { window.location.href = href; };
  document.addEventListener("click", function (event) {
    var row = event.target.closest("table tbody tr");
    if (!row || event.target.closest("a, button, input, label, select, textarea")) {
      return;
    }
    var link = row.querySelector('a[href*="/show/"]');
    if (link) {
      open(link.getAttribute("href"));
    }
  });
  document.querySelectorAll("table tbody tr").forEach(function (row) {
    if (row.querySelector('a[href*="/show/"]')) {
      row.style.cursor = "pointer";
    }
  });
})();
