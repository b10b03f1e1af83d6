/* IndexedDB store of the field app: the outbox, photo blobs and small settings.
   Every record is written here before anything is sent, so a reload or a dead battery
   loses nothing that was saved. Exposes window.FieldStore. */
(function () {
  "use strict";
  var DB_NAME = "stadtlage-field";
  var DB_VERSION = 1;

  function promisify(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB_NAME, DB_VERSION);
      req.onupgradeneeded = function () {
        var db = req.result;
        if (!db.objectStoreNames.contains("outbox")) {
          var outbox = db.createObjectStore("outbox", { keyPath: "id" });
          outbox.createIndex("seq", "seq");
        }
        if (!db.objectStoreNames.contains("photos")) {
          var photos = db.createObjectStore("photos", { keyPath: "id" });
          photos.createIndex("observation", "observation");
        }
        if (!db.objectStoreNames.contains("meta")) {
          db.createObjectStore("meta", { keyPath: "key" });
        }
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function Store(db) { this.db = db; }

  Store.prototype.tx = function (names, mode) {
    return this.db.transaction(names, mode || "readonly");
  };

  Store.prototype.all = function (name) {
    return promisify(this.tx([name]).objectStore(name).getAll());
  };

  Store.prototype.get = function (name, key) {
    return promisify(this.tx([name]).objectStore(name).get(key));
  };

  /* Put several values in one transaction; resolves when the transaction is durable. */
  Store.prototype.putAll = function (name, values) {
    var tx = this.tx([name], "readwrite");
    var store = tx.objectStore(name);
    values.forEach(function (v) { store.put(v); });
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(values); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
    });
  };

  Store.prototype.put = function (name, value) {
    return this.putAll(name, [value]).then(function () { return value; });
  };

  /* A record and its photos in one transaction: either all are saved or none. */
  Store.prototype.addRecord = function (record, photos) {
    var tx = this.tx(["outbox", "photos", "meta"], "readwrite");
    var meta = tx.objectStore("meta");
    var outbox = tx.objectStore("outbox");
    var photoStore = tx.objectStore("photos");
    return new Promise(function (resolve, reject) {
      var seqReq = meta.get("seq");
      seqReq.onsuccess = function () {
        var seq = ((seqReq.result && seqReq.result.value) || 0) + 1;
        meta.put({ key: "seq", value: seq });
        record.seq = seq;
        outbox.add(record);
        (photos || []).forEach(function (p) { photoStore.add(p); });
      };
      tx.oncomplete = function () { resolve(record); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error); };
    });
  };

  function done(tx, value) {
    return new Promise(function (resolve, reject) {
      tx.oncomplete = function () { resolve(value); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error || new Error("abgebrochen")); };
    });
  }

  /* Records the server may already hold (sent, or kept as a conflict) cannot change here. */
  var FINAL = { sent: true, conflict: true };

  /* Correct a record still in the outbox: `change(record)` returns the new data. The record
     keeps its id (a version that reached the server unnoticed then arrives as a conflict, which
     is kept for review) and goes back to pending; new photos are added in the same transaction. */
  Store.prototype.correctRecord = function (id, change, photos) {
    var tx = this.tx(["outbox", "photos"], "readwrite");
    var outbox = tx.objectStore("outbox");
    var photoStore = tx.objectStore("photos");
    var result = { record: null };
    var req = outbox.get(id);
    req.onsuccess = function () {
      var record = req.result;
      if (!record || FINAL[record.status]) { tx.abort(); return; }
      record.data = change(record);
      record.rev = (record.rev || 0) + 1;
      record.status = "pending";
      record.error = null;
      record.correctedAt = new Date().toISOString();
      outbox.put(record);
      (photos || []).forEach(function (p) { photoStore.add(p); });
      result.record = record;
    };
    return done(tx, result).then(function (r) { return r.record; }, function () {
      throw new Error("Der Datensatz ist schon beim Server und kann hier nicht mehr geändert werden.");
    });
  };

  /* Withdraw a record that has not reached the server: removes it, its photos and the
     measures recorded on it that are not sent either, in one transaction. */
  Store.prototype.withdrawRecord = function (id) {
    var tx = this.tx(["outbox", "photos"], "readwrite");
    var outbox = tx.objectStore("outbox");
    var photoStore = tx.objectStore("photos");
    var removed = [];
    var all = outbox.getAll();
    all.onsuccess = function () {
      var rows = all.result;
      var record = rows.filter(function (r) { return r.id === id; })[0];
      if (!record || FINAL[record.status]) { tx.abort(); return; }
      var dependents = rows.filter(function (r) {
        return r.kind === "measure" && r.data.observation === id && !FINAL[r.status];
      });
      [record].concat(dependents).forEach(function (r) { outbox.delete(r.id); removed.push(r.id); });
      var photos = photoStore.index("observation").getAllKeys(id);
      photos.onsuccess = function () { photos.result.forEach(function (key) { photoStore.delete(key); }); };
    };
    return done(tx, removed).catch(function () {
      throw new Error("Der Datensatz ist schon beim Server und kann nicht mehr zurückgezogen werden.");
    });
  };

  /* Read-modify-write of several outbox rows in one transaction: `change(current)` returns
     the new row or null to leave it. Rows deleted meanwhile (withdrawn) are skipped. */
  Store.prototype.updateEach = function (name, ids, change) {
    var tx = this.tx([name], "readwrite");
    var store = tx.objectStore(name);
    var changed = [];
    ids.forEach(function (id) {
      var req = store.get(id);
      req.onsuccess = function () {
        if (!req.result) { return; }
        var next = change(req.result);
        if (next) { store.put(next); changed.push(next); }
      };
    });
    return done(tx, changed);
  };

  Store.prototype.getMeta = function (key) {
    return this.get("meta", key).then(function (row) { return row ? row.value : undefined; });
  };

  Store.prototype.setMeta = function (key, value) {
    return this.put("meta", { key: key, value: value });
  };

  window.FieldStore = {
    open: function () { return open().then(function (db) { return new Store(db); }); }
  };
})();
