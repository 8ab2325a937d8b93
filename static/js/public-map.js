// Public complaints as clustered markers; the per-desa table below works without it.
(function () {
  "use strict";
  window.addEventListener("load", function () {
    var div = document.getElementById("public-map");
    if (!div || typeof L === "undefined") return;
    div.hidden = false;
    var map = L.map(div).setView([-8.58, 115.18], 11);
    L.tileLayer(div.dataset.tiles, { maxZoom: 19, attribution: div.dataset.attribution }).addTo(map);
    var cluster = L.markerClusterGroup ? L.markerClusterGroup() : L.layerGroup();
    map.addLayer(cluster);
    fetch(div.dataset.source, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        (data.features || []).forEach(function (f) {
          var p = f.properties, c = f.geometry.coordinates;
          var popup = document.createElement("div");
          var link = document.createElement("a");
          link.href = p.url;
          link.textContent = p.title;
          var meta = document.createElement("p");
          meta.textContent = p.code + " · " + p.status_label + " · " + p.category + " · " + p.desa;
          popup.appendChild(link);
          popup.appendChild(meta);
          L.marker([c[1], c[0]], { title: p.title }).bindPopup(popup).addTo(cluster);
        });
        div.dataset.loaded = String((data.features || []).length);
        if (data.features && data.features.length && cluster.getBounds) {
          map.fitBounds(cluster.getBounds(), { padding: [30, 30], maxZoom: 15 });
        }
      });
  });
})();
