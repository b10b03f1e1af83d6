/* Maps of reports: the public map and the queue map (GeoJSON points) and the small map of one
   report. Base tiles are optional; without them the points still show. */
(function () {
  "use strict";
  if (typeof L === "undefined") { return; }
  var DORTMUND_CENTER = [51.5145, 7.4640];

  function baseMap(el, centre, zoom) {
    var map = L.map(el, { zoomControl: true }).setView(centre, zoom);
    map.attributionControl.setPrefix(false);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
    }
    return map;
  }

  function colour(props) {
    if (props.overdue) { return "#b91c1c"; }
    if (props.offen === false) { return "#166534"; }
    if (props.offen === true) { return "#b91c1c"; }
    return "#1d4ed8";
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function pointsMap(el) {
    var map = baseMap(el, DORTMUND_CENTER, 14);
    var detail = el.dataset.detailUrl || "";
    var layer = L.geoJSON(null, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, { radius: 7, weight: 2, color: "#ffffff", fillOpacity: 0.9, fillColor: colour(feature.properties) });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        var url = detail.replace(/0\/?$/, feature.id + "/");
        var title = p.kategorie || p.category || "";
        var state = p.status_bezeichnung || p.status || "";
        marker.bindPopup('<a href="' + url + '">' + text(feature.id) + "</a> · " + text(title) + "<br>" + text(state));
      }
    }).addTo(map);
    el.dataset.state = "loading";
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        layer.addData(data);
        if (layer.getLayers().length) { map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 17 }); }
        el.dataset.count = String(layer.getLayers().length);
        el.dataset.state = "ready";
      })
      .catch(function () { el.dataset.state = "error"; });
  }

  var points = document.getElementById("reports-map");
  if (points) {
    var details = points.closest("details");
    if (points.dataset.lazy && details) {
      var started = false;
      details.addEventListener("toggle", function () {
        if (details.open && !started) { started = true; pointsMap(points); }
      });
    } else {
      pointsMap(points);
    }
  }

  var single = document.getElementById("detail-map");
  if (single) {
    var lat = Number(single.dataset.lat);
    var lon = Number(single.dataset.lon);
    var map = baseMap(single, [lat, lon], 17);
    if (single.dataset.cell) {
      // A generalised (person-related) report: only its grid cell is public.
      var cell = L.polygon(JSON.parse(single.dataset.cell), { color: "#1d4ed8", weight: 2, fillOpacity: 0.15, interactive: false }).addTo(map);
      map.fitBounds(cell.getBounds(), { padding: [10, 10] });
    } else {
      L.marker([lat, lon], { keyboard: false, interactive: false }).addTo(map);
    }
    single.dataset.state = "ready";
  }
})();
