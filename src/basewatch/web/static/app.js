// basewatch dashboard: MapLibre over the read-only API, all from 127.0.0.1.
// Layers are entries of LAYERS: a capability adds one (url for a date + map layers) and
// the time slider, legend and reload loop pick it up.
"use strict";

const SYNTHETIC_COLOUR = "#8e24aa";
// The model's colour when a faction has none set: such factions get one of PALETTE instead.
const UNSET_COLOUR = "#888888";
// Distinct on a pale basemap, and apart from the colours that mean something else here:
// purple (synthetic), red and orange (front, rings, reach areas), yellow (alerts).
const PALETTE = ["#1b9e77", "#377eb8", "#e7298a", "#66a61e", "#a6761d", "#1f78b4", "#b2df8a",
  "#fb9a99", "#a6cee3", "#80cdc1", "#666666", "#bf812d"];
const state = { seq: 0, dates: [], index: 0, colours: {}, timer: null, facilities: {},
  fitted: false };

async function getJSON(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

/** Colour of every faction: its own when set, else the next palette colour not already taken
 * by a faction that set its own (in id order, so a faction keeps its colour between visits). */
function assignColours(factions) {
  const out = {};
  const own = (f) => f.color && f.color.toLowerCase() !== UNSET_COLOUR;
  for (const f of factions) if (own(f)) out[f.id] = f.color;
  const taken = new Set(Object.values(out).map((c) => c.toLowerCase()));
  const free = PALETTE.filter((c) => !taken.has(c));
  const unset = factions.filter((f) => !own(f)).map((f) => f.id).sort();
  unset.forEach((id, i) => { out[id] = free.length ? free[i % free.length] : PALETTE[i % PALETTE.length]; });
  return out;
}

function factionColour() {
  const pairs = Object.entries(state.colours).flat();
  return pairs.length ? ["match", ["get", "faction"], ...pairs, "#888888"] : "#888888";
}

function operatorColour() {
  const pairs = Object.entries(state.colours).flat();
  return pairs.length ? ["match", ["get", "operator"], ...pairs, "#888888"] : "#888888";
}

const empty = { type: "FeatureCollection", features: [] };

const LAYERS = [
  {
    id: "control", title: "Control by faction",
    url: (d) => `/control/display?date=${d}`,  // simplified, cached per distinct ground
    add(map) {
      map.addSource("control", { type: "geojson", data: empty });
      map.addLayer({ id: "control-fill", type: "fill", source: "control",
        paint: { "fill-color": factionColour(), "fill-opacity": 0.45 } });
      // Synthetic areas get a dashed purple outline, real ones a thin solid one.
      map.addLayer({ id: "control-line", type: "line", source: "control",
        paint: { "line-color": ["case", ["get", "synthetic"], SYNTHETIC_COLOUR, "#333333"],
                 "line-width": 1.2, "line-dasharray": [2, 2] } });
      return ["control-fill", "control-line"];
    },
  },
  {
    id: "front", title: "Front line",
    url: (d) => `/front?date=${d}`,
    add(map) {
      map.addSource("front", { type: "geojson", data: empty });
      map.addLayer({ id: "front-line", type: "line", source: "front",
        paint: { "line-color": "#d00000", "line-width": 2.5 } });
      return ["front-line"];
    },
  },
  {
    id: "facilities", title: "Facilities by operator",
    url: (d) => `/facilities?date=${d}&limit=10000`,
    add(map) {
      map.addSource("facilities", { type: "geojson", data: empty });
      map.addLayer({ id: "facilities-circle", type: "circle", source: "facilities",
        paint: {
          "circle-color": operatorColour(),
          "circle-radius": ["match", ["get", "type"], "airbase", 7, "naval_base", 7, "base", 6, 4],
          "circle-stroke-color": ["case", ["get", "synthetic"], SYNTHETIC_COLOUR, "#ffffff"],
          "circle-stroke-width": ["case", ["get", "synthetic"], 3, 1.5],
        } });
      return ["facilities-circle"];
    },
  },
  {
    id: "reach", title: "Reach areas (hostile weapons)",
    url: (d) => `/reach?date=${d}`,
    add(map) {
      map.addSource("reach", { type: "geojson", data: empty });
      map.addLayer({ id: "reach-fill", type: "fill", source: "reach",
        paint: { "fill-color": "#e65100", "fill-opacity": 0.08 } });
      map.addLayer({ id: "reach-line", type: "line", source: "reach",
        paint: { "line-color": ["case", ["get", "synthetic"], SYNTHETIC_COLOUR, "#e65100"],
                 "line-width": 1, "line-dasharray": [1, 2] } });
      return ["reach-fill", "reach-line"];
    },
  },
  {
    id: "rings", title: "Range rings around watched sites",
    url: (d) => `/rings?date=${d}`,
    add(map) {
      map.addSource("rings", { type: "geojson", data: empty });
      // Red when the hostile faction's ground is inside the ring (the site is in reach).
      const colour = ["case", ["get", "in_reach"], "#c62828", "#ef6c00"];
      map.addLayer({ id: "rings-line", type: "line", source: "rings",
        filter: ["!", ["get", "synthetic"]], paint: { "line-color": colour, "line-width": 2 } });
      // Rings drawn from a synthetic control snapshot: dashed, with a purple halo.
      map.addLayer({ id: "rings-synthetic-halo", type: "line", source: "rings",
        filter: ["get", "synthetic"],
        paint: { "line-color": SYNTHETIC_COLOUR, "line-width": 4, "line-opacity": 0.35 } });
      map.addLayer({ id: "rings-synthetic", type: "line", source: "rings",
        filter: ["get", "synthetic"],
        paint: { "line-color": colour, "line-width": 2, "line-dasharray": [3, 2] } });
      return ["rings-line", "rings-synthetic-halo", "rings-synthetic"];
    },
  },
  {
    id: "corridor", title: "Corridors (route, or where it breaks)",
    url: (d) => `/corridor/route?date=${d}`,
    add(map) {
      map.addSource("corridor", { type: "geojson", data: empty });
      map.addLayer({ id: "corridor-line", type: "line", source: "corridor",
        filter: ["==", ["geometry-type"], "LineString"],
        paint: { "line-color": ["case", ["get", "connected"], "#1b5e20", "#616161"],
                 "line-width": 3, "line-opacity": 0.85 } });
      map.addLayer({ id: "corridor-breaks", type: "circle", source: "corridor",
        filter: ["==", ["get", "kind"], "break"],
        paint: { "circle-color": "#000000", "circle-radius": 6,
                 "circle-stroke-color": ["case", ["get", "synthetic"], SYNTHETIC_COLOUR, "#ff1744"],
                 "circle-stroke-width": 3 } });
      return ["corridor-line", "corridor-breaks"];
    },
  },
  {
    id: "alerts", title: "Alerts on this date",
    url: (d) => `/alerts?date=${d}`,
    // Alerts are a list, not GeoJSON: placed at their site and listed in the side panel.
    toGeoJSON(rows) {
      const feats = rows.filter((a) => state.facilities[a.site]).map((a) => ({
        type: "Feature", properties: { ...a, evidence: a.evidence.join("; ") },
        geometry: { type: "Point", coordinates: state.facilities[a.site] } }));
      showAlerts(rows);
      return { type: "FeatureCollection", features: feats };
    },
    add(map) {
      map.addSource("alerts", { type: "geojson", data: empty });
      map.addLayer({ id: "alerts-circle", type: "circle", source: "alerts",
        paint: { "circle-color": "#ffd600", "circle-opacity": 0.35, "circle-radius": 16,
                 "circle-stroke-color": ["case", ["get", "synthetic"], SYNTHETIC_COLOUR, "#ff6f00"],
                 "circle-stroke-width": 3 } });
      return ["alerts-circle"];
    },
  },
];

function showAlerts(rows) {
  const el = document.getElementById("alerts");
  if (!el) return;
  el.innerHTML = rows.length ? "<h3>Alerts</h3><ul>" + rows.map((a) =>
    `<li>${a.synthetic ? '<span class="synthetic">SYNTHETIC</span> ' : ""}` +
    `<a href="/site.html?site=${encodeURIComponent(a.site)}&date=${esc(a.date)}">${esc(a.site)}</a>: ${esc(a.message)}</li>`)
    .join("") + "</ul>" : "";
}

function baseStyle(countries) {
  return {
    version: 8,
    sources: { countries: { type: "geojson", data: countries } },
    layers: [
      { id: "sea", type: "background", paint: { "background-color": "#cfe3ef" } },
      { id: "land", type: "fill", source: "countries", paint: { "fill-color": "#f4f1ea" } },
      { id: "borders", type: "line", source: "countries",
        paint: { "line-color": "#9a9a9a", "line-width": 0.8 } },
    ],
  };
}

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
    '"': "&quot;", "'": "&#39;" }[c]));
}

function showFacility(p) {
  const prov = typeof p.provenance === "string" ? JSON.parse(p.provenance) : p.provenance || {};
  const src = prov.source || {};
  const rows = [["operator", p.operator], ["type", p.type], ["region", p.region],
    ["valid", `${p.valid_from || "?"} – ${p.valid_to || "present"}`],
    ["source", src.url ? `<a href="${esc(src.url)}" rel="noreferrer">${esc(src.publisher)}</a>`
      : esc(src.publisher)], ["source date", prov.source_date], ["location", prov.location_precision]];
  let html = `<h2>${esc(p.name)}</h2>`;
  if (p.synthetic) {
    html += `<p><span class="synthetic">SYNTHETIC</span> made by ${esc(prov.generator)} ` +
      `(seed ${esc(prov.seed)}) to fill a gap; not an observation.</p>`;
  }
  const on = state.dates[state.index] ? `&date=${state.dates[state.index]}` : "";
  html += `<p><a id="site-link" href="/site.html?site=${encodeURIComponent(p.id)}${on}">Site page: exposure, imagery, flights, claims, probability</a></p>`;
  html += "<table>" + rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${k === "source" ? v : esc(v)}</td></tr>`).join("") + "</table>";
  document.getElementById("panel").innerHTML = html;
}

function legend(layerIds) {
  const el = document.getElementById("legend");
  let html = "<h2>Layers</h2>";
  for (const l of LAYERS) {
    html += `<label><input type="checkbox" data-layer="${l.id}" checked> ${esc(l.title)}</label>`;
  }
  html += '<div id="legend-keys"></div>';
  el.innerHTML = html;
  el.querySelectorAll("input[data-layer]").forEach((box) => box.addEventListener("change", () => {
    for (const id of layerIds[box.dataset.layer]) {
      window.bwMap.setLayoutProperty(id, "visibility", box.checked ? "visible" : "none");
    }
  }));
}

/** Keys for what the map shows on this date, and only that: the factions holding ground or
 * operating facilities, the synthetic mark if anything shown is synthetic, the ring and
 * corridor colours if there are rings or corridors. */
function legendKeys(byLayer) {
  const feats = (id) => (byLayer[id] && byLayer[id].features) || [];
  const present = new Set([...feats("control").map((f) => f.properties.faction),
    ...feats("facilities").map((f) => f.properties.operator)]);
  const factions = Object.keys(state.colours).filter((f) => present.has(f));
  const synthetic = Object.values(byLayer).some((d) => d && (d.synthetic ||
    (d.features || []).some((f) => f.properties && f.properties.synthetic)));
  let html = factions.length ? "<h3>Factions</h3>" + factions.map((f) =>
    `<div data-faction="${esc(f)}" data-colour="${esc(state.colours[f])}"><span class="swatch" ` +
    `style="background:${esc(state.colours[f])}"></span>${esc(f)}</div>`).join("") : "";
  if (synthetic) {
    html += `<p data-legend="synthetic"><span class="synthetic">SYNTHETIC</span> purple dashes / rings mark records made by a seeded generator.</p>`;
  }
  if (feats("rings").length) {
    html += `<p class="hint" data-legend="rings">Rings: red = hostile ground inside the range (site in reach), orange = not yet.</p>`;
  }
  if (feats("reach").length) {
    html += `<p class="hint" data-legend="reach">Orange areas: where hostile weapons held on this date can land.</p>`;
  }
  if (feats("corridor").length) {
    html += `<p class="hint" data-legend="corridor">Corridor: green = open, grey = usual route, black dots = where it breaks.</p>`;
  }
  document.getElementById("legend-keys").innerHTML = html;
}

/** [[west, south], [east, north]] of every coordinate of the collections, or null. */
function extentOf(collections) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === "number") {
      box[0] = Math.min(box[0], c[0]); box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]); box[3] = Math.max(box[3], c[1]);
    } else c.forEach(walk);
  };
  for (const fc of collections) {
    for (const f of (fc && fc.features) || []) if (f.geometry) walk(f.geometry.coordinates);
  }
  return box[0] <= box[2] ? [[box[0], box[1]], [box[2], box[3]]] : null;
}

/** Once, on the first drawn date: frame the workspace's own ground and sites. */
function fitOnce(byLayer) {
  if (state.fitted) return;
  const box = extentOf([byLayer.control, byLayer.facilities]);
  if (!box) return;
  state.fitted = true;
  window.bwMap.fitBounds(box, { padding: 30, animate: false, maxZoom: 9 });
}

async function showDate(i) {
  state.index = i;
  const day = state.dates[i];
  const slider = document.getElementById("slider");
  slider.value = String(i);
  slider.setAttribute("aria-valuetext", day);
  document.getElementById("date").textContent = day;
  // Keyboard repeat or play can ask for several dates at once; only the latest may draw,
  // whatever order the answers arrive in.
  const seq = ++state.seq;
  const results = await Promise.all(LAYERS.map((l) => getJSON(l.url(day)).catch(() => empty)));
  if (seq !== state.seq) return;
  const byLayer = Object.fromEntries(LAYERS.map((l, k) => [l.id, results[k]]));
  for (const f of byLayer.facilities.features || []) {
    state.facilities[f.id ?? f.properties.id] = f.geometry.coordinates;
  }
  results.forEach((data, k) => {
    const l = LAYERS[k];
    const geo = l.toGeoJSON ? l.toGeoJSON(Array.isArray(data) ? data : []) : data;
    byLayer[l.id] = geo;
    window.bwMap.getSource(l.id).setData(geo);
  });
  document.getElementById("synthetic-badge").hidden = !byLayer.control.synthetic;
  legendKeys(byLayer);
  fitOnce(byLayer);
  document.body.dataset.date = day;  // lets tests wait for a finished update
  prefetchAround(i);
}

// Slider prefetch (issue 20): ask for the neighbouring dates' layers in the background, so
// the server has them computed and the browser revalidates them (ETag) when the slider moves.
function prefetchAround(i) {
  for (const j of [i + 1, i - 1, i + 2]) {
    const day = state.dates[j];
    if (day === undefined) continue;
    for (const l of LAYERS) fetch(l.url(day)).catch(() => {});
  }
}

function togglePlay() {
  const btn = document.getElementById("play");
  if (state.timer) {
    clearInterval(state.timer);
    state.timer = null;
    btn.innerHTML = "&#9654;";
    btn.setAttribute("aria-label", "Play through the dates");
    return;
  }
  btn.innerHTML = "&#10074;&#10074;";
  btn.setAttribute("aria-label", "Pause");
  state.timer = setInterval(() => showDate((state.index + 1) % state.dates.length), 1200);
}

async function main() {
  const [dates, factions, world] = await Promise.all([
    getJSON("/dates"), getJSON("/factions"), getJSON("/static/vendor/countries-50m.json")]);
  // Every date where something changes (control, holdings, facilities); older APIs: snapshots.
  state.dates = dates.changes || dates.control;
  state.colours = assignColours(factions);
  const countries = topojson.feature(world, world.objects.countries);
  // The whole world until the first date is drawn, then fitted to the workspace (fitOnce).
  const map = new maplibregl.Map({ container: "map", style: baseStyle(countries),
    center: [20, 30], zoom: 1, attributionControl: false });
  window.bwMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.addControl(new maplibregl.AttributionControl({ compact: true,
    customAttribution: "Natural Earth (world-atlas) · basewatch" }));
  await new Promise((ok) => map.on("load", ok));
  const layerIds = {};
  for (const l of LAYERS) layerIds[l.id] = l.add(map);
  legend(layerIds);
  map.on("click", "facilities-circle", (e) => showFacility(e.features[0].properties));
  map.on("mouseenter", "facilities-circle", () => { map.getCanvas().style.cursor = "pointer"; });
  map.on("mouseleave", "facilities-circle", () => { map.getCanvas().style.cursor = ""; });
  const slider = document.getElementById("slider");
  slider.max = String(Math.max(state.dates.length - 1, 0));
  slider.addEventListener("input", () => showDate(Number(slider.value)));
  document.getElementById("play").addEventListener("click", togglePlay);
  if (state.dates.length) await showDate(state.dates.length - 1);
  document.body.dataset.ready = "1";
}

main().catch((err) => {
  document.getElementById("panel").textContent = `Could not load: ${err.message}`;
  console.error(err);
});
