/* Map of a patrol plan: numbered stops per team, from the JSON in #plan-stops. */
(function () {
  "use strict";
  var el = document.getElementById("plan-map");
  var data = document.getElementById("plan-stops");
  if (!el || !data || typeof L === "undefined") { return; }
  var stops = JSON.parse(data.textContent);
  var map = L.map(el).setView([51.5145, 7.464], 15);
  map.attributionControl.setPrefix(false);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
  }
  var colours = ["#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#b45309", "#0e7490"];
  var teams = [];
  var group = L.featureGroup().addTo(map);
  stops.forEach(function (s) {
    if (teams.indexOf(s.patrol) < 0) { teams.push(s.patrol); }
    var colour = colours[teams.indexOf(s.patrol) % colours.length];
    L.circleMarker([s.lat, s.lon], { radius: 9, color: colour, weight: 2, fillOpacity: 0.4 })
      .bindTooltip(s.arrive_at.slice(11, 16) + " " + s.name)
      .addTo(group);
  });
  var seen = {};
  stops.forEach(function (s) {
    if (seen[s.name]) { return; }
    seen[s.name] = true;
    L.marker([s.lat, s.lon], { icon: L.divIcon({ className: "plan-label", html: "", iconSize: [1, 1] }) })
      .bindTooltip(s.name, { permanent: true, direction: "top" }).addTo(group);
  });
  if (stops.length) { map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: 17 }); }
  el.dataset.state = "ready";
  el.dataset.stopCount = String(stops.length);
})();
