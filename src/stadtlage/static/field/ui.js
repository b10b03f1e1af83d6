/* Small helpers of the field app: ids, form controls, German field labels, the City's box,
   notices (success and error look different; success notices vanish when the next action
   starts). Exposes window.FieldUI. */
(function () {
  "use strict";
  var DORTMUND = { minLat: 51.41, maxLat: 51.60, minLon: 7.30, maxLon: 7.64 };
  var LABELS = {
    category: "Art der Feststellung", persons_count: "Anzahl Personen", occurred_at: "Zeitpunkt",
    location: "Ort", lat: "Ort", lon: "Ort", accuracy_m: "Genauigkeit", place: "Ort aus Liste",
    patrol: "Streife", measure_type: "Maßnahme", observation: "Feststellung", amount_eur: "Verwarnungsgeld",
    case_number: "Aktenzeichen", referral_service: "Vermittlung an", cleaning_kind: "Reinigung",
    cleaning_what: "Was ist zu entfernen", id: "ID", photo: "Foto", status: "Status", at: "Zeitpunkt",
    area: "Gebiet", ended_at: "Ende", started_at: "Beginn", record: "Datensatz"
  };

  function uuid4() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function inDortmund(lat, lon) {
    return lat >= DORTMUND.minLat && lat <= DORTMUND.maxLat && lon >= DORTMUND.minLon && lon <= DORTMUND.maxLon;
  }

  function localInputValue(date) {
    var d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
    return d.toISOString().slice(0, 16);
  }

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value; o.textContent = text;
    return o;
  }

  function fill(select, items, placeholder) {
    select.textContent = "";
    if (placeholder) { select.appendChild(option("", placeholder)); }
    items.forEach(function (it) { select.appendChild(option(it[0], it[1])); });
  }

  function showErrors(box, errors) {
    box.textContent = "";
    if (!errors.length) { box.hidden = true; return; }
    var ul = document.createElement("ul");
    errors.forEach(function (e) {
      var li = document.createElement("li");
      li.textContent = (LABELS[e.field] || e.field) + ": " + e.message;
      ul.appendChild(li);
    });
    box.appendChild(ul);
    box.hidden = false;
    box.focus();
  }

  /* A one-line notice: kind "ok" (green, polite) or "error" (red box, announced at once). */
  function notify(el, text, kind) {
    el.textContent = text || "";
    el.hidden = !text;
    el.classList.add("notice");
    el.classList.toggle("notice-error", kind === "error");
    el.classList.toggle("notice-ok", kind !== "error");
    el.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  /* Success notices belong to the action that produced them: clear them all when the
     officer starts another one (a click on a button, a change in a form). */
  function clearSuccessNotices(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll(".notice-ok"), function (el) {
      el.textContent = "";
      el.hidden = true;
    });
  }

  function watchActions(root) {
    var clear = function (event) {
      var target = event.target;
      if (event.type === "click" && !(target.closest && target.closest("button"))) { return; }
      clearSuccessNotices(root);
    };
    root.addEventListener("click", clear, true);
    root.addEventListener("input", clear, true);
    root.addEventListener("change", clear, true);
  }

  window.FieldUI = {
    LABELS: LABELS, uuid4: uuid4, inDortmund: inDortmund, localInputValue: localInputValue,
    fill: fill, showErrors: showErrors, notify: notify, clearSuccessNotices: clearSuccessNotices,
    watchActions: watchActions
  };
})();
