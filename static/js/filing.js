// Narrow the desa list to the chosen kecamatan, and choose the kecamatan of a chosen desa.
// The form works without this script: the server checks that desa and kecamatan agree.
(function () {
  "use strict";
  var kecamatan = document.getElementById("id_kecamatan");
  var desa = document.getElementById("id_desa");
  if (!kecamatan || !desa) return;
  function narrow() {
    var code = kecamatan.value;
    Array.prototype.forEach.call(desa.querySelectorAll("optgroup"), function (group) {
      var show = !code || group.dataset.kecamatan === code;
      group.hidden = !show;
      group.disabled = !show;
    });
    var chosen = desa.options[desa.selectedIndex];
    if (chosen && chosen.dataset.kecamatan && code && chosen.dataset.kecamatan !== code) {
      desa.value = "";
    }
  }
  kecamatan.addEventListener("change", narrow);
  desa.addEventListener("change", function () {
    var chosen = desa.options[desa.selectedIndex];
    if (chosen && chosen.dataset.kecamatan && !kecamatan.value) {
      kecamatan.value = chosen.dataset.kecamatan;
      narrow();
    }
  });
  narrow();
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
