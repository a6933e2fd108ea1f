// CMS dashboard: live updates by Server-Sent Events (/live). Plain JavaScript, no build step.
(function () {
  "use strict";
  if (!document.body || document.body.dataset.live !== "1" || !window.EventSource) return;
  var status = document.getElementById("live-status");
  var source = new EventSource("/live");
  function mark(on) {
    if (!status) return;
    status.classList.toggle("on", on);
    status.textContent = on ? status.dataset.liveLabel : status.dataset.offlineLabel;
  }
  source.onopen = function () { mark(true); };
  source.onerror = function () { mark(false); };
  function cell(text, href) {
    var td = document.createElement("td");
    if (href && text) {
      var a = document.createElement("a");
      a.href = href; a.textContent = text; td.appendChild(a);
    } else {
      td.textContent = text || "";
    }
    return td;
  }
  source.addEventListener("events", function (message) {
    var events = JSON.parse(message.data);
    document.querySelectorAll("table.events").forEach(function (table) {
      var live = table.closest("[data-live-events]") || table.closest("main").querySelector("#state-counters");
      var identity = document.getElementById("identity");
      if (!live && !identity) return;
      var body = table.tBodies[0];
      var max = parseInt(table.dataset.max || "1000", 10);
      events.forEach(function (e) {
        if (identity && e.device !== identity.dataset.code) return;
        var tr = document.createElement("tr");
        tr.dataset.id = e.id; tr.className = "sev-" + e.severity + " fresh";
        [cell(e.time), cell(e.severity), cell(e.type), cell(e.device, "/devices/" + encodeURIComponent(e.device)),
         cell(e.group), cell(e.user), cell(e.message)].forEach(function (td) { tr.appendChild(td); });
        body.insertBefore(tr, body.firstChild);
      });
      while (body.rows.length > max) body.deleteRow(body.rows.length - 1);
      var count = document.getElementById("event-count");
      if (count && live) count.textContent = body.rows.length;
    });
  });
  source.addEventListener("device", function (message) {
    var d = JSON.parse(message.data);
    var targets = [];
    document.querySelectorAll("tr[data-code]").forEach(function (tr) { if (tr.dataset.code === d.code) targets.push(tr); });
    var identity = document.getElementById("identity");
    if (identity && identity.dataset.code === d.code) targets.push(identity);
    targets.forEach(function (row) {
      var state = row.querySelector("[data-state]");
      if (state) {
        state.dataset.state = d.state; state.textContent = d.stateLabel;
        state.className = "state state-" + d.state;
      }
      var sync = row.querySelector("[data-sync]");
      if (sync) { sync.dataset.sync = d.sync; sync.textContent = d.sync; }
      ["firmware", "hostname", "address"].forEach(function (name) {
        var el = row.querySelector("." + name);
        if (el) el.textContent = d[name];
      });
    });
  });
  source.addEventListener("counts", function (message) {
    var counts = JSON.parse(message.data);
    Object.keys(counts).forEach(function (state) {
      var el = document.querySelector('[data-count-state="' + state + '"] .n');
      if (el) el.textContent = counts[state];
    });
  });
  source.addEventListener("end", function () { source.close(); mark(false); });
})();
