/* Shift overview map: today's observations as points (flagged ones: imprecise location). */
(function () {
  "use strict";
  var el = document.getElementById("shift-map");
  var data = document.getElementById("shift-points");
  if (!el || !data || typeof L === "undefined") { return; }
  var points = JSON.parse(data.textContent);
  var map = L.map(el).setView([51.5145, 7.4640], 14);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
  }
  var layer = L.featureGroup().addTo(map);
  points.forEach(function (p) {
    L.circleMarker([p.lat, p.lon], {
      radius: 7, weight: 2, color: p.flagged ? "#b45309" : "#b91c1c", fillOpacity: 0.5,
      dashArray: p.flagged ? "3 3" : null, className: "observation-point"
    }).bindTooltip(p.label).addTo(layer);
  });
  if (points.length) { map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 16 }); }
  el.dataset.state = "ready";
  el.dataset.points = String(points.length);
})();
