/* The shell's behaviour: live clocks in two zones and deadline countdowns.
   No inline script anywhere: the Content Security Policy allows only files like this one. */
(function () {
  "use strict";

  // Pages carry the server's time; the clocks follow it rather than the browser's clock,
  // because the server's clock may be injected (an exercise replayed in 2022).
  var offset = 0;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function wallTime(ms, zone) {
    var parts = {};
    try {
      new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
      }).formatToParts(new Date(ms)).forEach(function (p) { parts[p.type] = p.value; });
    } catch (e) {
      return null;  // an unknown zone: keep the server-rendered text
    }
    return parts.year + "-" + parts.month + "-" + parts.day + " " + parts.hour + ":" + parts.minute + ":" + parts.second;
  }

  function duration(ms, el) {
    var s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
    var m = Math.floor(s % 3600 / 60), sec = s % 60, u = el.dataset;
    return (d ? d + " " + u.unitD + " " : "") + h + " " + u.unitH + " " + pad(m) + " " + u.unitM + " " + pad(sec) + " " + u.unitS;
  }

  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll(".live-clock[data-zone]").forEach(function (el) {
      var time = el.querySelector("time"), text = wallTime(now, el.dataset.zone);
      if (time && text) { time.textContent = text; }
    });
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var left = Date.parse(el.dataset.deadline) - now;
      el.textContent = left > 0 ? "(" + duration(left, el) + " " + el.dataset.labelLeft + ")" : "(" + el.dataset.labelPassed + ")";
      el.classList.toggle("due", left <= 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.querySelector("[data-server-now]");
    var server = el ? Date.parse(el.dataset.serverNow) : NaN;
    offset = isNaN(server) ? 0 : server - Date.now();
    tick();
    window.setInterval(tick, 1000);
  });
})();
