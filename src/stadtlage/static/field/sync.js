/* Sync engine of the field app: sends the IndexedDB outbox to the sync API.

   - A record counts as sent only when the server's JSON answer echoes its id with status
     200/201 (a captive portal answers 200 too, with HTML).
   - Network errors, timeouts, 408, 429 and 5xx: retry with capped exponential backoff and
     jitter (honouring Retry-After). "Jetzt senden" retries at once.
   - 409: kept as conflict and shown; 422/403: kept as refused with the field errors; 424: the
     observation is not there yet, tried again later. Nothing is ever dropped.
   - Photos go up after their observation, as blobs, with the same echo rule.
   Exposes window.FieldSync. */
(function () {
  "use strict";

  var PENDING = "pending";
  var WAITING = "waiting";   // 424: depends on a record not yet on the server
  var SENT = "sent";
  var REFUSED = "refused";   // 422 / 403: needs the officer
  var CONFLICT = "conflict"; // 409: kept for review

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function Sync(options) {
    this.store = options.store;
    this.api = options.api;                       // e.g. "/streife/api/v1/"
    this.userId = options.userId;
    this.timeoutMs = options.timeoutMs || 15000;
    this.baseMs = options.backoffBaseMs || 1000;
    this.capMs = options.backoffCapMs || 60000;
    this.batchSize = options.batchSize || 200;
    this.onChange = options.onChange || function () {};
    this.failures = 0;
    this.nextAttemptAt = 0;
    this.timer = null;
    this.running = null;
    this.again = false;
    this.state = "idle";   // idle | sending | retry | auth
    this.lastError = "";
  }

  Sync.prototype.retryDelay = function (retryAfterMs) {
    var exp = Math.min(this.capMs, this.baseMs * Math.pow(2, Math.max(0, this.failures - 1)));
    var jittered = exp / 2 + Math.random() * exp / 2;
    return Math.max(jittered, retryAfterMs || 0);
  };

  Sync.prototype.scheduleRetry = function (reason, retryAfterMs) {
    this.failures += 1;
    var delay = Math.min(this.capMs, this.retryDelay(retryAfterMs));
    this.nextAttemptAt = Date.now() + delay;
    this.state = "retry";
    this.lastError = reason;
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.nextAttemptAt = 0; self.sync(false); }, delay);
  };

  Sync.prototype.fetchWithTimeout = function (url, init) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, this.timeoutMs);
    init.signal = controller.signal;
    init.credentials = "same-origin";
    init.cache = "no-store";
    return fetch(url, init).finally(function () { clearTimeout(timer); });
  };

  function retryAfter(response) {
    var value = response.headers.get("Retry-After");
    if (!value) { return 0; }
    var seconds = Number(value);
    return isFinite(seconds) ? seconds * 1000 : 0;
  }

  function isRetryable(status) {
    return status === 408 || status === 429 || status >= 500;
  }

  /* Reads the JSON answer; anything else (captive portal HTML, truncated body) is null. */
  function readJson(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("json") === -1) { return Promise.resolve(null); }
    return response.json().catch(function () { return null; });
  }

  Sync.prototype.mine = function (rows) {
    var uid = this.userId;
    return rows.filter(function (r) { return r.user === uid; });
  };

  Sync.prototype.sync = function (force) {
    var self = this;
    if (force) { this.nextAttemptAt = 0; }
    if (this.running) { this.again = true; return this.running; }
    if (!force && Date.now() < this.nextAttemptAt) { return Promise.resolve(); }
    clearTimeout(this.timer);
    this.running = this.pass()
      .catch(function (err) { self.scheduleRetry(String(err && err.message || err)); })
      .finally(function () {
        self.running = null;
        self.onChange();
        if (self.again) { self.again = false; return self.sync(false); }
      });
    return this.running;
  };

  Sync.prototype.pass = function () {
    var self = this;
    this.state = "sending";
    this.onChange();
    return this.store.all("outbox").then(function (rows) {
      var todo = self.mine(rows).filter(function (r) { return r.status === PENDING || r.status === WAITING; });
      todo.sort(function (a, b) { return a.seq - b.seq; });
      return self.sendRecords(todo, 0);
    }).then(function (ok) {
      if (!ok) { return; }
      return self.sendPhotos().then(function (photosOk) {
        if (photosOk) {
          self.failures = 0;
          self.state = "idle";
          self.lastError = "";
        }
      });
    });
  };

  /* Sends the records in batches; resolves true when every batch got an answer. */
  Sync.prototype.sendRecords = function (todo, offset) {
    var self = this;
    if (offset >= todo.length) { return Promise.resolve(true); }
    var batch = todo.slice(offset, offset + this.batchSize);
    var body = JSON.stringify({
      records: batch.map(function (r) { return { kind: r.kind, id: r.id, data: r.data }; })
    });
    var ids = batch.map(function (r) { return r.id; });
    // Remember that these versions left the phone: their answer may get lost on the way.
    return this.store.updateEach("outbox", ids, function (row) {
      if (row.tried && row.triedRev === (row.rev || 0)) { return null; }
      return Object.assign(row, { tried: true, triedRev: row.rev || 0 });
    }).then(function () { return self.post(todo, offset, batch, body); });
  };

  Sync.prototype.post = function (todo, offset, batch, body) {
    var self = this;
    return this.fetchWithTimeout(this.api + "sync", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: body
    }).then(function (response) {
      if (isRetryable(response.status)) {
        self.scheduleRetry("Server antwortet " + response.status, retryAfter(response));
        return false;
      }
      if (response.status === 401 || response.status === 403) {
        self.state = "auth";
        self.lastError = "Bitte neu anmelden – die Daten bleiben gespeichert.";
        return false;
      }
      if (response.status === 413 && self.batchSize > 10) {
        self.batchSize = Math.max(10, Math.floor(self.batchSize / 2));
        return self.sendRecords(todo, offset);
      }
      return readJson(response).then(function (json) {
        if (!response.ok || !json || !Array.isArray(json.results)) {
          self.scheduleRetry("Keine gültige Antwort des Servers (" + response.status + ")");
          return false;
        }
        return self.applyResults(batch, json.results).then(function () {
          return self.sendRecords(todo, offset + batch.length);
        });
      });
    }, function (err) {
      var timeout = err && err.name === "AbortError";
      self.scheduleRetry(timeout ? "Zeitüberschreitung" : "Keine Verbindung");
      return false;
    });
  };

  /* Applies the answers to the rows as they are now: a row corrected while its older version
     was on the way stays pending (the server answers the new version on the next pass, as a
     conflict if it kept the old one); a withdrawn row stays gone. */
  Sync.prototype.applyResults = function (batch, results) {
    var byId = {};
    results.forEach(function (r) { if (r && typeof r.id === "string") { byId[r.id] = r; } });
    var sentRev = {};
    batch.forEach(function (record) { sentRev[record.id] = record.rev || 0; });
    var now = new Date().toISOString();
    var ids = batch.filter(function (r) { return byId[r.id]; }).map(function (r) { return r.id; });
    return this.store.updateEach("outbox", ids, function (row) {
      var answer = byId[row.id];
      if ((row.rev || 0) !== sentRev[row.id]) { return null; }
      var updated = Object.assign({}, row, { attempts: (row.attempts || 0) + 1 });
      if (answer.status === 200 || answer.status === 201) {
        updated.status = SENT;
        updated.sentAt = now;
        updated.serverId = answer.server_id;
        updated.flags = answer.flags || [];
        updated.error = null;
      } else if (answer.status === 409) {
        updated.status = CONFLICT;
        updated.error = { detail: answer.detail, errors: answer.errors || [] };
      } else if (answer.status === 424) {
        updated.status = WAITING;
        updated.error = { detail: answer.detail, errors: answer.errors || [] };
      } else {
        updated.status = REFUSED;
        updated.error = { detail: answer.detail, errors: answer.errors || [] };
      }
      return updated;
    });
  };

  Sync.prototype.sendPhotos = function () {
    var self = this;
    return Promise.all([this.store.all("photos"), this.store.all("outbox")]).then(function (both) {
      var sentObs = {};
      both[1].forEach(function (r) { if (r.kind === "observation" && r.status === SENT) { sentObs[r.id] = true; } });
      var todo = self.mine(both[0]).filter(function (p) { return p.status === PENDING && sentObs[p.observation]; });
      return todo.reduce(function (chain, photo) {
        return chain.then(function (ok) { return ok ? self.sendPhoto(photo) : false; });
      }, Promise.resolve(true));
    });
  };

  Sync.prototype.sendPhoto = function (photo) {
    var self = this;
    var url = this.api + "photos/" + photo.id + "?observation=" + encodeURIComponent(photo.observation);
    return this.fetchWithTimeout(url, {
      method: "PUT",
      headers: { "Content-Type": photo.type || "image/jpeg", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: photo.blob
    }).then(function (response) {
      if (isRetryable(response.status)) {
        self.scheduleRetry("Server antwortet " + response.status, retryAfter(response));
        return false;
      }
      if (response.status === 401) {
        self.state = "auth";
        self.lastError = "Bitte neu anmelden – die Daten bleiben gespeichert.";
        return false;
      }
      return readJson(response).then(function (json) {
        if (!json || json.id !== photo.id) {
          self.scheduleRetry("Keine gültige Antwort des Servers (" + response.status + ")");
          return false;
        }
        if (response.status === 424) { return true; }
        return self.store.updateEach("photos", [photo.id], function (row) {
          var updated = Object.assign({}, row);
          if (response.status === 200 || response.status === 201) {
            updated.status = SENT;
            updated.blob = null;  // the server has it; free the phone's storage
          } else {
            updated.status = response.status === 409 ? CONFLICT : REFUSED;
            updated.error = { detail: json.detail, errors: json.errors || [] };
          }
          return updated;
        }).then(function () { return true; });
      });
    }, function (err) {
      self.scheduleRetry(err && err.name === "AbortError" ? "Zeitüberschreitung" : "Keine Verbindung");
      return false;
    });
  };

  window.FieldSync = {
    Sync: Sync,
    STATUS: { PENDING: PENDING, WAITING: WAITING, SENT: SENT, REFUSED: REFUSED, CONFLICT: CONFLICT }
  };
})();
