// basewatch dashboard: MapLibre over the read-only API, all from 127.0.0.1.
// Layers are entries of LAYERS: a capability adds one (url for a date + map layers) and
// the time slider, legend and reload loop pick it up.
"use strict";

const SYNTHETIC_COLOUR = "#8e24aa";
const state = { seq: 0, dates: [], index: 0, colours: {}, timer: null, facilities: {} };

async function getJSON(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
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
    url: (d) => `/control?date=${d}`,
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
];

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
  html += "<table>" + rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${k === "source" ? v : esc(v)}</td></tr>`).join("") + "</table>";
  document.getElementById("panel").innerHTML = html;
}

function legend(layerIds) {
  const el = document.getElementById("legend");
  let html = "<h2>Layers</h2>";
  for (const l of LAYERS) {
    html += `<label><input type="checkbox" data-layer="${l.id}" checked> ${esc(l.title)}</label>`;
  }
  html += "<h3>Factions</h3>" + Object.entries(state.colours).map(([f, c]) =>
    `<div><span class="swatch" style="background:${esc(c)}"></span>${esc(f)}</div>`).join("");
  html += `<p><span class="synthetic">SYNTHETIC</span> purple dashes / rings mark records made by a seeded generator.</p>`;
  el.innerHTML = html;
  el.querySelectorAll("input[data-layer]").forEach((box) => box.addEventListener("change", () => {
    for (const id of layerIds[box.dataset.layer]) {
      window.bwMap.setLayoutProperty(id, "visibility", box.checked ? "visible" : "none");
    }
  }));
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
  results.forEach((data, k) => window.bwMap.getSource(LAYERS[k].id).setData(data));
  const control = results[LAYERS.findIndex((l) => l.id === "control")];
  document.getElementById("synthetic-badge").hidden = !control.synthetic;
  document.body.dataset.date = day;  // lets tests wait for a finished update
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
  state.dates = dates.control;
  for (const f of factions) state.colours[f.id] = f.color;
  const countries = topojson.feature(world, world.objects.countries);
  const map = new maplibregl.Map({ container: "map", style: baseStyle(countries),
    center: [37.5, 35.0], zoom: 5.6, attributionControl: false });
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
