/* The patrol panel of the field app: which patrol the officer is on, its start and end,
   check-in/check-out and the consented position track.

   The chosen patrol is kept in IndexedDB (meta "patrol:<user id>") and restored before the
   app accepts a record, so a reload, also offline, never forgets it. `requiredError()` tells
   the forms when a record would be stored without the patrol the officer is on.
   Exposes window.FieldPatrol. */
(function () {
  "use strict";
  var RANK = { planned: 0, active: 1, finished: 2 };
  var LABEL = { planned: "geplant", active: "unterwegs", finished: "beendet" };

  function $(id) { return document.getElementById(id); }

  function statusLabel(s) { return LABEL[s] || s || ""; }

  function Panel(options) {
    this.store = options.store;
    this.userId = options.userId;
    this.queue = options.queue;             // queue(kind, data) -> Promise
    this.trackIntervalMs = options.trackIntervalMs || 60000;
    this.patrols = [];                      // today's patrols from the catalogue
    this.states = {};                       // statuses queued on this phone, by patrol id
    this.choice = null;                     // { id, label } of the chosen patrol
    this.trackWatch = null;
    this.lastSampleAt = 0;
  }

  Panel.prototype.choiceKey = function () { return "patrol:" + this.userId; };

  /* Restores the choice and the locally queued statuses; call before accepting records. */
  Panel.prototype.load = function () {
    var self = this;
    return Promise.all([this.store.getMeta(this.choiceKey()), this.store.getMeta("patrolStates")])
      .then(function (both) {
        self.choice = both[0] || null;
        self.states = both[1] || {};
      });
  };

  Panel.prototype.bind = function () {
    var self = this;
    $("patrol-select").addEventListener("change", function (e) { self.choose(e.target.value); });
    $("patrol-start").addEventListener("click", function () { self.setStatus("active"); });
    $("patrol-finish").addEventListener("click", function () { self.setStatus("finished"); });
    $("checkin").addEventListener("click", function () { self.checkin(); });
    $("checkout").addEventListener("click", function () { self.checkout(); });
    $("track-consent").addEventListener("change", function () { self.render(); });
  };

  Panel.prototype.setPatrols = function (patrols) {
    this.patrols = patrols || [];
    return this.render();
  };

  Panel.prototype.chosen = function () { return this.choice ? this.choice.id : ""; };

  Panel.prototype.byId = function (id) {
    return this.patrols.filter(function (p) { return p.id === id; })[0] || null;
  };

  /* The phone may know a later state than the server (queued offline) or an earlier one
     (the lead ended the patrol): the later one in the workflow wins. */
  Panel.prototype.status = function (patrol) {
    if (!patrol) { return ""; }
    var local = this.states[patrol.id];
    return local && RANK[local] > RANK[patrol.status] ? local : patrol.status;
  };

  Panel.prototype.describe = function (p) {
    var time = p.planned_start.slice(11, 16) + "–" + p.planned_end.slice(11, 16);
    return time + " " + (p.is_joint ? "gemeinsame Streife" : "Streife");
  };

  /* An error for a record about to be saved without a patrol while the officer is on one. */
  Panel.prototype.requiredError = function () {
    if (this.chosen()) { return null; }
    var self = this;
    var onPatrol = this.patrols.some(function (p) { return p.member && self.status(p) === "active"; });
    return onPatrol ? { field: "patrol", message: "Sie sind auf Streife: bitte oben unter „Meine Streife“ die Streife wählen." } : null;
  };

  Panel.prototype.choose = function (id) {
    var patrol = this.byId(id);
    this.choice = id ? { id: id, label: patrol ? this.describe(patrol) : (this.choice && this.choice.label) || id } : null;
    var self = this;
    return this.store.setMeta(this.choiceKey(), this.choice).then(function () { return self.render(); });
  };

  Panel.prototype.render = function () {
    var self = this;
    var select = $("patrol-select");
    var items = this.patrols.map(function (p) {
      return [p.id, self.describe(p) + " (" + statusLabel(self.status(p)) + ")"];
    });
    var chosen = this.chosen();
    if (chosen && !this.byId(chosen)) {
      // Chosen earlier, not in today's catalogue (offline, or the catalogue moved on): keep it.
      items.unshift([chosen, this.choice.label + " (gewählt)"]);
    }
    window.FieldUI.fill(select, items, "– ohne Streife –");
    select.value = chosen;
    var patrol = this.byId(chosen);
    var status = chosen ? (patrol ? this.status(patrol) : this.states[chosen] || "") : "";
    $("patrol-start").disabled = status !== "planned";
    $("patrol-finish").disabled = status !== "active";
    $("patrol-state").textContent = chosen ? "Gewählt: " + this.choice.label + (status ? " – Status: " + statusLabel(status) : "") : "Keine Streife gewählt.";
    root().dataset.patrol = chosen;
    this.updateTracking(status === "active");
    return this.renderCheckin();
  };

  function root() { return $("field-app"); }

  Panel.prototype.setStatus = function (status) {
    var patrol = this.chosen();
    var self = this;
    if (!patrol) { return Promise.resolve(); }
    return this.queue("patrol_status", { patrol: patrol, status: status, at: new Date().toISOString() })
      .then(function () {
        self.states[patrol] = status;
        return self.store.setMeta("patrolStates", self.states);
      })
      .then(function () { if (status === "finished") { return self.checkout(); } })
      .then(function () { return self.render(); });
  };

  Panel.prototype.renderCheckin = function () {
    return this.store.getMeta("checkin").then(function (c) {
      $("checkin-state").textContent = c ? "Eingecheckt: " + c.name + " seit " + new Date(c.started_at).toLocaleTimeString("de-DE", { hour: "2-digit", minute: "2-digit" }) + " Uhr" : "Nicht eingecheckt.";
      $("checkin").disabled = !!c;
      $("checkout").disabled = !c;
    });
  };

  Panel.prototype.checkin = function () {
    var patrol = this.chosen();
    var area = $("checkin-area").value;
    var errors = [];
    if (!patrol) { errors.push({ field: "patrol", message: "Bitte zuerst die Streife wählen." }); }
    if (!area) { errors.push({ field: "area", message: "Bitte ein Gebiet wählen." }); }
    window.FieldUI.showErrors($("checkin-errors"), errors);
    if (errors.length) { return Promise.resolve(); }
    var name = $("checkin-area").selectedOptions[0].textContent;
    var self = this;
    return this.store.setMeta("checkin", { patrol: patrol, area: area, name: name, started_at: new Date().toISOString() })
      .then(function () { return self.renderCheckin(); });
  };

  Panel.prototype.checkout = function () {
    var self = this;
    return this.store.getMeta("checkin").then(function (c) {
      if (!c) { return; }
      return self.queue("presence", { patrol: c.patrol, area: c.area, started_at: c.started_at, ended_at: new Date().toISOString() })
        .then(function () { return self.store.setMeta("checkin", null); });
    }).then(function () { return self.renderCheckin(); });
  };

  Panel.prototype.updateTracking = function (active) {
    var consent = $("track-consent").checked;
    var want = active && consent && "geolocation" in navigator;
    var self = this;
    if (want && this.trackWatch === null) {
      this.trackWatch = navigator.geolocation.watchPosition(function (pos) {
        if (Date.now() - self.lastSampleAt < self.trackIntervalMs) { return; }
        self.lastSampleAt = Date.now();
        var c = pos.coords;
        if (!window.FieldUI.inDortmund(c.latitude, c.longitude) || !self.chosen()) { return; }
        self.queue("position", { patrol: self.chosen(), at: new Date(pos.timestamp).toISOString(),
          lat: c.latitude, lon: c.longitude, accuracy_m: Math.round(c.accuracy) });
      }, function () { $("track-state").textContent = "Standort nicht verfügbar – Präsenz bitte per Check-in erfassen."; },
      { enableHighAccuracy: true, maximumAge: 30000 });
      $("track-state").textContent = "Standort wird während der Streife erfasst.";
    } else if (!want && this.trackWatch !== null) {
      navigator.geolocation.clearWatch(this.trackWatch);
      this.trackWatch = null;
      $("track-state").textContent = "";
    }
  };

  window.FieldPatrol = { Panel: Panel, statusLabel: statusLabel };
})();
