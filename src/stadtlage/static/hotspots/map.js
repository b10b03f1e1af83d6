/* Hot-spot map: fetches the classified cells (GeoJSON) and colours them by class.
   The element carries its data URL and the tile settings as data- attributes. */
(function () {
  "use strict";
  var COLOURS = { "3": "#b2182b", "2": "#ef8a62", "1": "#fddbc7",
                  "-1": "#d1e5f0", "-2": "#67a9cf", "-3": "#2166ac" };

  function describe(p) {
    var parts = [p.label];
    if (p.place) { parts.push(p.place); }
    parts.push(String(p.count));
    if (p.trend_label) { parts.push(p.trend_label); }
    return parts.join(" · ");
  }

  function render(el) {
    if (typeof L === "undefined") { return; }
    var map = L.map(el).setView([51.5145, 7.464], 14);
    map.attributionControl.setPrefix(false);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
    }
    var layer = L.geoJSON(null, {
      style: function (f) {
        return { color: "#374151", weight: 0.5, fillOpacity: 0.7,
                 fillColor: COLOURS[String(f.properties["class"])] || "#9ca3af",
                 className: "hotspot-cell class-" + f.properties["class"] };
      },
      onEachFeature: function (f, l) { l.bindTooltip(describe(f.properties)); }
    }).addTo(map);
    el.dataset.state = "loading";
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        layer.addData(data);
        if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 16 }); }
        el.dataset.cellCount = String(layer.getLayers().length);
        el.dataset.state = "ready";
      })
      .catch(function () { el.dataset.state = "error"; });
  }

  var maps = document.querySelectorAll("[data-geojson-url]");
  for (var i = 0; i < maps.length; i++) { render(maps[i]); }
})();
