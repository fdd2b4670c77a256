/* Filters of the credits page: presets, custom range, source pills and the
 * certification filter. The page works without this script (the entries,
 * and the total of all of them, are already written); with it, filters
 * live in the query string so a filtered view is a link to share:
 *   ?cert=ID&preset=30d&source=external&from=D&to=D
 * Amounts are summed in integer cents, never in binary floating point.
 * A ledger of ordinary size filters the table's rows in place; at firm
 * scale the rows come from data files and the newest matches are drawn. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("credits-table");
  var totalEl = document.getElementById("total-credits");
  if (!form || !table || !totalEl) { return; }
  form.hidden = false;

  var asOf = form.getAttribute("data-as-of");
  var tbody = table.querySelector("tbody");
  var countEl = document.getElementById("row-count");
  var noMatch = document.getElementById("no-match");
  var more = document.getElementById("credits-more");
  var listedNote = document.getElementById("listed-note");
  var fromInput = document.getElementById("filter-from");
  var toInput = document.getElementById("filter-to");
  var certSelect = document.getElementById("filter-cert");
  var presetButtons = Array.prototype.slice.call(form.querySelectorAll("[data-preset]"));
  var sourceButtons = Array.prototype.slice.call(form.querySelectorAll("[data-source]"));
  var PRESETS = ["all", "ytd", "7d", "30d", "last-year"];
  var DATE = /^\d{4}-\d{2}-\d{2}$/;
  function isDay(text) {  // a real calendar day: 2026-02-30 or 2026-13-40 in a shared link is ignored, not an empty view
    if (!DATE.test(text)) { return false; }
    var d = new Date(text + "T00:00:00Z");
    return !isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
  }
  var PAGE = 200;
  var dataMode = table.getAttribute("data-mode") === "data" && Array.isArray(window.recertgenCredits);
  var shown = PAGE;
  var items;

  if (dataMode) {
    // [date, source, credits, {cert: credits}, title, page, provider, source label, counts toward, proof]
    items = [];
    window.recertgenCredits.forEach(function (chunk) {
      chunk.forEach(function (r) { items.push({ date: r[0], source: r[1], all: r[2], per: r[3], data: r }); });
    });
    if (listedNote) { listedNote.hidden = true; }
  } else {
    items = Array.prototype.map.call(tbody.querySelectorAll("tr[data-date]"), function (row) {
      var per = {};
      (row.getAttribute("data-certs") || "").split(" ").forEach(function (cert) {
        if (cert) { per[cert] = row.getAttribute("data-credits-" + cert); }
      });
      return { date: row.getAttribute("data-date"), source: row.getAttribute("data-source"), all: row.getAttribute("data-credits"), per: per, row: row };
    });
  }
  var state = { preset: "all", from: "", to: "", source: "all", cert: "" };

  var centsOf = Object.create(null); // amounts repeat by the thousand: parse each text once
  function toCents(text) {
    var known = centsOf[text];
    if (known !== undefined) { return known; }
    var parts = text.split(".");
    return (centsOf[text] = parseInt(parts[0] || "0", 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10));
  }
  function fromCents(cents) {
    var rest = String(cents % 100);
    return Math.floor(cents / 100) + "." + (rest.length < 2 ? "0" + rest : rest);
  }
  function shift(iso, days, years) {
    var d = new Date(iso + "T00:00:00Z");
    if (years) {
      var month = d.getUTCMonth();
      d.setUTCFullYear(d.getUTCFullYear() + years);
      if (d.getUTCMonth() !== month) { d.setUTCDate(0); }  // 29 February in a common year: the 28th
    }
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
  function creditsOf(item) {
    if (!state.cert) { return item.all; }
    var own = item.per[state.cert];
    return own === undefined || own === null ? null : own;
  }
  function matches(item, r) {
    if (r && (item.date < r[0] || item.date > r[1])) { return false; }
    if (state.source !== "all" && item.source !== state.source) { return false; }
    return creditsOf(item) !== null;
  }

  function cell(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function drawRow(item, credits) {
    var r = item.data;
    var tr = document.createElement("tr");
    tr.setAttribute("data-date", r[0]);
    tr.setAttribute("data-source", r[1]);
    tr.setAttribute("data-credits", credits);
    var date = cell("td");
    var time = cell("time", r[0]);
    time.setAttribute("datetime", r[0]);
    date.appendChild(time);
    tr.appendChild(date);
    var title = cell("td");
    var link = cell("a", r[4]);
    link.setAttribute("href", "../" + r[5]);
    title.appendChild(link);
    tr.appendChild(title);
    tr.appendChild(cell("td", r[6]));
    tr.appendChild(cell("td", r[7]));
    tr.appendChild(cell("td", r[8]));
    var amount = cell("td", credits);
    amount.className = "num credits-cell";
    tr.appendChild(amount);
    var proof = cell("td");
    if (r[9]) {
      var a = cell("a", "proof");
      a.setAttribute("href", /^https:/.test(r[9]) ? r[9] : "../" + r[9]);
      proof.appendChild(a);
    } else {
      var none = cell("span", "none");
      none.className = "muted";
      proof.appendChild(none);
    }
    tr.appendChild(proof);
    return tr;
  }

  function apply(resetPaging) {
    if (resetPaging) { shown = PAGE; }
    var total = 0;
    var count = 0;
    var drawn = dataMode ? document.createDocumentFragment() : null;
    var r = range(); // once per change, not once per entry
    items.forEach(function (item) {
      var visible = matches(item, r);
      var credits = visible ? creditsOf(item) : creditsOf(item) || item.all;
      if (visible) { total += toCents(credits); count += 1; }
      if (dataMode) {
        if (visible && count <= shown) { drawn.appendChild(drawRow(item, credits)); }
      } else {
        item.row.setAttribute("data-credits", credits);
        var amount = item.row.querySelector(".credits-cell");
        if (amount) { amount.textContent = credits; }
        item.row.hidden = !visible;
      }
    });
    if (dataMode) {
      tbody.textContent = "";
      tbody.appendChild(drawn);
      if (more) { more.hidden = count <= shown; }
    }
    totalEl.textContent = fromCents(total);
    if (countEl) { countEl.textContent = String(count); }
    if (noMatch) { noMatch.hidden = count !== 0; }
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
    state.from = isDay(from) ? from : "";
    state.to = isDay(to) ? to : "";
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
      apply(true);
    });
  });
  sourceButtons.forEach(function (b) {
    b.addEventListener("click", function () { state.source = b.getAttribute("data-source"); apply(true); });
  });
  fromInput.addEventListener("change", function () { state.from = isDay(fromInput.value) ? fromInput.value : ""; apply(true); });
  toInput.addEventListener("change", function () { state.to = isDay(toInput.value) ? toInput.value : ""; apply(true); });
  certSelect.addEventListener("change", function () { state.cert = certSelect.value; apply(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  if (more) { more.addEventListener("click", function () { shown += PAGE; apply(false); }); }

  readQuery();
  apply(true);
})();
