/* The dashboard refreshes its figures when the case's live stream says something changed. */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || !window.crisisdeskLive) { return; }
  var timer = null;
  function refresh() {
    timer = null;
    fetch(window.location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("dashboard-body");
      var old = document.getElementById("dashboard-body");
      if (fresh && old) { old.replaceWith(document.importNode(fresh, true)); }
    });
  }
  function changed(ev, seq) {
    root.dataset.lastSeq = String(seq);
    if (!timer) { timer = setTimeout(refresh, 500); }
  }
  // A retracted report leaves the figures too: the page, drawn again, no longer counts it.
  window.crisisdeskLive(root.dataset.streamUrl, null, changed, null, function (report, seq) { changed(null, seq); });
})();
