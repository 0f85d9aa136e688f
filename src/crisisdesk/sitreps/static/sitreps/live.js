/* The live stream for pages: one EventSource on /api/stream, resumed by the browser with
   Last-Event-ID after a drop. No inline script anywhere (the CSP forbids it). */
(function () {
  "use strict";
  // onRetract(report id, seq): a report this screen shows is no longer released to the viewer
  // (the frame carries nothing else); drop it.
  window.crisisdeskLive = function (url, after, onEvent, onState, onRetract) {
    var sep = url.indexOf("?") >= 0 ? "&" : "?";
    var full = after ? url + sep + "last_event_id=" + encodeURIComponent(after) : url;
    var source = new EventSource(full, { withCredentials: true });
    source.addEventListener("open", function () { onState && onState("live"); });
    source.addEventListener("error", function () { onState && onState("reconnecting"); });
    source.addEventListener("hello", function () { onState && onState("live"); });
    source.addEventListener("ledger", function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      onEvent(event, Number(message.lastEventId));
    });
    source.addEventListener("retracted", function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (e) { return; }
      if (onRetract && event && event.report !== undefined) { onRetract(event.report, Number(message.lastEventId)); }
    });
    return source;
  };
})();
