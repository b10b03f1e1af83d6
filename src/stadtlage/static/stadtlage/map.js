/* Map of areas. Our own layers come from our server; the base map tiles are optional:
   without network (or with an empty tile URL) the areas still render. */
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var DORTMUND_CENTER = [51.5145, 7.4640];
  var map = L.map(el, { zoomControl: true }).setView(DORTMUND_CENTER, 14);
  map.attributionControl.setPrefix(false);
  var tileUrl = el.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
  }
  var colours = { city_core: "#1d4ed8", district: "#6b7280", focus: "#b91c1c" };
  var excluded = el.dataset.excludeArea;
  var legend = document.getElementById("area-legend");
  var areasLayer = L.geoJSON(null, {
    style: function (feature) {
      var kind = feature.properties.kind;
      return {
        color: colours[kind] || "#374151",
        weight: kind === "focus" ? 2 : 1.5,
        fillOpacity: kind === "focus" ? 0.25 : 0.06,
        dashArray: kind === "district" ? "6 4" : null,
        className: "area area-" + kind
      };
    },
    onEachFeature: function (feature, layer) {
      layer.bindTooltip(feature.properties.name + " (" + feature.properties.kind_label + ")");
      if (legend) {
        var li = document.createElement("li");
        li.textContent = feature.properties.name + " – " + feature.properties.kind_label;
        li.dataset.areaSlug = feature.properties.slug;
        legend.appendChild(li);
      }
    },
    filter: function (feature) { return String(feature.id) !== excluded; }
  }).addTo(map);
  el.dataset.state = "loading";
  fetch(el.dataset.areasUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      areasLayer.addData(data);
      if (!el.dataset.draw && areasLayer.getLayers().length) {
        map.fitBounds(areasLayer.getBounds(), { padding: [10, 10] });
      }
      el.dataset.state = "ready";
      el.dataset.areaCount = String(areasLayer.getLayers().length);
    })
    .catch(function () { el.dataset.state = "error"; });

  if (el.dataset.draw && map.pm) {
    var input = document.querySelector("[data-geometry-input]");
    map.pm.setLang(document.documentElement.lang === "de" ? "de" : "en");
    map.pm.addControls({ position: "topleft", drawMarker: false, drawCircleMarker: false,
      drawPolyline: false, drawCircle: false, drawText: false, cutPolygon: false, rotateMode: false });
    var current = null;
    var writeBack = function () {
      if (current && input) { input.value = JSON.stringify(current.toGeoJSON().geometry); }
    };
    var adopt = function (layer) {
      if (current && current !== layer) { map.removeLayer(current); }
      current = layer;
      layer.on("pm:edit", writeBack);
      writeBack();
    };
    if (input && input.value) {
      try {
        var existing = L.geoJSON(JSON.parse(input.value)).getLayers()[0];
        if (existing) { existing.addTo(map); adopt(existing); map.fitBounds(existing.getBounds()); }
      } catch (e) { /* invalid text: the server names the error on submit */ }
    }
    map.on("pm:create", function (e) { adopt(e.layer); });
  }
})();
