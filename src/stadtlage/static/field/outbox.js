/* The list "Auf diesem Gerät erfasst": every record of this officer on this phone with its
   state, and for records not yet on the server the actions "Korrigieren" (observations and
   measures) and "Zurückziehen" (with a second click to confirm).
   Exposes window.FieldOutbox. */
(function () {
  "use strict";
  var EDITABLE = { observation: true, measure: true };
  var WITHDRAWABLE = { observation: true, measure: true, presence: true };
  var OPEN = { pending: true, waiting: true, refused: true };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function button(text, action, id) {
    var b = el("button", "small", text);
    b.type = "button";
    b.dataset.action = action;
    b.dataset.id = id;
    return b;
  }

  /* options: kindLabels, statusText, labels, describe(record), busy (a send is under way),
     confirming ({ id, dependents }: the record whose withdrawal waits for the second click) */
  function render(list, rows, options) {
    list.textContent = "";
    rows.forEach(function (r) {
      var li = el("li", "record record-" + r.status);
      li.dataset.id = r.id;
      li.dataset.status = r.status;
      li.dataset.kind = r.kind;
      li.appendChild(el("strong", "", options.kindLabels[r.kind] + ": " + options.describe(r)));
      li.appendChild(document.createTextNode(" "));
      var flags = (r.flags || []).indexOf("low_accuracy") >= 0 ? " · Ort ungenau" : "";
      li.appendChild(el("span", "badge", options.statusText[r.status] + (r.correctedAt && OPEN[r.status] ? " · korrigiert" : "") + flags));
      if (r.error && r.status !== "sent") {
        var text = r.error.detail + " " + (r.error.errors || []).map(function (e) {
          return (options.labels[e.field] || e.field) + ": " + e.message;
        }).join(" ");
        li.appendChild(el("p", r.status === "conflict" ? "conflict-detail" : "notice notice-error", text));
      }
      if (OPEN[r.status] && (EDITABLE[r.kind] || WITHDRAWABLE[r.kind])) {
        var actions = el("p", "record-actions");
        li.appendChild(actions);
        var confirming = options.confirming;
        if (confirming && confirming.id === r.id) {
          confirmWithdrawal(actions, r, confirming.dependents);
        } else {
          if (EDITABLE[r.kind]) { actions.appendChild(button("Korrigieren", "edit", r.id)); }
          if (WITHDRAWABLE[r.kind]) { actions.appendChild(button("Zurückziehen", "withdraw", r.id)); }
        }
        Array.prototype.forEach.call(actions.querySelectorAll("button"), function (b) { b.disabled = !!options.busy; });
      }
      list.appendChild(li);
    });
  }

  /* Second step of a withdrawal, in place of the actions of that record. */
  function confirmWithdrawal(actions, record, dependents) {
    var question = "Wirklich zurückziehen?";
    if (dependents) { question += " Die " + dependents + " nicht gesendete(n) Maßnahme(n) dazu werden ebenfalls zurückgezogen."; }
    if (record.tried) {
      question += " Achtung: Dieser Datensatz wurde schon einmal gesendet, ohne dass eine Antwort ankam – er kann beim Server bereits gespeichert sein.";
    }
    actions.appendChild(el("span", "confirm-question", question + " "));
    actions.appendChild(button("Ja, zurückziehen", "withdraw-confirm", record.id));
    actions.appendChild(button("Nein", "withdraw-cancel", record.id));
  }

  window.FieldOutbox = { render: render, OPEN: OPEN };
})();
