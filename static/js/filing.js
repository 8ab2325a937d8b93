// The filing form's helpers. The form works without any of this: the server checks that desa
// and kecamatan agree, finds the nearest desa for a point, and refuses points outside Badung.
(function () {
  "use strict";
  var form = document.querySelector("form[enctype='multipart/form-data']");
  var kecamatan = document.getElementById("id_kecamatan");
  var desa = document.getElementById("id_desa");
  var lat = document.getElementById("id_latitude");
  var lon = document.getElementById("id_longitude");
  var texts = JSON.parse((document.getElementById("similar-texts") || {}).textContent || "{}");
  var points = JSON.parse((document.getElementById("desa-points") || {}).textContent || "[]");
  var BOUNDS = { latMin: -8.86, latMax: -8.23, lonMin: 115.07, lonMax: 115.27 };

  // Kecamatan -> desa -------------------------------------------------------------------------
  function narrow() {
    if (!kecamatan || !desa) return;
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
  function chooseDesa(code, kecamatanCode) {
    if (kecamatan) { kecamatan.value = kecamatanCode; narrow(); }
    if (desa) desa.value = code;
  }
  if (kecamatan && desa) {
    kecamatan.addEventListener("change", narrow);
    desa.addEventListener("change", function () {
      var chosen = desa.options[desa.selectedIndex];
      if (chosen && chosen.dataset.kecamatan && !kecamatan.value) {
        kecamatan.value = chosen.dataset.kecamatan;
        narrow();
      }
      findSimilar();
    });
    narrow();
  }

  // Map pin -----------------------------------------------------------------------------------
  var status = document.getElementById("pin-status");
  function say(text) { if (status) status.textContent = text || ""; }
  function inside(la, lo) {
    return la >= BOUNDS.latMin && la <= BOUNDS.latMax && lo >= BOUNDS.lonMin && lo <= BOUNDS.lonMax;
  }
  function nearest(la, lo) {
    var best = null, bestD = Infinity;
    points.forEach(function (p) {
      var dx = (p.lon - lo) * Math.cos(la * Math.PI / 180), dy = p.lat - la;
      var d = dx * dx + dy * dy;
      if (d < bestD) { bestD = d; best = p; }
    });
    return best;
  }
  var mapField = document.getElementById("map-field");
  var mapDiv = document.getElementById("pick-map");
  var marker = null, map = null;
  function setPin(la, lo, fromUser) {
    if (!inside(la, lo)) { say(texts.outside); return; }
    lat.value = la.toFixed(6);
    lon.value = lo.toFixed(6);
    if (map) {
      if (marker) marker.setLatLng([la, lo]); else marker = L.marker([la, lo]).addTo(map);
      if (fromUser) map.setView([la, lo], Math.max(map.getZoom(), 15));
    }
    document.getElementById("clear-pin").hidden = false;
    var message = texts.located;
    if (desa && !desa.value) {
      var p = nearest(la, lo);
      if (p) {
        chooseDesa(p.code, p.kecamatan);
        message = texts.nearest.replace("%(name)s", p.name);
      }
    }
    say(message);
    findSimilar();
  }
  function startMap() {
    if (!mapField || !mapDiv || typeof L === "undefined" || !lat || !lon) return;
    mapField.hidden = false;
    map = L.map(mapDiv, { scrollWheelZoom: false }).setView([-8.58, 115.18], 11);
    L.tileLayer(mapDiv.dataset.tiles, { maxZoom: 19, attribution: mapDiv.dataset.attribution }).addTo(map);
    map.on("click", function (e) { setPin(e.latlng.lat, e.latlng.lng, false); });
    if (lat.value && lon.value) setPin(parseFloat(lat.value), parseFloat(lon.value), true);
    document.getElementById("use-location").addEventListener("click", function () {
      if (!navigator.geolocation) { say(texts.denied); return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        setPin(pos.coords.latitude, pos.coords.longitude, true);
      }, function () { say(texts.denied); }, { enableHighAccuracy: true, timeout: 10000 });
    });
    document.getElementById("clear-pin").addEventListener("click", function () {
      lat.value = ""; lon.value = "";
      if (marker) { map.removeLayer(marker); marker = null; }
      this.hidden = true;
      say("");
    });
  }
  window.addEventListener("load", startMap);

  // Similar complaints nearby -----------------------------------------------------------------
  var similar = document.getElementById("similar");
  var list = document.getElementById("similar-list");
  var timer = null;
  function field(id) { var el = document.getElementById(id); return el ? el.value : ""; }
  function findSimilar() {
    if (!similar) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      var text = (field("id_title") + " " + field("id_description")).trim();
      var hasPlace = field("id_desa") || (field("id_latitude") && field("id_longitude"));
      if (text.length < 5 || !hasPlace) { similar.hidden = true; return; }
      var params = new URLSearchParams({ text: text });
      ["category", "desa", "latitude", "longitude"].forEach(function (name) {
        var value = field("id_" + name);
        if (value) params.set(name, value);
      });
      fetch("/api/v1/complaints/similar/?" + params.toString(), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(show)
        .catch(function () { similar.hidden = true; });
    }, 400);
  }
  function show(rows) {
    list.textContent = "";
    if (!rows.length) { similar.hidden = true; return; }
    var csrf = form ? form.querySelector("[name=csrfmiddlewaretoken]").value : "";
    rows.forEach(function (row) {
      var li = document.createElement("li");
      li.className = "card similar-item";
      var title = document.createElement("a");
      title.href = "/complaints/" + row.tracking_code + "/";
      title.textContent = row.title;
      title.target = "_blank";
      var meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = row.tracking_code + " · " + (row.desa_name || "") + " · " + row.status_label +
        " · " + row.supporters + " " + texts.supporters;
      var support = document.createElement("form");
      support.method = "post";
      support.action = "/complaints/" + row.tracking_code + "/support/";
      support.innerHTML = '<input type="hidden" name="csrfmiddlewaretoken">' +
        '<button type="submit" class="button primary"></button>';
      support.querySelector("input").value = csrf;
      support.querySelector("button").textContent = texts.support;
      li.appendChild(title);
      li.appendChild(meta);
      li.appendChild(support);
      list.appendChild(li);
    });
    similar.hidden = false;
  }
  ["id_title", "id_description", "id_category"].forEach(function (id) {
    var el = document.getElementById(id);
    if (el) el.addEventListener(el.tagName === "SELECT" ? "change" : "input", findSimilar);
  });

  // Category suggested from the text ----------------------------------------------------------
  // Without JavaScript the category may stay empty: the server then suggests one itself.
  var suggestBox = document.getElementById("category-suggestions");
  var category = document.getElementById("id_category");
  var suggestTimer = null, asked = "", latest = 0;
  function suggestCategory() {
    if (!suggestBox || !category) return;
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(function () {
      var text = (field("id_title") + " " + field("id_description")).trim();
      if (text.length < 12) { suggestBox.hidden = true; asked = ""; return; }
      if (text === asked) return;
      asked = text;
      var mine = ++latest;
      var csrf = form ? form.querySelector("[name=csrfmiddlewaretoken]").value : "";
      fetch(suggestBox.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify({ text: text })
      })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (data) { if (mine === latest) showSuggestions(data.suggestions || []); })
        .catch(function () { suggestBox.hidden = true; });
    }, 600);
  }
  function markChosen() {
    Array.prototype.forEach.call(suggestBox.querySelectorAll("button"), function (b) {
      b.setAttribute("aria-pressed", b.dataset.code === category.value ? "true" : "false");
      b.classList.toggle("primary", b.dataset.code === category.value);
    });
  }
  function showSuggestions(rows) {
    var buttons = suggestBox.querySelector(".suggestion-buttons");
    var status = document.getElementById("category-suggestions-status");
    buttons.textContent = "";
    status.textContent = "";
    // The likeliest always; others only when they are a real alternative (5 % or more).
    rows = rows.filter(function (row, i) { return i === 0 || row.confidence >= 0.05; });
    if (!rows.length) { suggestBox.hidden = true; return; }
    rows.forEach(function (row) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button";
      b.dataset.code = row.category;
      b.textContent = row.name + " (" + Math.round(row.confidence * 100) + " %)";
      b.title = row.sector_name + (row.opd_name ? " → " + row.opd_name : "");
      b.addEventListener("click", function () {
        category.value = row.category;
        category.dispatchEvent(new Event("change"));
        status.textContent = suggestBox.dataset.chosen.replace("%(name)s", row.name);
      });
      buttons.appendChild(b);
    });
    markChosen();
    suggestBox.hidden = false;
  }
  if (suggestBox && category) {
    ["id_title", "id_description"].forEach(function (id) {
      var el = document.getElementById(id);
      if (el) el.addEventListener("input", suggestCategory);
    });
    category.addEventListener("change", markChosen);
    suggestCategory();  // a form shown again after an error already has text
  }
})();
