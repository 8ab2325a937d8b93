// Public statistics: charts (Chart.js) drawn from the open-data API; the tables under them
// are the page's own and work without this script.
(function () {
  "use strict";

  var labels = {};

  function show(section, config) {
    var box = section.querySelector(".chart-box");
    if (!box || typeof Chart === "undefined") return;
    box.hidden = false;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false },
      config.options);
    section.chart = new Chart(box.querySelector("canvas"), config);
  }

  var render = {
    "public-opd": function (section, data) {
      var rows = data.results.filter(function (r) {
        return r.response_pct !== null || r.resolution_pct !== null;
      });
      // One bar pair per OPD: the chart grows with the number of OPDs.
      section.querySelector(".chart-box").style.height = (90 + 34 * rows.length) + "px";
      show(section, {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return r.abbreviation; }),
          datasets: [
            { label: labels.response_pct, data: rows.map(function (r) { return r.response_pct; }), backgroundColor: "#1f6fb2" },
            { label: labels.resolution_pct, data: rows.map(function (r) { return r.resolution_pct; }), backgroundColor: "#0b5d4b" }
          ]
        },
        options: { indexAxis: "y", plugins: { legend: { position: "bottom" } }, scales: { x: { min: 0, max: 100 } } }
      });
    },
    "public-sectors": function (section, data) {
      var rows = data.results.filter(function (r) { return r.resolution_median_days !== null; });
      show(section, {
        type: "bar",
        data: {
          labels: rows.map(function (r) { return r.name; }),
          datasets: [
            { label: labels.median, data: rows.map(function (r) { return r.resolution_median_days; }), backgroundColor: "#0b5d4b" },
            { label: labels.p90, data: rows.map(function (r) { return r.resolution_p90_days; }), backgroundColor: "#e08a00" }
          ]
        },
        options: { plugins: { legend: { position: "bottom" } }, scales: { y: { beginAtZero: true } } }
      });
    }
  };

  document.addEventListener("DOMContentLoaded", function () {
    var words = document.getElementById("stats-labels");
    if (words) labels = JSON.parse(words.textContent);
    document.querySelectorAll("section[data-chart]").forEach(function (section) {
      var draw = render[section.dataset.chart];
      if (!draw) return;
      fetch(section.dataset.source, { headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          draw(section, data);
          section.dataset.loaded = "true";
        })
        .catch(function () {
          section.dataset.loaded = "failed";
          section.insertBefore(Object.assign(document.createElement("p"), {
            className: "meta", textContent: labels.failed
          }), section.querySelector(".table-wrap"));
        });
    });
  });
})();
