// Leadership dashboard: charts (Chart.js) and the desa map (Leaflet) from the dashboard's JSON
// endpoints, each with a table of the same figures under it. No inline script: the words come
// from the page's json_script block, the URLs from data- attributes.
(function () {
  "use strict";

  var PALETTE = ["#0b5d4b", "#c8102e", "#1f6fb2", "#e08a00", "#6a3d9a", "#2e8b57", "#b15928",
    "#d6337a", "#4a5565", "#00838f"];
  var labels = {};

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function number(n) {
    return typeof n === "number" ? n.toLocaleString(document.documentElement.lang || "id") : n;
  }

  // A cell is a value, or {text, href, header}.
  function cell(value, tag) {
    var spec = value !== null && typeof value === "object" ? value : { text: value };
    var node = el(spec.header ? "th" : (tag || "td"), spec.header ? { scope: "row" } : {});
    var text = spec.text === null || spec.text === undefined ? "–" : String(number(spec.text));
    if (spec.href) node.appendChild(el("a", { href: spec.href, text: text }));
    else node.textContent = text;
    if (typeof spec.text === "number") node.className = "num";
    return node;
  }

  function table(caption, headers, rows, footer) {
    var head = el("tr", {}, headers.map(function (h) { return el("th", { scope: "col", text: h }); }));
    var body = el("tbody", {}, rows.map(function (row) {
      return el("tr", {}, row.map(function (v) { return cell(v); }));
    }));
    var parts = [el("caption", { text: caption }), el("thead", {}, [head]), body];
    if (footer) parts.push(el("tfoot", {}, [el("tr", {}, footer.map(function (v) { return cell(v); }))]));
    return el("div", { class: "table-wrap" }, [el("table", { class: "queue" }, parts)]);
  }

  function queueLink(base, params, start, end) {
    if (!params) return null;
    var query = new URLSearchParams(params);
    query.set("created_after", start);
    query.set("created_before", end);
    return base + "?" + query.toString();
  }

  function showChart(section, config) {
    var box = section.querySelector(".chart-box");
    if (!box || typeof Chart === "undefined") return;
    box.hidden = false;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false },
      config.options || {});
    section.chart = new Chart(box.querySelector("canvas"), config);
  }

  var render = {
    trend: function (section, data) {
      var base = section.dataset.queue;
      var weeks = data.weeks;
      var headers = [labels.week].concat(data.datasets.map(function (d) { return d.label; }), [labels.total]);
      var rows = weeks.map(function (w, i) {
        var total = 0;
        var cells = data.datasets.map(function (d) {
          total += d.data[i];
          return { text: d.data[i], href: d.data[i] ? queueLink(base, d.filter, w.start, w.end) : null };
        });
        return [{ text: w.label, header: true }].concat(cells, [total]);
      });
      section.querySelector("[data-table]").appendChild(table(labels.trend_caption, headers, rows));
      showChart(section, {
        type: "line",
        data: {
          labels: weeks.map(function (w) { return w.label; }),
          datasets: data.datasets.map(function (d, i) {
            var color = PALETTE[i % PALETTE.length];
            return { label: d.label, data: d.data, borderColor: color, backgroundColor: color, tension: 0.2, pointRadius: 2 };
          })
        },
        options: { plugins: { legend: { position: "bottom" } }, scales: { y: { beginAtZero: true } } }
      });
    },

    areas: function (section, data) {
      var target = section.querySelector("[data-table]");
      target.appendChild(table(labels.kecamatan_caption,
        [labels.kecamatan, labels.filed, labels.open, labels.overdue],
        data.kecamatan.map(function (k) {
          return [{ text: k.name, href: k.url, header: true }, k.n, k.open, k.overdue];
        })));
      target.appendChild(table(labels.desa_caption,
        [labels.desa, labels.kecamatan, labels.filed, labels.open, labels.overdue],
        data.desa.map(function (d) {
          return [{ text: d.name, href: d.url, header: true }, d.kecamatan, d.n, d.open, d.overdue];
        })));
      if (data.unplaced) {
        target.appendChild(el("p", { class: "meta", text: labels.unplaced + ": " + number(data.unplaced) }));
      }
      var div = section.querySelector(".dashboard-map");
      if (!div || typeof L === "undefined") return;
      div.hidden = false;
      var map = L.map(div).setView([-8.58, 115.18], 11);
      L.tileLayer(section.dataset.tiles, { maxZoom: 18, attribution: section.dataset.attribution }).addTo(map);
      var most = data.desa.reduce(function (m, d) { return Math.max(m, d.n); }, 0) || 1;
      var layer = L.featureGroup().addTo(map);
      data.desa.forEach(function (d) {
        if (!d.n) return;
        var popup = el("div", {}, [
          el("a", { href: d.url, text: d.name + " (" + d.kecamatan + ")" }),
          el("p", { text: labels.filed + ": " + number(d.n) + " · " + labels.open + ": " +
            number(d.open) + " · " + labels.overdue + ": " + number(d.overdue) })
        ]);
        L.circleMarker([d.lat, d.lon], {
          radius: 4 + 26 * Math.sqrt(d.n / most),
          color: d.overdue ? "#c8102e" : "#0b5d4b",
          weight: 1,
          fillOpacity: 0.45
        }).bindPopup(popup).bindTooltip(d.name + ": " + number(d.n)).addTo(layer);
      });
      if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [20, 20] });
      div.dataset.circles = String(layer.getLayers().length);
    },

    categories: function (section, data) {
      var rows = data.rows.map(function (r) {
        return [{ text: r.label, href: r.url, header: true }, r.sector, r.n];
      });
      if (data.others) rows.push([{ text: labels.others, header: true }, "", data.others]);
      section.querySelector("[data-table]").appendChild(
        table(labels.categories_caption, [labels.category, labels.sector, labels.complaints], rows));
      showChart(section, {
        type: "bar",
        data: {
          labels: data.rows.map(function (r) { return r.label; }),
          datasets: [{ label: labels.complaints, data: data.rows.map(function (r) { return r.n; }), backgroundColor: PALETTE[0] }]
        },
        options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } }
      });
    },

    channels: function (section, data) {
      var rows = data.rows.map(function (r) {
        var share = data.total ? Math.round(1000 * r.n / data.total) / 10 : null;
        return [{ text: r.label, href: r.n ? r.url : null, header: true }, r.n, share];
      });
      section.querySelector("[data-table]").appendChild(
        table(labels.channels_caption, [labels.channel, labels.complaints, labels.share], rows,
          [{ text: labels.total, header: true }, data.total, data.total ? 100 : null]));
      showChart(section, {
        type: "doughnut",
        data: {
          labels: data.rows.map(function (r) { return r.label; }),
          datasets: [{ data: data.rows.map(function (r) { return r.n; }), backgroundColor: PALETTE }]
        },
        options: { plugins: { legend: { position: "right" } } }
      });
    }
  };

  function load(section) {
    var status = section.querySelector("[data-status]");
    fetch(section.dataset.source, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        render[section.dataset.chart](section, data);
        if (status) status.remove();
        section.dataset.loaded = "true";
      })
      .catch(function () {
        if (status) status.textContent = labels.failed;
        section.dataset.loaded = "failed";
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var words = document.getElementById("dashboard-labels");
    if (words) labels = JSON.parse(words.textContent);
    document.querySelectorAll("section[data-chart]").forEach(function (section) {
      if (render[section.dataset.chart]) load(section);
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  });
})();
