/* The common operating picture: Leaflet on an offline Natural Earth base map, GeoJSON layers
   from /api/sitreps/layers, live updates from /api/stream. Text from reports is always set with
   textContent, never parsed as HTML. */
(function () {
  "use strict";

  var el = document.getElementById("map");
  if (!el || !window.L) { return; }
  // Show an instant in the viewer's zone and, if different, the host state's, as the pages do.
  var VIEWER = el.dataset.viewerZone || "UTC", HOST = el.dataset.hostZone || "";
  function inZone(d, zone) {
    try {
      var text = new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
      return text.replace(",", "") + " " + zone;
    } catch (e) {
      return d.toISOString().slice(0, 16).replace("T", " ") + " UTC";
    }
  }
  function formatTime(iso) {
    var d = new Date(iso);
    if (!iso || isNaN(d.getTime())) { return iso || ""; }
    var text = inZone(d, VIEWER);
    return HOST && HOST !== VIEWER ? text + " · " + inZone(d, HOST) : text;
  }
  // The page's language: labels translated on the server, in the map element's data-labels.
  var LABELS = (function () {
    try { return JSON.parse(el.dataset.labels || "{}"); } catch (e) { return {}; }
  }());
  function t(text) { return LABELS[text] || text; }
  var EX = el.dataset.labelExercise || "EXERCISE";
  var map = L.map(el, { zoomControl: true, attributionControl: true, preferCanvas: false }).setView([47, 62], 4);
  map.attributionControl.setPrefix("Leaflet · Natural Earth");
  var base = L.layerGroup().addTo(map);
  var layers = {
    members: L.layerGroup().addTo(map),
    airfields: L.layerGroup().addTo(map),
    contingents: L.layerGroup().addTo(map),
    guarded_objects: L.layerGroup().addTo(map),
    sorties: L.layerGroup().addTo(map),
    incidents: L.layerGroup().addTo(map)
  };
  var overlays = {};
  overlays[t("Member states")] = layers.members;
  overlays[t("Airfields")] = layers.airfields;
  overlays[t("Contingents")] = layers.contingents;
  overlays[t("Guarded objects")] = layers.guarded_objects;
  overlays[t("Sorties in the air")] = layers.sorties;
  overlays[t("Incidents (reports)")] = layers.incidents;
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  var atlas = null, members = [], incidentById = {}, caseExercise = el.dataset.exercise === "1";

  function popup(rows, exercise) {
    var box = document.createElement("div");
    if (exercise) {
      var b = document.createElement("strong");
      b.className = "badge exercise"; b.textContent = EX; box.appendChild(b);
    }
    rows.forEach(function (r) {
      if (r[1] === undefined || r[1] === null || r[1] === "") { return; }
      var p = document.createElement("div");
      var k = document.createElement("b"); k.textContent = r[0] + ": ";
      p.appendChild(k); p.appendChild(document.createTextNode(String(r[1])));
      box.appendChild(p);
    });
    return box;
  }

  function drawBase() {
    if (!atlas) { return; }
    base.clearLayers(); layers.members.clearLayers();
    var byNumeric = {};
    members.forEach(function (m) { byNumeric[m.numeric] = m; });
    var countries = topojson.feature(atlas, atlas.objects.countries);
    L.geoJSON(countries, { interactive: false, style: { color: "#7d8a96", weight: 0.6, fillColor: "#f3efe4", fillOpacity: 1 } }).addTo(base);
    var mine = { type: "FeatureCollection", features: countries.features.filter(function (f) { return byNumeric[f.id]; }) };
    L.geoJSON(mine, {
      style: function (f) {
        var m = byNumeric[f.id];
        return { color: m.host ? "#8a0000" : "#0b3d91", weight: m.host ? 2 : 1.2, fillColor: m.host ? "#f4c7c3" : "#c9d8f0", fillOpacity: 0.55 };
      },
      onEachFeature: function (f, layer) {
        var m = byNumeric[f.id];
        layer.bindPopup(popup([[t("State"), m.name_en + " / " + m.name_ru], [t("Code"), m.code], [t("Status"), m.status], [t("Host"), m.host ? t("yes") : ""]]));
      }
    }).addTo(layers.members);
  }

  function incidentLayer(f) {
    var p = f.properties || {};
    var ex = !!p.exercise || caseExercise;
    var color = ex ? "#b35c00" : ({ Extreme: "#6b0000", Severe: "#b00020", Moderate: "#d35400" }[p.severity] || "#555");
    var style = { color: color, weight: 2, dashArray: ex ? "6 4" : null, fillColor: color, fillOpacity: 0.35,
      className: ex ? "incident exercise-item" : "incident" };
    var layer = f.geometry.type === "Point"
      ? L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]], Object.assign({ radius: 8 }, style))
      : L.geoJSON(f, { style: function () { return style; } });
    layer.bindPopup(popup([[t("Report"), p.number], [t("Title"), p.title], [t("Type"), t(p.kind)], [t("Source"), p.source], [t("Place"), p.place],
      [t("Urgency / severity / confidence"), [t(p.urgency), t(p.severity), t(p.confidence)].join(" / ")], [t("Status"), t(p.status)], [t("Filed"), formatTime(p.filed_at)]], ex));
    layer.feature = f;
    return layer;
  }

  function putIncident(f) {
    var id = f.properties && f.properties.id;
    if (id !== undefined && incidentById[id]) { layers.incidents.removeLayer(incidentById[id]); }
    var layer = incidentLayer(f);
    layer.addTo(layers.incidents);
    if (id !== undefined) {
      incidentById[id] = layer;
      // A stable hook on the drawn shape (the SVG path) for tests and tools: which report it shows.
      (layer.eachLayer ? layer.getLayers() : [layer]).forEach(function (l) {
        var node = l.getElement && l.getElement();
        if (node) { node.setAttribute("data-sitrep-id", String(id)); }
      });
    }
    var count = Object.keys(incidentById).length;
    el.dataset.incidents = String(count);
    el.setAttribute("data-incident-ids", Object.keys(incidentById).join(","));
  }

  function pointStyle(color, ex) {
    return { radius: 6, color: ex ? "#b35c00" : color, weight: 2, dashArray: ex ? "4 3" : null, fillColor: color, fillOpacity: 0.8 };
  }

  function draw(data) {
    members = data.members || [];
    drawBase();
    ["airfields", "contingents", "guarded_objects", "sorties", "incidents"].forEach(function (k) { layers[k].clearLayers(); });
    incidentById = {};
    L.geoJSON(data.airfields, {
      pointToLayer: function (f, ll) { return L.circleMarker(ll, pointStyle("#2c3e50", false)); },
      onEachFeature: function (f, l) { var p = f.properties; l.bindPopup(popup([[t("Airfield"), p.name], [t("ICAO"), p.icao], [t("Role (2022)"), p.role], [t("Source"), p.source]])); }
    }).addTo(layers.airfields);
    L.geoJSON(data.contingents, {
      pointToLayer: function (f, ll) { return L.circleMarker(ll, Object.assign(pointStyle("#1e7b34", f.properties.exercise), { radius: 10 })); },
      onEachFeature: function (f, l) { var p = f.properties; l.bindPopup(popup([[t("Contingent"), p.state], [t("Personnel"), p.personnel], [t("Vehicles"), p.vehicles], [t("Arrived %"), p.arrival_percent], [t("Airfield"), p.airfield]], p.exercise)); }
    }).addTo(layers.contingents);
    L.geoJSON(data.guarded_objects, {
      pointToLayer: function (f, ll) { return L.circleMarker(ll, pointStyle("#6c3483", f.properties.exercise)); },
      onEachFeature: function (f, l) { var p = f.properties; l.bindPopup(popup([[t("Guarded object"), p.name_en], ["", p.name_ru], [t("Kind"), p.kind], [t("Guarded by"), p.state], [t("Status"), p.status], [t("Location precision"), p.precision]], p.exercise)); }
    }).addTo(layers.guarded_objects);
    L.geoJSON(data.sorties, {
      style: function (f) { return { color: f.properties.exercise ? "#b35c00" : "#0b3d91", weight: 2, dashArray: "8 6" }; },
      onEachFeature: function (f, l) { var p = f.properties; l.bindPopup(popup([[t("Sortie"), p.aircraft], [t("From"), p.origin], [t("To"), p.destination], [t("Movement"), p.movement], [t("Departed"), formatTime(p.departed_at)]], p.exercise)); }
    }).addTo(layers.sorties);
    ((data.incidents || {}).features || []).forEach(putIncident);
    el.dataset.incidents = String(Object.keys(incidentById).length);
  }

  var feed = document.getElementById("feed");
  function note(ev) {
    if (!feed) { return; }
    var li = document.createElement("li");
    if (ev.exercise) { li.className = "exercise"; }
    var d = ev.data || {};
    var text = formatTime(ev.at) + " " + t(ev.type) + (d.title ? " — " + d.title : "") + (d.source ? " (" + d.source + ")" : "");
    li.textContent = (ev.exercise ? "[" + EX + "] " : "") + text;
    if (d.report !== undefined) { li.setAttribute("data-sitrep-id", String(d.report)); }
    feed.insertBefore(li, feed.firstChild);
    while (feed.children.length > 50) { feed.removeChild(feed.lastChild); }
  }

  var reloadTimer = null;
  function reloadSoon() {
    if (reloadTimer) { return; }
    reloadTimer = setTimeout(function () { reloadTimer = null; load(); }, 300);
  }

  function onEvent(ev, seq) {
    el.dataset.lastSeq = String(seq);
    note(ev);
    var d = ev.data || {};
    if ((ev.type === "sitreps:report:filed" || ev.type === "sitreps:report:updated") && d.report !== undefined) {
      if (d.location) {
        putIncident({ type: "Feature", geometry: d.location, properties: {
          id: d.report, number: d.number, kind: d.kind, title: d.title, source: d.source, urgency: d.urgency,
          severity: d.severity, confidence: d.confidence, place: d.place, status: d.status, exercise: !!(d.exercise || ev.exercise), filed_at: d.filed_at } });
      } else {
        dropIncident(d.report);
      }
    } else if (ev.type.indexOf("forces:") === 0) {
      reloadSoon();
    }
  }

  function dropIncident(id) {
    if (incidentById[id]) { layers.incidents.removeLayer(incidentById[id]); delete incidentById[id]; }
    el.dataset.incidents = String(Object.keys(incidentById).length);
    el.setAttribute("data-incident-ids", Object.keys(incidentById).join(","));
  }

  // The report is no longer released to this viewer: take it off the map and out of the feed.
  function onRetract(id, seq) {
    el.dataset.lastSeq = String(seq);
    dropIncident(id);
    if (feed) {
      Array.prototype.slice.call(feed.querySelectorAll("li[data-sitrep-id]")).forEach(function (li) {
        if (li.getAttribute("data-sitrep-id") === String(id)) { feed.removeChild(li); }
      });
    }
  }

  var started = false;
  function load() {
    return fetch(el.dataset.layersUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error("layers " + r.status); } return r.json(); })
      .then(function (data) {
        draw(data);
        if (!started) {
          started = true;
          el.dataset.lastSeq = String(data.seq || 0);
          var state = document.getElementById("live-state");
          window.crisisdeskLive(el.dataset.streamUrl, data.seq, onEvent, function (s) {
            el.dataset.live = s; if (state) { state.textContent = t(s); }
          }, onRetract);
        }
      })
      .catch(function (e) { el.dataset.error = String(e); });
  }

  fetch(el.dataset.atlasUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); })
    .then(function (topo) { atlas = topo; drawBase(); }).catch(function () { /* the layers still show */ });
  load();
})();
