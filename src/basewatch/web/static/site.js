// basewatch site page: one facility's exposure, imagery, sorties, claims and probability,
// charted with Observable Plot from the read-only API. Synthetic records are drawn in purple.
"use strict";

const SYN = "#8e24aa";
const REAL = "#222222";

async function getJSON(url) {
  const r = await fetch(url);
  if (!r.ok) {
    let detail = "";
    try { detail = (await r.json()).detail || ""; } catch (_) { /* not JSON */ }
    throw new Error(`${url}: ${r.status} ${detail}`);
  }
  return r.json();
}

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;",
    '"': "&quot;", "'": "&#39;" }[c]));
}

const day = (s) => new Date(`${s}T00:00:00Z`);
const synMark = (x) => (x ? '<span class="synthetic">SYNTHETIC</span>' : "");

function table(el, head, rows, synthetic) {
  const th = head.map((h) => `<th>${esc(h)}</th>`).join("");
  const trs = rows.map((r, i) => `<tr${synthetic && synthetic[i] ? ' class="syn"' : ""}>` +
    r.map((c) => `<td>${c}</td>`).join("") + "</tr>").join("");
  document.getElementById(el).innerHTML =
    `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

function put(id, node) {
  const el = document.getElementById(id);
  el.replaceChildren(node);
}

/** What a day's exposure row says in words: inside hostile ground (held by whom, since when,
 * how deep), in reach, or not; and whether the site's location uncertainty decides it. */
function exposureState(e) {
  let out;
  if (e.inside) {
    out = `inside hostile ground: held by ${e.inside.faction}` +
      (e.inside.since ? ` since ${e.inside.since}` : "") +
      (e.inside.depth_km !== null && e.inside.depth_km !== undefined
        ? `, ${e.inside.depth_km} km from own-side ground` : "");
  } else if (e.distance_km === null) {
    out = "no hostile ground known";
  } else {
    out = e.systems_in_reach.length ? "in reach" : "out of reach";
  }
  if (e.distance_within_location_uncertainty) {
    out += ` (within the site's location uncertainty of ${e.location_uncertainty_km} km)`;
  }
  return out;
}

function exposureChart(s) {
  // Inside hostile ground, a day is drawn below zero at its depth (distance to own-side
  // ground): 0 km would read as "at the front, in reach".
  const rows = s.exposure.filter((e) => e.distance_km !== null || e.inside)
    .map((e) => ({ ...e, d: day(e.date), n: e.systems_in_reach.length,
      y: e.inside ? -(e.inside.depth_km ?? 0) : e.distance_km }));
  const ranges = new Map();
  for (const e of s.exposure) {
    for (const r of e.systems_in_reach) ranges.set(`${r.name} ${r.munition}`, r.max_range_km);
  }
  const rules = [...ranges].map(([label, km]) => ({ label, km }));
  const inside = rows.some((r) => r.inside);
  put("exposure-chart", Plot.plot({
    width: 900, height: 280, marginLeft: 50, marginRight: 160,
    x: { type: "utc", label: "date" },
    y: { label: inside ? "km to hostile ground (below 0: depth inside it)" : "km to hostile ground",
      zero: true, grid: true },
    marks: [
      Plot.ruleY([0], { stroke: "#000000" }),
      Plot.ruleY(rules, { y: "km", stroke: "#c62828", strokeDasharray: "4 3" }),
      Plot.text(rules, { y: "km", x: rows.length ? rows[rows.length - 1].d : null,
        text: (r) => `${r.label} ${r.km} km`, textAnchor: "start", dx: 8, fill: "#c62828" }),
      Plot.line(rows, { x: "d", y: "y", stroke: "#455a64" }),
      Plot.dot(rows, { x: "d", y: "y", r: (d) => 3 + d.n,
        fill: (d) => (d.synthetic ? SYN : REAL), stroke: (d) => (d.inside ? "#c62828" : "none"),
        title: (d) => `${d.date}: ` + (d.inside ? exposureState(d)
          : `${d.distance_km} km (${d.nearest_faction})`) +
          `${d.synthetic ? " SYNTHETIC control" : ""}; in reach: ` +
          (d.systems_in_reach.map((r) => `${r.name} ${r.munition}`).join(", ") || "none") }),
    ],
  }));
  table("exposure-table", ["date", "distance km", "nearest hostile", "state",
    "weapons in reach (since)", "mark"],
  s.exposure.map((e) => [esc(e.date), esc(e.distance_km ?? "-"), esc(e.nearest_faction ?? "-"),
    esc(exposureState(e)),
    esc(e.systems_in_reach.map((r) => `${r.name} ${r.munition} [${r.faction}${r.captured ? ", captured" : ""}] (${r.since})`).join("; ") || "-"),
    synMark(e.synthetic)]), s.exposure.map((e) => e.synthetic));
}

function imageryChart(s) {
  if (!s.imagery.length) {
    document.getElementById("imagery-chart").textContent = "No imagery counts for this site.";
    return;
  }
  const rows = s.imagery.map((r) => ({ ...r, d: day(r.date), facet: `${r.area}: ${r["class"]}` }));
  // One chart per area and class, each with its own count scale (5 aircraft on an apron and
  // 1 frigate in a harbour do not share an axis); the date axis is common.
  const when = d3.extent(rows, (r) => r.d);
  const box = document.createElement("div");
  for (const facet of [...new Set(rows.map((r) => r.facet))].sort()) {
    const mine = rows.filter((r) => r.facet === facet);
    box.append(Plot.plot({
      width: 900, height: 140, marginLeft: 50, marginRight: 20, caption: facet,
      x: { type: "utc", label: "date", domain: when }, y: { label: "count", grid: true, zero: true },
      marks: [
        Plot.dot(mine.filter((r) => r.synthetic), { x: "d", y: "count", r: 2,
          fill: SYN, fillOpacity: 0.5, title: (r) => `SYNTHETIC history ${r.date}: ${r.count}` }),
        Plot.dot(mine.filter((r) => !r.synthetic), { x: "d", y: "count", r: 6,
          fill: (r) => (r.verdict === "anomalous" ? "#c62828" : r.verdict === "unusual" ? "#ef6c00" : REAL),
          stroke: "#fff", title: (r) => r.text }),
      ],
    }));
  }
  put("imagery-chart", box);
  const obs = s.imagery.filter((r) => !r.synthetic);
  table("imagery-table", ["date", "area", "class", "count", "verdict", "base rate / history", "source"],
    obs.map((r) => [esc(r.date), esc(r.area), esc(r["class"]), esc(r.count),
      `<span class="verdict-${esc(r.verdict)}">${esc(r.verdict)}</span>`,
      esc(r.text) + (r.history_synthetic ? ` ${synMark(true)}` : ""), esc(r.source)]),
    obs.map((r) => r.synthetic));
  const chips = s.chips.map((c) => `<figure><img alt="chip ${esc(c.id)}" src="/imagery/chips/${encodeURIComponent(c.id)}">` +
    `<figcaption>${synMark(c.synthetic)} ${esc(c.date ?? "")} ${esc(c.id)}</figcaption></figure>`);
  document.getElementById("chips").innerHTML = chips.length ? `<h3>Chips</h3>${chips.join("")}`
    : '<p class="hint">No image chips published for this site (basewatch imagery chips --out WORKSPACE/chips).</p>';
}

function sortiesChart(s) {
  const sec = document.getElementById("sorties");
  if (!s.airfield) {
    sec.querySelector(".chart").textContent = "Not an airfield (no watched airfield within 5 km).";
    return;
  }
  sec.querySelector("h2").textContent = `Take-offs per day at ${s.airfield.name} (${s.airfield.ident})`;
  const last = s.sorties.length ? day(s.sorties[s.sorties.length - 1].day) : null;
  const from = last ? new Date(last.getTime() - 41 * 864e5) : null;
  const rows = s.sorties.map((r) => ({ ...r, d: day(r.day) })).filter((r) => !from || r.d >= from);
  // A day with no position near the field is a gap in coverage, not a day without flights:
  // shaded, and neither bars nor dots drawn for it.
  const gaps = rows.filter((r) => r.covered === false && r.category === "heavy transport");
  const seen = rows.filter((r) => r.covered !== false);
  const heavy = seen.filter((r) => r.category === "heavy transport");
  const top = Math.max(1, ...d3.rollup(seen, (v) => d3.sum(v, (r) =>
    (r.category === "heavy transport" ? 0 : r.count)), (r) => r.day).values());
  put("sorties-chart", Plot.plot({
    width: 900, height: 300, marginLeft: 50, x: { type: "utc", label: "day" },
    y: { label: "take-offs", grid: true }, color: { legend: true },
    marks: [
      Plot.rect(gaps, { x: "d", interval: "day", y1: 0, y2: top, fill: "#ccc",
        fillOpacity: 0.6, title: (r) => `${r.day}: no coverage (no position reported near the field)` }),
      Plot.rectY(seen.filter((r) => r.category !== "heavy transport"),
        { x: "d", interval: "day", y: "count", fill: "category", inset: 0.5,
          stroke: (r) => (r.synthetic ? SYN : null),
          title: (r) => `${r.day} ${r.category}: ${r.count}${r.synthetic ? " SYNTHETIC" : ""}` }),
      Plot.lineY(heavy, { x: "d", y: "baseline_rate", stroke: "#000", strokeDasharray: "3 2" }),
      Plot.dot(heavy, { x: "d", y: "count", r: (r) => (r.surge ? 6 : 3),
        fill: (r) => (r.surge ? "#c62828" : "#000"), stroke: (r) => (r.synthetic ? SYN : null),
        title: (r) => `${r.day} heavy transport: ${r.count} vs ${r.baseline_rate}/day` +
          `${r.surge ? " SURGE" : ""}${r.synthetic ? " SYNTHETIC" : ""}` }),
    ],
  }));
  if (rows.some((r) => r.synthetic)) {
    sec.querySelector(".chart").insertAdjacentHTML("beforeend",
      `<p>${synMark(true)} flight events (purple outlines) are made by a seeded generator. ` +
      "Dots: heavy-transport take-offs (red = above the Poisson baseline, dashed line).</p>");
  }
  if (gaps.length) {
    sec.querySelector(".chart").insertAdjacentHTML("beforeend",
      `<p class="gaps">Grey: ${gaps.length} day(s) without coverage (no aircraft reported near ` +
      "the field): unknown, left out of the baseline.</p>");
  }
}

function claimsTable(c) {
  if (!c.claims.length) {
    document.getElementById("claims-table").textContent = "No claims tied to this site.";
    return;
  }
  table("claims-table", ["event date", "subject", "claim", "source [grade]", "corroboration",
    "official silence", "text", "mark"],
  c.claims.map((r) => [esc(r.event_date), esc(r.subject.label), esc(`${r.kind} (${r.stance})`),
    (r.url ? `<a href="${esc(r.url)}" rel="noreferrer">${esc(r.source.name)}</a>` : esc(r.source.name)) +
      ` [${esc(r.source.grade)}]`,
    esc(`${r.corroboration} independent${r.conflict ? ", CONFLICT" : ""}; group credibility ${r.group_credibility}`),
    esc(r.silence.map((x) => x.source_name || x.source || "").join(", ") || "-"),
    esc(r.text.slice(0, 140)), synMark(r.synthetic)]), c.claims.map((r) => r.synthetic));
  if (c.total > c.claims.length) {
    document.getElementById("claims-table").insertAdjacentHTML("beforeend",
      `<p class="hint">${c.claims.length} of ${c.total} claims shown.</p>`);
  }
}

function probabilityChart(s) {
  const rows = s.probability.map((p) => ({ ...p, d: day(p.date) }));
  put("probability-chart", Plot.plot({
    width: 900, height: 240, marginLeft: 50, x: { type: "utc", label: "date" },
    y: { domain: [0, 1], label: "probability", grid: true, percent: false },
    marks: [
      Plot.ruleY([0.5], { stroke: "#bbb" }),
      Plot.line(rows, { x: "d", y: "probability", stroke: "#1565c0" }),
      Plot.dot(rows, { x: "d", y: "probability", r: 4, fill: (p) => (p.synthetic ? SYN : REAL),
        title: (p) => `${p.date}: ${Math.round(p.probability * 100)}% (${p.words})` +
          `${p.synthetic ? " - some evidence SYNTHETIC" : ""}` }),
    ],
  }));
  const a = s.assessment;
  if (!a) return;
  const steps = a.steps || [];
  table("evidence-table", ["date", "kind", "evidence", "source", "likelihood ratio",
    "probability after", "mark"],
  steps.map((x) => [esc(x.date), esc(x.kind), esc(x.description), esc(x.source),
    esc(x.likelihood_ratio), esc(Math.round(x.probability_after * 1000) / 10 + "%"), synMark(x.synthetic)]),
  steps.map((x) => x.synthetic));
  document.getElementById("evidence-table").insertAdjacentHTML("afterbegin",
    `<p>On ${esc(a.date)}: <strong>${esc(a.words)}</strong> (${Math.round(a.probability * 100)}%; ` +
    `prior ${Math.round((a.priors?.[a.focus] ?? 0) * 100)}%). Evidence, in the order it moved the probability:</p>`);
}

async function main() {
  const q = new URLSearchParams(location.search);
  const site = q.get("site");
  if (!site) throw new Error("no site given: open /site.html?site=<facility id>[&date=YYYY-MM-DD]");
  // With a date (the dashboard's slider), the page shows what was known up to that day.
  const to = /^\d{4}-\d{2}-\d{2}$/.test(q.get("date") || "") ? `to=${q.get("date")}` : "";
  const [s, c] = await Promise.all([
    getJSON(`/sites/${encodeURIComponent(site)}/summary${to ? "?" + to : ""}`),
    getJSON(`/claims?site=${encodeURIComponent(site)}&limit=500${to ? "&" + to : ""}`)]);
  document.title = `basewatch: ${s.site.name}`;
  document.getElementById("site-name").textContent = s.site.name;
  document.getElementById("site-meta").innerHTML = `${esc(s.site.operator)} · ${esc(s.site.type)} · ` +
    `${s.site.lat.toFixed(3)}N ${s.site.lon.toFixed(3)}E · ${esc(s.site.source)} ${synMark(s.site.synthetic)}`;
  const anySyn = s.synthetic || s.imagery.some((r) => r.synthetic) ||
    s.sorties.some((r) => r.synthetic) || s.probability.some((p) => p.synthetic) ||
    c.claims.some((r) => r.synthetic);
  document.getElementById("synthetic-banner").hidden = !anySyn;
  exposureChart(s);
  imageryChart(s);
  sortiesChart(s);
  claimsTable(c);
  probabilityChart(s);
  document.getElementById("status").textContent =
    `${s.dates[0]} to ${s.dates[s.dates.length - 1]}; alerts: ` +
    (s.alerts.map((a) => `${a.date} ${a.message}`).join("; ") || "none");
  document.body.dataset.ready = "1";
}

main().catch((err) => {
  document.getElementById("status").textContent = `Could not load: ${err.message}`;
  console.error(err);
});
