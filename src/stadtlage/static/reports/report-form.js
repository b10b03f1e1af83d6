/* Report form: pin on the map, GPS, open reports nearby ("already reported?"), photo checks.
   Without JavaScript the coordinates can be typed in; the server checks everything again. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) { return; }
  document.documentElement.classList.add("js");
  var latInput = form.querySelector("[name=lat]");
  var lonInput = form.querySelector("[name=lon]");
  var statusEl = document.getElementById("location-status");
  var suggestions = document.getElementById("suggestions");
  var mapEl = document.getElementById("report-map");
  var gpsButton = document.getElementById("use-location");
  var DORTMUND = { south: 51.41, west: 7.30, north: 51.60, east: 7.64 };
  var map = null;
  var marker = null;

  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }

  function say(text) { if (statusEl && text) { statusEl.textContent = text; } }
  function parse(value) {
    var n = parseFloat(String(value || "").replace(",", "."));
    return isFinite(n) ? n : null;
  }
  function inside(lat, lon) {
    return lat >= DORTMUND.south && lat <= DORTMUND.north && lon >= DORTMUND.west && lon <= DORTMUND.east;
  }

  var timer = null;
  var sequence = 0;
  function loadSuggestions(lat, lon) {
    if (!suggestions) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var mine = ++sequence;
      var url = form.dataset.nearbyUrl + "?kategorie=" + encodeURIComponent(form.dataset.category) +
        "&lat=" + lat.toFixed(6) + "&lon=" + lon.toFixed(6);
      suggestions.dataset.state = "loading";
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (mine !== sequence) { return; }
          suggestions.innerHTML = html;  // rendered (and escaped) by our own server
          suggestions.hidden = !html.trim();
          suggestions.dataset.state = "ready";
        })
        .catch(function () { suggestions.dataset.state = "error"; });
    }, 250);
  }

  function placeMarker(lat, lon) {
    if (!map) { return; }
    if (!marker) {
      marker = L.marker([lat, lon], { draggable: true, keyboard: true, title: statusEl ? statusEl.dataset.msgSet : "" }).addTo(map);
      marker.on("dragend", function () {
        var p = marker.getLatLng();
        setPoint(p.lat, p.lng, false);
      });
    } else {
      marker.setLatLng([lat, lon]);
    }
  }

  function setPoint(lat, lon, recentre) {
    latInput.value = lat.toFixed(6);
    lonInput.value = lon.toFixed(6);
    placeMarker(lat, lon);
    if (recentre && map) { map.setView([lat, lon], Math.max(map.getZoom(), 17)); }
    if (mapEl) { mapEl.dataset.pinned = "1"; }
    say(inside(lat, lon) ? statusEl.dataset.msgSet : statusEl.dataset.msgOutside);
    loadSuggestions(lat, lon);
  }

  if (mapEl && typeof L !== "undefined") {
    var centre = (mapEl.dataset.center || "51.5145,7.4640").split(",").map(Number);
    map = L.map(mapEl, { zoomControl: true }).setView(centre, 16);
    map.attributionControl.setPrefix(false);
    if (mapEl.dataset.tileUrl) {
      L.tileLayer(mapEl.dataset.tileUrl, { maxZoom: 19, attribution: mapEl.dataset.tileAttribution || "" }).addTo(map);
    }
    map.on("click", function (e) { setPoint(e.latlng.lat, e.latlng.lng, false); });
    mapEl.dataset.state = "ready";
  }

  var startLat = parse(latInput.value);
  var startLon = parse(lonInput.value);
  if (startLat !== null && startLon !== null) {
    placeMarker(startLat, startLon);
    if (map) { map.setView([startLat, startLon], 17); }
    loadSuggestions(startLat, startLon);
  }

  function typed() {
    var lat = parse(latInput.value);
    var lon = parse(lonInput.value);
    if (lat !== null && lon !== null) { setPoint(lat, lon, true); }
  }
  latInput.addEventListener("change", typed);
  lonInput.addEventListener("change", typed);

  if (gpsButton) {
    if (!("geolocation" in navigator)) {
      gpsButton.hidden = true;
    } else {
      gpsButton.addEventListener("click", function () {
        say(statusEl.dataset.msgLocating);
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var lat = position.coords.latitude;
            var lon = position.coords.longitude;
            if (!inside(lat, lon)) { say(statusEl.dataset.msgOutside); return; }
            setPoint(lat, lon, true);
          },
          function () { say(statusEl.dataset.msgDenied); },
          { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
        );
      });
    }
  }

  var addressButton = document.getElementById("find-address");
  var addressInput = form.querySelector("[name=address_string]");
  if (addressButton && addressInput) {
    addressButton.addEventListener("click", function () {
      var text = addressInput.value.trim();
      if (!text) { addressInput.focus(); return; }
      fetch(addressButton.dataset.url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (!data.result) { say(data.message || addressButton.dataset.msgFailed); return; }
          setPoint(data.result.lat, data.result.lon, true);
          var template = data.result.approximate ? addressButton.dataset.msgApproximate : addressButton.dataset.msgFound;
          say(template.replace("{label}", data.result.label));
        })
        .catch(function () { say(addressButton.dataset.msgFailed); });
    });
  }

  var photos = form.querySelector("input[type=file][name=photos]");
  var photoStatus = document.getElementById("photo-status");
  if (photos && photoStatus) {
    photos.addEventListener("change", function () {
      var maxCount = Number(photoStatus.dataset.maxCount || 0);
      var maxBytes = Number(photoStatus.dataset.maxBytes || 0);
      var message = "";
      if (maxCount && photos.files.length > maxCount) {
        message = photoStatus.dataset.msgCount;
      } else {
        for (var i = 0; i < photos.files.length; i++) {
          if (maxBytes && photos.files[i].size > maxBytes) {
            message = photoStatus.dataset.msgSize.replace("{name}", photos.files[i].name);
            break;
          }
        }
      }
      photos.setCustomValidity(message);
      photoStatus.textContent = message;
    });
  }
})();
