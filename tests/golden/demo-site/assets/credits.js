/* Filters of the credits page: presets, custom range, source pills and the
 * certification filter. The page works without this script (all entries,
 * total already written); with it, filters live in the query string so a
 * filtered view is a link that can be shared:
 *   ?cert=ID&preset=30d&source=external&from=D&to=D
 * Amounts are summed in integer cents, never in binary floating point. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("credits-table");
  var totalEl = document.getElementById("total-credits");
  if (!form || !table || !totalEl) { return; }
  form.hidden = false;

  var asOf = form.getAttribute("data-as-of");
  var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-date]"));
  var countEl = document.getElementById("row-count");
  var noMatch = document.getElementById("no-match");
  var fromInput = document.getElementById("filter-from");
  var toInput = document.getElementById("filter-to");
  var certSelect = document.getElementById("filter-cert");
  var presetButtons = Array.prototype.slice.call(form.querySelectorAll("[data-preset]"));
  var sourceButtons = Array.prototype.slice.call(form.querySelectorAll("[data-source]"));
  var PRESETS = ["all", "ytd", "7d", "30d", "last-year"];
  var DATE = /^\d{4}-\d{2}-\d{2}$/;

  rows.forEach(function (row) {
    row.setAttribute("data-credits-all", row.getAttribute("data-credits"));
  });
  var state = { preset: "all", from: "", to: "", source: "all", cert: "" };

  function toCents(text) {
    var negative = text.charAt(0) === "-";
    var parts = text.replace("-", "").split(".");
    var cents = parseInt(parts[0] || "0", 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
    return negative ? -cents : cents;
  }
  function fromCents(cents) {
    var sign = cents < 0 ? "-" : "";
    cents = Math.abs(cents);
    var rest = String(cents % 100);
    return sign + Math.floor(cents / 100) + "." + (rest.length < 2 ? "0" + rest : rest);
  }
  function shift(iso, days, years) {
    var d = new Date(iso + "T00:00:00Z");
    if (years) { d.setUTCFullYear(d.getUTCFullYear() + years); }
    d.setUTCDate(d.getUTCDate() + days);
    return d.toISOString().slice(0, 10);
  }
  function range() {
    if (state.from || state.to) { return [state.from || "0000-01-01", state.to || "9999-12-31"]; }
    switch (state.preset) {
      case "ytd": return [asOf.slice(0, 4) + "-01-01", asOf];
      case "7d": return [shift(asOf, -6, 0), asOf];
      case "30d": return [shift(asOf, -29, 0), asOf];
      case "last-year": return [shift(asOf, 1, -1), asOf];
      default: return null;
    }
  }

  function apply() {
    var r = range();
    var total = 0;
    var shown = 0;
    rows.forEach(function (row) {
      var date = row.getAttribute("data-date");
      var credits = row.getAttribute("data-credits-all");
      var visible = !r || (date >= r[0] && date <= r[1]);
      if (visible && state.source !== "all") { visible = row.getAttribute("data-source") === state.source; }
      if (state.cert) {
        var own = row.getAttribute("data-credits-" + state.cert);
        if (own === null) { visible = false; } else { credits = own; }
      }
      row.setAttribute("data-credits", credits);
      var cell = row.querySelector(".credits-cell");
      if (cell) { cell.textContent = credits; }
      row.hidden = !visible;
      if (visible) { total += toCents(credits); shown += 1; }
    });
    totalEl.textContent = fromCents(total);
    if (countEl) { countEl.textContent = String(shown); }
    if (noMatch) { noMatch.hidden = shown !== 0; }
    presetButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(!state.from && !state.to && b.getAttribute("data-preset") === state.preset));
    });
    sourceButtons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-source") === state.source));
    });
    fromInput.value = state.from;
    toInput.value = state.to;
    certSelect.value = state.cert;
    writeQuery();
  }

  function writeQuery() {
    var params = new URLSearchParams();
    if (state.cert) { params.set("cert", state.cert); }
    if (state.preset !== "all" && !state.from && !state.to) { params.set("preset", state.preset); }
    if (state.source !== "all") { params.set("source", state.source); }
    if (state.from) { params.set("from", state.from); }
    if (state.to) { params.set("to", state.to); }
    var query = params.toString();
    try {
      history.replaceState(null, "", (query ? "?" + query : location.pathname.split("/").pop() || "./") + location.hash);
    } catch (e) { /* some browsers refuse for file:// pages; the view still filters */ }
  }

  function readQuery() {
    var params = new URLSearchParams(location.search);
    var preset = params.get("preset");
    state.preset = PRESETS.indexOf(preset) >= 0 ? preset : "all";
    var from = params.get("from") || "";
    var to = params.get("to") || "";
    state.from = DATE.test(from) ? from : "";
    state.to = DATE.test(to) ? to : "";
    var source = params.get("source");
    state.source = source && sourceButtons.some(function (b) { return b.getAttribute("data-source") === source; }) ? source : "all";
    var cert = params.get("cert") || "";
    state.cert = Array.prototype.some.call(certSelect.options, function (o) { return o.value === cert; }) ? cert : "";
  }

  presetButtons.forEach(function (b) {
    b.addEventListener("click", function () {
      state.preset = b.getAttribute("data-preset");
      state.from = "";
      state.to = "";
      apply();
    });
  });
  sourceButtons.forEach(function (b) {
    b.addEventListener("click", function () { state.source = b.getAttribute("data-source"); apply(); });
  });
  fromInput.addEventListener("change", function () { state.from = DATE.test(fromInput.value) ? fromInput.value : ""; apply(); });
  toInput.addEventListener("change", function () { state.to = DATE.test(toInput.value) ? toInput.value : ""; apply(); });
  certSelect.addEventListener("change", function () { state.cert = certSelect.value; apply(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  readQuery();
  apply();
})();
