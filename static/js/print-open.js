// Results and report (issue 23): explanations, tables and Fördjupning print open. CSS opens
// them in browsers with ::details-content; this opens them everywhere else and closes again
// what the reader had closed once printing is done.
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
}());
