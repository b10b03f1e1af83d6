/* Service worker of the field app, served at /sw.js (scope "/") with FIELD_SHELL prepended:
   { version, app, assets }. The version is a hash of the app shell's files, so every change
   of the shell installs a new cache and removes the old one.

   - static assets of the shell: cache first;
   - the app page: network first (4 s), the cached page when offline or the network hangs;
   - map tiles (URLs matching FIELD_SHELL.tiles.pattern): network first (3 s), every tile seen
     kept in a cache of its own (at most FIELD_SHELL.tiles.max, oldest out first), so the map
     of the beat still shows offline; no tile is fetched ahead (tile servers' usage policies);
   - everything else, in particular the API: untouched (never cached). */
/* global self, caches, FIELD_SHELL */
(function () {
  "use strict";
  var PREFIX = "stadtlage-field-";
  var CACHE = PREFIX + FIELD_SHELL.version;
  var APP_URL = FIELD_SHELL.app;
  var ASSETS = FIELD_SHELL.assets;
  var PAGE_TIMEOUT_MS = 4000;
  var TILES = FIELD_SHELL.tiles;
  var TILE_PATTERN = TILES ? new RegExp(TILES.pattern) : null;
  var TILE_CACHE = "stadtlage-tiles";  // outlives app updates: not under PREFIX
  var TILE_TIMEOUT_MS = 3000;

  self.addEventListener("install", function (event) {
    event.waitUntil(
      caches.open(CACHE).then(function (cache) {
        var assets = cache.addAll(ASSETS.map(function (url) { return new Request(url, { cache: "reload" }); }));
        var page = fetch(APP_URL, { credentials: "same-origin", cache: "reload" }).then(function (response) {
          if (response.ok && !response.redirected) { return cache.put(APP_URL, response); }
        });
        return Promise.all([assets, page]);
      }).then(function () { return self.skipWaiting(); })
    );
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(
      caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (key) {
          return key.indexOf(PREFIX) === 0 && key !== CACHE;
        }).map(function (key) { return caches.delete(key); }));
      }).then(function () { return self.clients.claim(); })
    );
  });

  function pageFromNetwork(request) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("timeout")); }, PAGE_TIMEOUT_MS);
      fetch(request).then(function (response) {
        clearTimeout(timer);
        if (response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(APP_URL, copy); });
        }
        resolve(response);
      }, function (err) { clearTimeout(timer); reject(err); });
    });
  }

  function trimTiles(cache) {
    return cache.keys().then(function (keys) {
      var excess = keys.length - TILES.max;
      return Promise.all(keys.slice(0, Math.max(excess, 0)).map(function (key) { return cache.delete(key); }));
    });
  }

  function tileFromNetwork(request, cache) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("timeout")); }, TILE_TIMEOUT_MS);
      fetch(request).then(function (response) {
        clearTimeout(timer);
        // Tiles of another origin arrive opaque (status 0): kept as they are.
        if (response.ok || response.type === "opaque") {
          var copy = response.clone();
          // Delete first, so that a refreshed tile counts as the newest.
          cache.delete(request)
            .then(function () { return cache.put(request, copy); })
            .then(function () { return trimTiles(cache); });
        }
        resolve(response);
      }, function (err) { clearTimeout(timer); reject(err); });
    });
  }

  function tile(request) {
    return caches.open(TILE_CACHE).then(function (cache) {
      return tileFromNetwork(request, cache).catch(function () {
        return cache.match(request).then(function (cached) { return cached || Response.error(); });
      });
    });
  }

  self.addEventListener("fetch", function (event) {
    var request = event.request;
    if (request.method !== "GET") { return; }
    if (TILE_PATTERN && TILE_PATTERN.test(request.url)) {
      event.respondWith(tile(request));
      return;
    }
    var url = new URL(request.url);
    if (url.origin !== self.location.origin) { return; }
    if (url.pathname === APP_URL) {
      event.respondWith(pageFromNetwork(request).catch(function () {
        return caches.match(APP_URL).then(function (cached) {
          return cached || new Response("Offline – die Streifen-App ist noch nicht auf diesem Gerät gespeichert.",
            { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } });
        });
      }));
      return;
    }
    if (ASSETS.indexOf(url.pathname) !== -1) {
      event.respondWith(caches.match(url.pathname).then(function (cached) {
        return cached || fetch(request);
      }));
    }
  });
})();
