// On every page: move the focus to the form's error summary, so that it is read out first.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
