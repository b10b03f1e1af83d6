/* Patrol plan in the field app (docs/hotspots.md): the stops of the chosen patrol in their
   order, a small map, and "Angekommen" / "Verlassen" per stop.

   Plans come from the plan API and are kept in IndexedDB (meta "hotspotPlans") so that the
   list works offline. "Angekommen" keeps the arrival time on the phone (meta "planVisits");
   "Verlassen" queues an ordinary presence record (a check-in) whose id is the stop's check-in
   id: it counts as presence in the stop's area and as delivered dosage of the stop, and the
   sync engine sends it like any other record (idempotent by id). Kept apart from app.js on
   purpose: it only reads #patrol-select and uses window.FieldStore / window.fieldSync. */
(function () {
  "use strict";
  var panel = document.getElementById("plan-panel");
  var root = document.getElementById("field-app");
  if (!panel || !root || !window.FieldStore || !window.FieldSync) { return; }
  var PENDING = window.FieldSync.STATUS.PENDING;
  var userId = Number(root.dataset.userId);
  var $ = function (id) { return document.getElementById(id); };
  var store = null;
  var plans = [];
  var visits = {};
  var map = null;
  var layer = null;

  function hhmm(iso) {
    return new Date(iso).toLocaleTimeString("de-DE", { hour: "2-digit", minute: "2-digit" });
  }

  function load() {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 8000);
    return fetch(panel.dataset.api, { credentials: "same-origin", signal: controller.signal,
      headers: { Accept: "application/json" } })
      .then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (!r.ok || type.indexOf("json") === -1) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (data) {
        return store.setMeta("hotspotPlans:" + userId, data).then(function () { return data; });
      })
      .catch(function () { return store.getMeta("hotspotPlans:" + userId); })
      .finally(function () { clearTimeout(timer); });
  }

  function stopsOf(patrol) {
    var out = [];
    plans.forEach(function (plan) {
      plan.stops.forEach(function (s) { if (s.patrol === patrol) { out.push(s); } });
    });
    out.sort(function (a, b) { return a.arrive_at < b.arrive_at ? -1 : 1; });
    return out;
  }

  function saveVisits() { return store.setMeta("planVisits:" + userId, visits); }

  function arrived(stop) {
    visits[stop.id] = { arrived_at: new Date().toISOString() };
    return saveVisits().then(render);
  }

  function left(stop) {
    var visit = visits[stop.id];
    if (!visit || visit.left_at) { return; }
    var now = new Date().toISOString();
    var record = { id: stop.id, kind: "presence", user: userId, status: PENDING, createdAt: now,
      data: { patrol: stop.patrol, area: stop.area, started_at: visit.arrived_at, ended_at: now } };
    return store.addRecord(record, []).then(function () {
      visit.left_at = now;
      return saveVisits();
    }).then(function () {
      if (window.fieldSync) { window.fieldSync.sync(false); }
      render();
    });
  }

  function button(label, handler, disabled) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.disabled = !!disabled;
    b.addEventListener("click", handler);
    return b;
  }

  function renderMap(stops) {
    var el = $("plan-map");
    if (!el || typeof L === "undefined") { return; }
    el.hidden = stops.length === 0;
    if (!stops.length) { return; }
    if (!map) {
      map = L.map(el).setView([stops[0].lat, stops[0].lon], 15);
      if (el.dataset.tileUrl) {
        L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
      }
      layer = L.featureGroup().addTo(map);
    }
    layer.clearLayers();
    stops.forEach(function (s, i) {
      L.circleMarker([s.lat, s.lon], { radius: 10, weight: 2, fillOpacity: visits[s.id] ? 0.15 : 0.5 })
        .bindTooltip((i + 1) + ". " + hhmm(s.arrive_at) + " " + s.name).addTo(layer);
    });
    map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 17 });
  }

  function render() {
    var patrol = $("patrol-select") ? $("patrol-select").value : "";
    var stops = patrol ? stopsOf(patrol) : [];
    var list = $("plan-stops");
    list.textContent = "";
    $("plan-state").textContent = !patrol ? "Bitte zuerst die Streife wählen." :
      stops.length ? stops.length + " Halte in zufälliger Reihenfolge, jeweils etwa 10–16 Minuten." :
      "Für diese Streife gibt es keinen freigegebenen Streifenplan.";
    var next = null;
    stops.forEach(function (s, i) {
      var v = visits[s.id] || {};
      var li = document.createElement("li");
      li.dataset.stop = s.id;
      li.dataset.state = v.left_at ? "done" : v.arrived_at ? "here" : "open";
      var title = document.createElement("strong");
      title.textContent = hhmm(s.arrive_at) + "–" + hhmm(s.leave_at) + " " + s.name;
      li.appendChild(title);
      var info = document.createElement("span");
      info.className = "hint";
      info.textContent = " " + (s.walk_minutes ? s.walk_minutes + " min Fußweg · " : "") +
        (v.left_at ? "erledigt (" + hhmm(v.arrived_at) + "–" + hhmm(v.left_at) + ")" :
         v.arrived_at ? "vor Ort seit " + hhmm(v.arrived_at) : "offen");
      li.appendChild(info);
      var actions = document.createElement("p");
      actions.className = "actions";
      actions.appendChild(button("Angekommen", function () { arrived(s); }, v.arrived_at));
      actions.appendChild(button("Verlassen", function () { left(s); }, !v.arrived_at || v.left_at));
      li.appendChild(actions);
      if (!next && !v.left_at) { next = i; }
      list.appendChild(li);
    });
    panel.dataset.stops = String(stops.length);
    renderMap(stops);
  }

  window.FieldStore.open().then(function (s) {
    store = s;
    return store.getMeta("planVisits:" + userId);
  }).then(function (v) {
    visits = v || {};
    return load();
  }).then(function (data) {
    plans = (data && data.plans) || [];
    if ($("patrol-select")) { $("patrol-select").addEventListener("change", render); }
    // app.js fills the patrol list after loading its catalogue; follow its changes.
    if ($("patrol-select") && "MutationObserver" in window) {
      new MutationObserver(render).observe($("patrol-select"), { childList: true });
    }
    render();
    panel.dataset.state = "ready";
  }).catch(function () { panel.dataset.state = "error"; });
})();
