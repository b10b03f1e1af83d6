/* The field app (PWA): record observations and measures offline-first, correct or withdraw
   them while they are still on the phone. Everything is saved to IndexedDB first (FieldStore),
   then sent by FieldSync; the patrol panel is FieldPatrol, the outbox list FieldOutbox. */
(function () {
  "use strict";
  var root = document.getElementById("field-app");
  if (!root || !window.FieldStore || !window.FieldSync || !window.FieldUI || !window.FieldPatrol || !window.FieldOutbox) { return; }
  var cfg = root.dataset;
  var userId = Number(cfg.userId);
  var S = window.FieldSync.STATUS;
  var U = window.FieldUI;
  var LABELS = U.LABELS;
  var ACCURACY_FLAG_M = 200;
  var FUTURE_MS = 5 * 60 * 1000;
  var KIND_LABELS = { observation: "Feststellung", measure: "Maßnahme", presence: "Check-in",
    position: "Standortpunkt", patrol_status: "Streife", photo: "Foto" };
  var STATUS_TEXT = {};
  STATUS_TEXT[S.PENDING] = "wartet auf Versand";
  STATUS_TEXT[S.WAITING] = "wartet auf die Feststellung";
  STATUS_TEXT[S.SENT] = "gesendet";
  STATUS_TEXT[S.REFUSED] = "abgelehnt";
  STATUS_TEXT[S.CONFLICT] = "Konflikt – liegt der Schichtleitung zur Prüfung vor";

  var $ = function (id) { return document.getElementById(id); };
  var store = null;
  var sync = null;
  var catalogue = { categories: [], measure_types: [], areas: [], patrols: [] };
  var fix = null;         // current location {lat, lon, accuracy, source}
  var pickMap = null;
  var pickMarker = null;
  var patrol = null;      // FieldPatrol.Panel
  var editing = { observation: null, measure: null };  // records being corrected
  var outboxRows = [];
  var confirming = null;  // { id, dependents } of a withdrawal waiting for the second click

  var uuid4 = U.uuid4, inDortmund = U.inDortmund, localInputValue = U.localInputValue;
  var fill = U.fill, showErrors = U.showErrors, notify = U.notify;

  /* --- catalogue ----------------------------------------------------------------------- */
  function loadCatalogue() {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 8000);
    return fetch(cfg.api + "catalogue", { credentials: "same-origin", signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (r) {
        var type = r.headers.get("Content-Type") || "";
        if (!r.ok || type.indexOf("json") === -1) { throw new Error(String(r.status)); }
        return r.json();
      })
      .then(function (data) { return store.setMeta("catalogue", data).then(function () { return data; }); })
      .catch(function () { return store.getMeta("catalogue"); })
      .finally(function () { clearTimeout(timer); });
  }

  function applyCatalogue(data) {
    catalogue = data || { categories: [], measure_types: [], areas: [], patrols: [] };
    fill($("obs-category"), catalogue.categories.map(function (c) { return [c.code, c.name]; }), "– bitte wählen –");
    var places = catalogue.areas.map(function (a) { return [a.slug, a.name]; });
    fill($("obs-place"), places, "– Ort wählen –");
    fill($("checkin-area"), places, "– Gebiet wählen –");
    var allowed = catalogue.measure_types.filter(function (m) { return m.allowed; });
    fill($("measure-type"), allowed.map(function (m) { return [m.code, m.name]; }), "– bitte wählen –");
    return patrol.setPatrols(catalogue.patrols);
  }

  function queue(kind, data, photos) {
    var record = { id: uuid4(), kind: kind, data: data, user: userId, status: S.PENDING, rev: 0, createdAt: new Date().toISOString() };
    return store.addRecord(record, photos).then(function () {
      refresh();
      sync.sync(false);
      return record;
    });
  }

  /* --- location ---------------------------------------------------------------------------- */
  function locationMode() {
    var checked = document.querySelector("input[name=location_source]:checked");
    return checked ? checked.value : "gps";
  }

  function setMode(mode) {
    document.querySelector("input[name=location_source][value=" + mode + "]").checked = true;
    $("pin-block").hidden = mode !== "pin";
    $("place-block").hidden = mode !== "place";
    $("gps-block").hidden = mode !== "gps";
    if (mode === "pin") { ensureMap(); }
  }

  function locate() {
    var status = $("location-status");
    if (!("geolocation" in navigator)) {
      status.textContent = "Dieses Gerät kann keinen Standort bestimmen. Bitte einen Ort wählen.";
      setMode("place");
      return;
    }
    status.textContent = "Standort wird bestimmt …";
    navigator.geolocation.getCurrentPosition(function (pos) {
      var c = pos.coords;
      if (!inDortmund(c.latitude, c.longitude)) {
        fix = null;
        status.textContent = "Der Standort liegt außerhalb von Dortmund. Bitte Punkt auf der Karte setzen oder Ort wählen.";
        return;
      }
      fix = { lat: c.latitude, lon: c.longitude, accuracy: Math.round(c.accuracy) };
      status.textContent = "Standort bestimmt (± " + fix.accuracy + " m)." +
        (fix.accuracy > ACCURACY_FLAG_M ? " Ungenau: bitte prüfen oder Punkt setzen – wird als ungenau markiert." : "");
      status.classList.toggle("warn", fix.accuracy > ACCURACY_FLAG_M);
    }, function (err) {
      fix = null;
      status.textContent = err.code === 1
        ? "Standortfreigabe verweigert. Bitte Punkt auf der Karte setzen oder einen Ort aus der Liste wählen."
        : "Kein GPS-Signal. Bitte Punkt auf der Karte setzen oder einen Ort aus der Liste wählen.";
      status.classList.add("warn");
      setMode("place");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 });
  }

  function ensureMap() {
    if (pickMap || typeof L === "undefined") { return; }
    var el = $("pick-map");
    pickMap = L.map(el).setView([51.5145, 7.4640], 15);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(pickMap);
    }
    pickMap.on("click", function (e) {
      if (pickMarker) { pickMarker.setLatLng(e.latlng); } else { pickMarker = L.marker(e.latlng).addTo(pickMap); }
      $("pin-status").textContent = "Punkt gesetzt: " + e.latlng.lat.toFixed(5) + ", " + e.latlng.lng.toFixed(5);
    });
  }

  /* --- observation ----------------------------------------------------------------------- */
  function readObservation(original) {
    var errors = [];
    var data = { category: $("obs-category").value, persons_count: Number($("obs-persons").value || 0) };
    if (!data.category) { errors.push({ field: "category", message: "Bitte die Art wählen." }); }
    if (!Number.isInteger(data.persons_count) || data.persons_count < 0 || data.persons_count > 999) {
      errors.push({ field: "persons_count", message: "Bitte eine Zahl von 0 bis 999 angeben." });
    }
    var when = $("obs-time").value ? new Date($("obs-time").value) : new Date();
    if (isNaN(when.getTime())) { errors.push({ field: "occurred_at", message: "Bitte einen gültigen Zeitpunkt angeben." }); }
    else if (when.getTime() > Date.now() + FUTURE_MS) { errors.push({ field: "occurred_at", message: "Der Zeitpunkt liegt in der Zukunft." }); }
    else { data.occurred_at = when.toISOString(); }
    var mode = locationMode();
    data.location_source = mode;
    if (mode === "gps") {
      if (!fix) { errors.push({ field: "location", message: "Bitte Standort bestimmen, Punkt setzen oder Ort wählen." }); }
      else { data.lat = fix.lat; data.lon = fix.lon; data.accuracy_m = fix.accuracy; }
    } else if (mode === "pin") {
      if (!pickMarker) { errors.push({ field: "location", message: "Bitte auf der Karte einen Punkt setzen." }); }
      else {
        var ll = pickMarker.getLatLng();
        if (!inDortmund(ll.lat, ll.lng)) { errors.push({ field: "location", message: "Der Punkt liegt außerhalb von Dortmund." }); }
        data.lat = ll.lat; data.lon = ll.lng;
      }
    } else {
      data.place = $("obs-place").value;
      if (!data.place) { errors.push({ field: "place", message: "Bitte einen Ort wählen." }); }
    }
    // Never store an observation without the patrol the officer is on (issue 10).
    // A correction keeps the patrol the record was made on.
    var chosen = original && original.data.patrol ? original.data.patrol : patrol.chosen();
    var missing = patrol.requiredError();
    if (chosen) { data.patrol = chosen; } else if (missing) { errors.push(missing); }
    return { data: data, errors: errors };
  }

  function shrink(file) {
    var max = 1600;
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
    }).catch(function () { return null; });
  }

  function saveObservation(event) {
    event.preventDefault();
    if (root.dataset.state !== "ready") { return; }
    var target = editing.observation;
    var read = readObservation(target);
    var box = $("obs-errors");
    var files = Array.prototype.slice.call($("obs-photos").files || []);
    Promise.all(files.map(shrink)).then(function (blobs) {
      if (blobs.some(function (b) { return !b; })) {
        read.errors.push({ field: "photo", message: "Eine Datei ist kein lesbares Foto." });
      }
      showErrors(box, read.errors);
      if (read.errors.length) { return; }
      var id = target ? target.id : uuid4();
      var photos = blobs.map(function (blob) {
        return { id: uuid4(), observation: id, blob: blob, type: "image/jpeg", user: userId, status: S.PENDING };
      });
      var saved = target
        ? store.correctRecord(id, function () { return read.data; }, photos)
        : store.addRecord({ id: id, kind: "observation", data: read.data, user: userId, status: S.PENDING, rev: 0, createdAt: new Date().toISOString() }, photos);
      return saved.then(function () {
        notify($("obs-saved"), (target ? "Korrigiert (" : "Gespeichert (") + catalogueName(read.data.category) + "). Wird gesendet, sobald Netz da ist.", "ok");
        resetObservationForm();
        refresh().then(function () { $("measure-observation").value = id; });
        sync.sync(false);
      }, function (err) {
        notify($("obs-saved"), err.message, "error");
        resetObservationForm();
        refresh();
      });
    });
  }

  function resetObservationForm() {
    editing.observation = null;
    $("obs-editing").hidden = true;
    $("obs-persons").value = "0";
    $("obs-photos").value = "";
    $("obs-time").value = localInputValue(new Date());
  }

  /* Loads a record still in the outbox into the observation form. */
  function editObservation(record) {
    var d = record.data;
    editing.observation = record;
    $("obs-category").value = d.category;
    $("obs-persons").value = String(d.persons_count || 0);
    $("obs-time").value = localInputValue(new Date(d.occurred_at));
    setMode(d.location_source);
    if (d.location_source === "place") {
      $("obs-place").value = d.place;
    } else if (d.location_source === "pin") {
      ensureMap();
      if (pickMap) {
        var ll = L.latLng(d.lat, d.lon);
        if (pickMarker) { pickMarker.setLatLng(ll); } else { pickMarker = L.marker(ll).addTo(pickMap); }
        pickMap.setView(ll);
      }
    } else {
      fix = { lat: d.lat, lon: d.lon, accuracy: d.accuracy_m };
      $("location-status").textContent = "Ort wie gespeichert (± " + d.accuracy_m + " m) – „Standort bestimmen“ ersetzt ihn.";
    }
    $("obs-editing-text").textContent = "Sie korrigieren: " + describe(record) + ".";
    $("obs-editing").hidden = false;
    showErrors($("obs-errors"), []);
    $("obs-heading").scrollIntoView();
    $("obs-category").focus();
  }

  function catalogueName(code) {
    var c = catalogue.categories.filter(function (x) { return x.code === code; })[0];
    return c ? c.name : code;
  }

  /* --- measure ------------------------------------------------------------------------------ */
  function measureType() {
    var code = $("measure-type").value;
    return catalogue.measure_types.filter(function (m) { return m.code === code; })[0];
  }

  function renderMeasureFields() {
    var m = measureType();
    $("m-amount-block").hidden = !(m && m.requires_amount);
    $("m-case-block").hidden = !(m && m.requires_case_number);
    $("m-referral-block").hidden = !(m && m.referral_services.length);
    $("m-cleaning-block").hidden = !(m && m.creates_cleaning_task);
    if (m && m.referral_services.length) {
      fill($("m-referral"), m.referral_services.map(function (s) { return [s, s]; }), "– bitte wählen –");
    }
  }

  function saveMeasure(event) {
    event.preventDefault();
    if (root.dataset.state !== "ready") { return; }
    var m = measureType();
    var target = editing.measure;
    var errors = [];
    var data = { observation: $("measure-observation").value, measure_type: m ? m.code : "",
      occurred_at: target ? target.data.occurred_at : new Date().toISOString(), persons_count: Number($("m-persons").value || 1) };
    if (!data.observation) { errors.push({ field: "observation", message: "Bitte die Feststellung wählen." }); }
    if (!m) { errors.push({ field: "measure_type", message: "Bitte die Maßnahme wählen." }); }
    if (m && m.requires_amount) {
      data.amount_eur = Number($("m-amount").value);
      if (!Number.isInteger(data.amount_eur) || data.amount_eur < 5 || data.amount_eur > 55) {
        errors.push({ field: "amount_eur", message: "Ein Verwarnungsgeld beträgt 5 bis 55 €." });
      }
    }
    if (m && m.requires_case_number) { data.case_number = $("m-case").value.trim(); }
    if (m && m.referral_services.length) { data.referral_service = $("m-referral").value; }
    if (m && m.creates_cleaning_task) {
      data.cleaning_kind = $("m-cleaning-kind").value;
      data.cleaning_what = $("m-cleaning-what").value.trim();
    }
    showErrors($("measure-errors"), errors);
    if (errors.length) { return; }
    var saved = target ? store.correctRecord(target.id, function () { return data; }).then(function () {
      refresh();
      sync.sync(false);
    }) : queue("measure", data);
    saved.then(function () {
      notify($("measure-saved"), target ? "Maßnahme korrigiert." : "Maßnahme gespeichert.", "ok");
      resetMeasureForm();
    }, function (err) {
      notify($("measure-saved"), err.message, "error");
      resetMeasureForm();
      refresh();
    });
  }

  function resetMeasureForm() {
    editing.measure = null;
    $("measure-editing").hidden = true;
    $("measure-form").reset();
    renderMeasureFields();
  }

  function editMeasure(record) {
    var d = record.data;
    editing.measure = record;
    $("measure-observation").value = d.observation;
    $("measure-type").value = d.measure_type;
    renderMeasureFields();
    $("m-persons").value = String(d.persons_count);
    if (d.amount_eur !== undefined) { $("m-amount").value = String(d.amount_eur); }
    if (d.case_number !== undefined) { $("m-case").value = d.case_number; }
    if (d.referral_service !== undefined) { $("m-referral").value = d.referral_service; }
    if (d.cleaning_kind !== undefined) { $("m-cleaning-kind").value = d.cleaning_kind; }
    if (d.cleaning_what !== undefined) { $("m-cleaning-what").value = d.cleaning_what; }
    $("measure-editing-text").textContent = "Sie korrigieren: " + describe(record) + ".";
    $("measure-editing").hidden = false;
    showErrors($("measure-errors"), []);
    $("measure-heading").scrollIntoView();
    $("measure-type").focus();
  }

  /* --- outbox view -------------------------------------------------------------------------- */
  function describe(r) {
    if (r.kind === "observation") {
      return catalogueName(r.data.category) + " · " + new Date(r.data.occurred_at).toLocaleTimeString("de-DE", { hour: "2-digit", minute: "2-digit" }) +
        " · " + r.data.persons_count + " Pers.";
    }
    if (r.kind === "measure") {
      var m = catalogue.measure_types.filter(function (x) { return x.code === r.data.measure_type; })[0];
      return (m ? m.name : r.data.measure_type);
    }
    if (r.kind === "patrol_status") { return r.data.status === "active" ? "Beginn" : "Ende"; }
    if (r.kind === "presence") {
      var area = catalogue.areas.filter(function (a) { return a.slug === r.data.area; })[0];
      return area ? area.name : r.data.area;
    }
    if (r.kind === "photo") {
      var obs = outboxRows.filter(function (x) { return x.id === r.observation; })[0];
      return obs ? "zu " + describe(obs) : "";
    }
    return "";
  }

  function refresh() {
    return Promise.all([store.all("outbox"), store.all("photos")]).then(function (both) {
      var rows = both[0].filter(function (r) { return r.user === userId; });
      var photos = both[1].filter(function (p) { return p.user === userId; });
      var unsent = rows.filter(function (r) { return r.status === S.PENDING || r.status === S.WAITING; }).length +
        photos.filter(function (p) { return p.status === S.PENDING; }).length;
      var conflicts = rows.filter(function (r) { return r.status === S.CONFLICT; }).length +
        photos.filter(function (p) { return p.status === S.CONFLICT; }).length;
      var refused = rows.filter(function (r) { return r.status === S.REFUSED; }).length +
        photos.filter(function (p) { return p.status === S.REFUSED; }).length;
      $("unsent-count").textContent = String(unsent);
      root.dataset.unsent = String(unsent);
      $("conflict-count").textContent = String(conflicts);
      $("conflict-wrap").hidden = conflicts === 0;
      $("refused-count").textContent = String(refused);
      $("refused-wrap").hidden = refused === 0;
      var offline = !navigator.onLine && unsent;
      var state = sync.state === "auth" ? sync.lastError : offline ? "Kein Netz – wird automatisch gesendet, sobald Netz da ist." :
        sync.state === "retry" ? "Senden fehlgeschlagen (" + sync.lastError + "), neuer Versuch folgt." :
        sync.state === "sending" ? "Wird gesendet …" : unsent ? "" : "Alles gesendet.";
      $("sync-message").textContent = state;
      $("sync-message").classList.toggle("notice-error", !offline && (sync.state === "auth" || sync.state === "retry"));
      outboxRows = rows;
      rows.sort(function (a, b) { return b.seq - a.seq; });
      // Photos appear only when they need attention (conflict kept for review, or refused).
      var photoIssues = photos.filter(function (p) { return p.status === S.CONFLICT || p.status === S.REFUSED; })
        .map(function (p) { return { id: p.id, kind: "photo", status: p.status, error: p.error, observation: p.observation }; });
      var shown = photoIssues.concat(rows.filter(function (r) { return r.kind !== "position"; }).slice(0, 100));
      window.FieldOutbox.render($("outbox-list"), shown, {
        kindLabels: KIND_LABELS, statusText: STATUS_TEXT, labels: LABELS, describe: describe,
        busy: sync.state === "sending", confirming: confirming
      });
      var obsOptions = rows.filter(function (r) { return r.kind === "observation"; }).map(function (r) { return [r.id, describe(r)]; });
      var sel = $("measure-observation");
      var keep = sel.value;
      fill(sel, obsOptions, "– Feststellung wählen –");
      sel.value = keep;
    });
  }

  function outboxAction(event) {
    var b = event.target.closest("button[data-action]");
    if (!b) { return; }
    var record = outboxRows.filter(function (r) { return r.id === b.dataset.id; })[0];
    if (!record) { return; }
    var action = b.dataset.action;
    if (action === "edit") {
      if (record.kind === "observation") { editObservation(record); } else { editMeasure(record); }
    } else if (action === "withdraw") {
      var dependents = record.kind === "observation" ? outboxRows.filter(function (r) {
        return r.kind === "measure" && r.data.observation === record.id && window.FieldOutbox.OPEN[r.status];
      }).length : 0;
      confirming = { id: record.id, dependents: dependents };
      refresh();
    } else if (action === "withdraw-cancel") {
      confirming = null;
      refresh();
    } else if (action === "withdraw-confirm") {
      confirming = null;
      store.withdrawRecord(record.id).then(function (removed) {
        if (editing.observation && removed.indexOf(editing.observation.id) >= 0) { resetObservationForm(); }
        if (editing.measure && removed.indexOf(editing.measure.id) >= 0) { resetMeasureForm(); }
        notify($("outbox-message"), KIND_LABELS[record.kind] + " zurückgezogen: " + describe(record) + ".", "ok");
      }, function (err) {
        notify($("outbox-message"), err.message, "error");
      }).then(refresh);
    }
  }

  function updateNetState() {
    $("net-state").textContent = navigator.onLine ? "online" : "offline";
    root.dataset.online = navigator.onLine ? "1" : "0";
    if (store) { refresh(); }
  }

  /* --- boot --------------------------------------------------------------------------------- */
  function registerServiceWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(cfg.sw, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      root.dataset.sw = navigator.serviceWorker.controller ? "controlling" : "ready";
      navigator.serviceWorker.addEventListener("controllerchange", function () { root.dataset.sw = "controlling"; });
    }).catch(function () { root.dataset.sw = "failed"; });
  }

  window.FieldStore.open().then(function (s) {
    store = s;
    sync = new window.FieldSync.Sync({
      store: store, api: cfg.api, userId: userId,
      timeoutMs: Number(cfg.timeoutMs || 15000), backoffBaseMs: Number(cfg.backoffBaseMs || 1000),
      backoffCapMs: Number(cfg.backoffCapMs || 60000), onChange: refresh
    });
    window.fieldSync = sync;  // for diagnostics in the browser console
    patrol = new window.FieldPatrol.Panel({
      store: store, userId: userId, queue: queue, trackIntervalMs: Number(cfg.trackIntervalMs || 60000)
    });
    patrol.bind();
    U.watchActions(root);
    $("obs-time").value = localInputValue(new Date());
    $("observation-form").addEventListener("submit", saveObservation);
    $("measure-form").addEventListener("submit", saveMeasure);
    $("measure-type").addEventListener("change", renderMeasureFields);
    $("locate").addEventListener("click", locate);
    Array.prototype.forEach.call(document.querySelectorAll("input[name=location_source]"), function (el) {
      el.addEventListener("change", function () { setMode(el.value); });
    });
    $("send-now").addEventListener("click", function () { sync.sync(true); });
    $("outbox-list").addEventListener("click", outboxAction);
    $("obs-edit-cancel").addEventListener("click", function () { resetObservationForm(); showErrors($("obs-errors"), []); });
    $("measure-edit-cancel").addEventListener("click", function () { resetMeasureForm(); showErrors($("measure-errors"), []); });
    window.addEventListener("online", function () { updateNetState(); sync.sync(true); });
    window.addEventListener("offline", updateNetState);
    updateNetState();
    setMode("gps");
    renderMeasureFields();
    registerServiceWorker();
    // The chosen patrol is restored before any record can be saved.
    return patrol.load().then(loadCatalogue).then(applyCatalogue).then(refresh).then(function () {
      root.dataset.state = "ready";
      sync.sync(false);
      setInterval(function () { if (Number(root.dataset.unsent) > 0) { sync.sync(false); } }, 30000);
    });
  }).catch(function (err) {
    root.dataset.state = "error";
    $("sync-message").textContent = "Lokaler Speicher nicht verfügbar: " + err;
    $("sync-message").classList.add("notice-error");
  });
})();
