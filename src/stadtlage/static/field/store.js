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
