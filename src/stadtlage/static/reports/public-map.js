/* The public map of citizen reports: loads the reports of the visible section (bbox, cached on
   the server under the data version), clusters them (Leaflet.markercluster), draws open reports
   above closed ones and announces what it shows in a live region. Base tiles are optional. */
(function () {
  "use strict";
  var el = document.getElementById("public-map");
  if (!el || typeof L === "undefined" || !L.markerClusterGroup) { return; }
  var status = document.getElementById("map-status");
  var detail = el.dataset.detailUrl || "";
  var base = el.dataset.geojsonUrl;
  var text = {
    count: el.dataset.textCount || "{n}",
    truncated: el.dataset.textTruncated || "{n}",
    error: el.dataset.textError || "",
    generalised: el.dataset.textGeneralised || ""
  };

  var map = L.map(el, { zoomControl: true, maxZoom: 19 }).setView([51.5145, 7.4640], 14);
  map.attributionControl.setPrefix(false);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
  }

  function escape(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  var clusters = L.markerClusterGroup({
    maxClusterRadius: 45,
    showCoverageOnHover: false,
    chunkedLoading: true,
    iconCreateFunction: function (cluster) {
      var children = cluster.getAllChildMarkers();
      var open = 0;
      for (var i = 0; i < children.length; i++) { if (children[i].options.isOpen) { open++; } }
      var n = cluster.getChildCount();
      var size = n < 10 ? "small" : (n < 100 ? "medium" : "large");
      return L.divIcon({
        html: "<div><span>" + n + "</span></div>",
        className: "marker-cluster marker-cluster-" + size + (open ? " has-open" : ""),
        iconSize: L.point(40, 40)
      });
    }
  });
  map.addLayer(clusters);

  function marker(feature) {
    var p = feature.properties;
    var c = feature.geometry.coordinates;
    var label = "#" + feature.id + " " + (p.kategorie || "") + " (" + (p.status_bezeichnung || "") + ")";
    var m = L.marker([c[1], c[0]], {
      icon: L.divIcon({
        className: "report-marker " + (p.offen ? "is-open" : "is-closed") + (p.verallgemeinert ? " is-generalised" : ""),
        iconSize: [16, 16]
      }),
      title: label,
      zIndexOffset: p.offen ? 1000 : 0,
      isOpen: p.offen
    });
    var url = detail.replace(/0\/?$/, feature.id + "/");
    m.bindPopup('<a href="' + url + '">' + escape("#" + feature.id) + "</a> · " + escape(p.kategorie) +
      "<br>" + escape(p.status_bezeichnung) + (p.verallgemeinert ? "<br><small>" + escape(text.generalised) + "</small>" : ""));
    return m;
  }

  var lastUrl = null;
  function say(message) { if (status) { status.textContent = message; } }

  function load() {
    var b = map.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(3); }).join(",");
    var url = base + (base.indexOf("?") < 0 ? "?" : "&") + "bbox=" + bbox;
    if (url === lastUrl) { return; }
    lastUrl = url;
    el.dataset.state = "loading";
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (data) {
        if (url !== lastUrl) { return; }
        clusters.clearLayers();
        clusters.addLayers(data.features.map(marker));
        var n = data.features.length;
        el.dataset.count = String(n);
        say((data.truncated ? text.truncated : text.count).replace("{n}", String(n)));
        el.dataset.state = "ready";
      })
      .catch(function () { el.dataset.state = "error"; say(text.error); lastUrl = null; });
  }

  var timer = null;
  map.on("moveend", function () { clearTimeout(timer); timer = setTimeout(load, 250); });
  load();
})();
