/* Search and filters of the opportunity index, over the index built with
 * the site (opportunities/search-index.js). Filters live in the query
 * string: ?q=&cert=&format=&delivery=&cost=free|paid&when=upcoming|past */
(function () {
  "use strict";
  var data = window.recertgenOpportunities;
  var form = document.getElementById("opp-filters");
  var list = document.getElementById("opp-list");
  if (!data || !form || !list) { return; }
  form.hidden = false;
  var PAGE = 100;
  var FIELDS = ["q", "cert", "format", "delivery", "cost", "when"];
  var inputs = {
    q: document.getElementById("opp-search"),
    cert: document.getElementById("opp-cert"),
    format: document.getElementById("opp-format"),
    delivery: document.getElementById("opp-delivery"),
    cost: document.getElementById("opp-cost"),
    when: document.getElementById("opp-when")
  };
  var countEl = document.getElementById("opp-count");
  var more = document.getElementById("opp-more");
  var note = document.getElementById("opp-static-note");
  if (note) { note.hidden = true; }
  var shown = PAGE;
  var matches = [];

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function render(row) {
    // [id, title, provider, when, sortDate, past, format, formatLabel, delivery, cost, free, duration, topics, certs, estimates, haystack, url, logged]
    var li = el("li", "opp" + (row[5] ? " past" : ""));
    var h = el("h2", "opp-title");
    var a = el("a", "", row[1]);
    a.setAttribute("href", "../" + row[16]);
    h.appendChild(a);
    li.appendChild(h);
    var meta = el("p", "opp-meta");
    var parts = [];
    if (row[2]) { parts.push(row[2]); }
    parts.push(row[3] + (row[5] ? " (past)" : ""));
    if (row[7]) { parts.push(row[7]); }
    if (row[11]) { parts.push(row[11]); }
    parts.push(row[9]);
    meta.textContent = parts.join(" · ");
    li.appendChild(meta);
    if (row[17].length) {
      var logged = el("p", "opp-logged", "Logged ");
      row[17].forEach(function (entry, i) {
        if (i) { logged.appendChild(document.createTextNode(", ")); }
        var link = el("a", "", entry[0]);
        link.setAttribute("href", "../" + entry[1]);
        logged.appendChild(link);
      });
      li.appendChild(logged);
    }
    if (row[14].length) {
      var ul = el("ul", "opp-estimates");
      row[14].forEach(function (e) {
        var item = el("li", "", e[0] + ": ");
        item.appendChild(el("strong", "", e[1]));
        item.appendChild(document.createTextNode(" " + e[2]));
        if (e[3]) { item.appendChild(document.createTextNode(" ")); item.appendChild(el("span", "muted", "(" + e[3] + ")")); }
        ul.appendChild(item);
      });
      li.appendChild(ul);
    }
    if (row[12].length) {
      var topics = el("p", "opp-topics");
      row[12].forEach(function (t) { topics.appendChild(el("span", "topic", t)); });
      li.appendChild(topics);
    }
    return li;
  }

  function state() {
    var s = {};
    FIELDS.forEach(function (f) { s[f] = inputs[f].value.trim(); });
    return s;
  }
  function matchesRow(row, s, words) {
    if (s.cert && row[13].indexOf(s.cert) < 0) { return false; }
    if (s.format && row[6] !== s.format) { return false; }
    if (s.delivery && row[8] !== s.delivery) { return false; }
    if (s.cost === "free" && !row[10]) { return false; }
    if (s.cost === "paid" && row[10]) { return false; }
    if (s.when === "upcoming" && row[5]) { return false; }
    if (s.when === "past" && !row[5]) { return false; }
    for (var i = 0; i < words.length; i++) {
      if (row[15].indexOf(words[i]) < 0) { return false; }
    }
    return true;
  }
  function apply(resetPaging) {
    var s = state();
    var words = s.q.toLowerCase().split(/\s+/).filter(Boolean);
    matches = data.rows.filter(function (row) { return matchesRow(row, s, words); });
    if (resetPaging) { shown = PAGE; }
    draw();
    writeQuery(s);
  }
  function draw() {
    var fragment = document.createDocumentFragment();
    matches.slice(0, shown).forEach(function (row) { fragment.appendChild(render(row)); });
    list.textContent = "";
    list.appendChild(fragment);
    var n = matches.length;
    countEl.textContent = n + (n === 1 ? " opportunity" : " opportunities") + (n < data.rows.length ? " of " + data.rows.length : "");
    more.hidden = matches.length <= shown;
  }
  function writeQuery(s) {
    var params = new URLSearchParams();
    FIELDS.forEach(function (f) { if (s[f]) { params.set(f, s[f]); } });
    var query = params.toString();
    try {
      history.replaceState(null, "", (query ? "?" + query : location.pathname.split("/").pop() || "./") + location.hash);
    } catch (e) { /* file:// in some browsers */ }
  }
  function readQuery() {
    var params = new URLSearchParams(location.search);
    FIELDS.forEach(function (f) {
      var value = params.get(f) || "";
      var input = inputs[f];
      if (input.tagName === "SELECT" && !Array.prototype.some.call(input.options, function (o) { return o.value === value; })) { value = ""; }
      input.value = value;
    });
  }

  FIELDS.forEach(function (f) {
    inputs[f].addEventListener(f === "q" ? "input" : "change", function () { apply(true); });
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  more.addEventListener("click", function () { shown += PAGE; draw(); });
  readQuery();
  apply(false);
})();
