// PluginHost status page: renders /ui/api/state, follows /ui/api/events (server-sent events) for training and prediction job progress.
"use strict";

const FINISHED = new Set(["succeeded", "failed", "cancelled"]);
const COLORS = ["#0969da", "#1a7f37", "#bf3989", "#9a6700", "#8250df"];
let jobStates = new Map();

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const svg = (tag, attrs) => {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
};

const figure = (v) => (typeof v !== "number" ? "–" : Number.isInteger(v) ? String(v) : v.toFixed(3));
const ms = (v) => (v === null || v === undefined ? "–" : v < 10 ? v.toFixed(2) : v.toFixed(0));
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "–");
const pill = (text, kind) => el("span", { class: `pill ${kind || text}`.toLowerCase() }, text);

function renderBackends(state) {
  const body = document.querySelector("#backends tbody");
  body.replaceChildren();
  for (const b of state.backends) {
    const h = b.health;
    const m = b.metrics;
    const errors = [h.error, ...(h.diagnostics || [])].filter(Boolean);
    body.append(el("tr", { "data-backend": h.name },
      el("td", {}, el("strong", {}, h.name), h.name === state.default_backend ? el("span", { class: "muted" }, " (default)") : null),
      el("td", {}, pill(h.status, h.status), " ", el("span", { class: "muted" }, h.state)),
      el("td", {}, h.model_version || "–"),
      el("td", { class: "muted" }, h.origin || "–", el("br"), el("small", {}, "loaded ", when(h.loaded_at))),
      el("td", { class: "num" }, `${m.predict_calls} (${m.tasks} tasks)`),
      el("td", { class: "num" }, `${m.errors} / ${m.timeouts}`),
      el("td", { class: "num" }, `${ms(m.predict_p50_ms)} / ${ms(m.predict_p95_ms)} / ${ms(m.predict_p99_ms)}`)));
    if (errors.length) {
      body.append(el("tr", { class: "error-row" }, el("td", { colspan: 7 }, el("pre", { class: "errors" }, errors.join("\n")))));
    }
  }
}

function progressBar(job, text) {
  const percent = Math.round((job.progress || 0) * 100);
  return el("div", { class: "bar", role: "progressbar", "aria-valuenow": percent },
    el("div", { style: `width:${percent}%` }), el("span", { class: "progress-text" }, `${percent}% ${text}`));
}

function renderJobs(jobs) {
  const body = document.querySelector("#jobs tbody");
  body.replaceChildren(...jobs.map((j) => el("tr", { "data-job": j.id, "data-state": j.state },
    el("td", {}, el("code", {}, j.id)),
    el("td", {}, `${j.backend} / ${j.project}`),
    el("td", { class: "muted" }, j.trigger, j.coalesced_events ? ` (+${j.coalesced_events})` : ""),
    el("td", {}, pill(j.state)),
    el("td", {}, progressBar(j, j.stage)),
    el("td", { class: "num" }, j.examples),
    el("td", { class: "num" }, j.duration_seconds === null || j.duration_seconds === undefined ? "–" : j.duration_seconds.toFixed(1)),
    el("td", {}, j.error ? el("span", { style: "color:var(--bad)" }, j.error) : j.model_version || "–"))));
  document.getElementById("no-jobs").hidden = jobs.length > 0;
  // A job that just finished made (or failed to make) a version: fetch the versions again.
  let finishedNow = false;
  for (const j of jobs) {
    if (FINISHED.has(j.state) && jobStates.has(j.id) && !FINISHED.has(jobStates.get(j.id))) finishedNow = true;
    jobStates.set(j.id, j.state);
  }
  if (finishedNow) refresh();
}

// Prediction jobs (POST /<backend>/jobs): tasks settled of the total, live from the "predictions" events.
function renderPredictionJobs(jobs) {
  const body = document.querySelector("#predictions tbody");
  body.replaceChildren(...jobs.map((j) => {
    const settled = j.done + j.skipped + j.failed;
    const total = j.total === null || j.total === undefined ? "?" : j.total;
    return el("tr", { "data-job": j.id, "data-state": j.state },
      el("td", {}, el("code", {}, j.id)),
      el("td", {}, `${j.backend} / ${j.project}`),
      el("td", { class: "muted" }, j.selection),
      el("td", {}, pill(j.state)),
      el("td", {}, progressBar(j, `${settled}/${total}${j.eta_seconds ? `, ${Math.ceil(j.eta_seconds)} s left` : ""}`)),
      el("td", { class: "num" }, `${j.done} / ${j.skipped} / ${j.failed}`),
      el("td", { class: "num" }, j.tasks_per_second ? j.tasks_per_second.toFixed(1) : "–"),
      el("td", {}, j.error ? el("span", { style: "color:var(--bad)" }, j.error) : (j.model_versions || []).join(", ") || "–"));
  }));
  document.getElementById("no-predictions").hidden = jobs.length > 0;
}

// One line per evaluation figure across the versions: accuracy, F1 and the like (other figures between 0 and 1 when a
// trainer reports none of those; counts stay in the table), the examples count when a trainer reports nothing.
const SCORE = /accuracy|f1|precision|recall|auc|map|iou|score/i;
function chart(versions) {
  const fractions = [...new Set(versions.flatMap((v) => Object.keys(v.metrics || {})))].sort()
    .filter((n) => versions.every((v) => !v.metrics || typeof v.metrics[n] !== "number" || (v.metrics[n] >= 0 && v.metrics[n] <= 1)));
  const names = fractions.some((n) => SCORE.test(n)) ? fractions.filter((n) => SCORE.test(n)) : fractions;
  const series = names.length
    ? names.map((n) => ({ name: n, values: versions.map((v) => (v.metrics || {})[n]) }))
    : [{ name: "examples", values: versions.map((v) => v.examples) }];
  const W = 300, H = 150, P = 24;
  const all = series.flatMap((s) => s.values).filter((v) => typeof v === "number");
  const max = names.length && all.every((v) => v <= 1) ? 1 : Math.max(1, ...all);
  const min = names.length && all.every((v) => v >= 0 && v <= 1) ? 0 : Math.min(0, ...all);
  const x = (i) => P + (versions.length === 1 ? (W - 2 * P) / 2 : (i * (W - 2 * P)) / (versions.length - 1));
  const y = (v) => H - P - ((v - min) / (max - min || 1)) * (H - 2 * P);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": series.map((s) => s.name).join(", ") + " per version" });
  root.append(svg("line", { x1: P, y1: H - P, x2: W - P, y2: H - P, stroke: "#d0d7de" }));
  const top = svg("text", { x: 2, y: P, "font-size": 10, fill: "#656d76" }); top.textContent = String(max); root.append(top);
  const bottom = svg("text", { x: 2, y: H - P, "font-size": 10, fill: "#656d76" }); bottom.textContent = String(min); root.append(bottom);
  versions.forEach((v, i) => {
    const label = svg("text", { x: x(i), y: H - 6, "font-size": 10, "text-anchor": "middle", fill: "#656d76" });
    label.textContent = v.version; root.append(label);
  });
  series.forEach((s, k) => {
    const color = COLORS[k % COLORS.length];
    const points = s.values.map((v, i) => (typeof v === "number" ? `${x(i)},${y(v)}` : null)).filter(Boolean);
    if (points.length > 1) root.append(svg("polyline", { points: points.join(" "), fill: "none", stroke: color, "stroke-width": 2 }));
    s.values.forEach((v, i) => { if (typeof v === "number") root.append(svg("circle", { cx: x(i), cy: y(v), r: 3, fill: color })); });
  });
  const legend = el("div", { class: "legend" }, series.map((s, k) => el("span", { style: `color:${COLORS[k % COLORS.length]}` }, `● ${s.name} `)));
  return el("div", { class: "chart" }, root, legend);
}

// The training curve (loss…) the trainer reported for a version, when it did: points {step, value}, "loss" first.
function curve(version) {
  const curves = version && version.curves ? Object.entries(version.curves).filter(([, v]) => v.length > 1) : [];
  if (!curves.length) return null;
  curves.sort(([a], [b]) => (a === "loss" ? -1 : b === "loss" ? 1 : a.localeCompare(b)));
  const [name, points] = curves[0];
  const W = 300, H = 90, P = 10;
  const values = points.map((p) => p.value), steps = points.map((p) => p.step);
  const max = Math.max(...values), min = Math.min(...values);
  const first = Math.min(...steps), last = Math.max(...steps);
  const xy = points.map((p) => `${P + ((p.step - first) * (W - 2 * P)) / (last - first || 1)},${H - P - ((p.value - min) / (max - min || 1)) * (H - 2 * P)}`);
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `${name} curve of ${version.version}`, style: "height:90px" });
  root.append(svg("polyline", { points: xy.join(" "), fill: "none", stroke: "#bf3989", "stroke-width": 2 }));
  return el("div", { class: "chart curve", "data-curve": name }, root,
    el("div", { class: "legend" }, `${name} while training ${version.version}: ${values[0].toFixed(3)} → ${values[values.length - 1].toFixed(3)} over ${points.length} steps`));
}

async function activate(backend, project, version, button) {
  button.disabled = true;
  button.textContent = "activating…";
  const response = await fetch(`/${encodeURIComponent(backend)}/versions/${encodeURIComponent(version)}/activate?project=${encodeURIComponent(project)}`, { method: "POST" });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    alert(`Activation failed (${response.status}): ${body.detail || response.statusText}`);
  }
  await refresh();
}

function renderVersions(state) {
  const root = document.getElementById("versions");
  root.replaceChildren();
  for (const b of state.backends.filter((x) => x.trainable && x.versions.length)) {
    const projects = Map.groupBy ? Map.groupBy(b.versions, (v) => v.project) : b.versions.reduce((m, v) => m.set(v.project, [...(m.get(v.project) || []), v]), new Map());
    for (const [project, versions] of projects) {
      const metricNames = [...new Set(versions.flatMap((v) => Object.keys(v.metrics || {})))].sort();
      const rows = versions.map((v) => el("tr", { "data-version": v.model_version, "data-active": v.active },
        el("td", {}, el("strong", {}, v.version), " ", v.active ? pill("active", "active") : null),
        el("td", { class: "muted" }, when(v.created_at)),
        el("td", { class: "num" }, v.examples ?? "–", v.validation_examples ? el("span", { class: "muted" }, ` (${v.validation_examples} held out)`) : null),
        el("td", { class: "num" }, v.training_seconds === null || v.training_seconds === undefined ? "–" : v.training_seconds.toFixed(2)),
        metricNames.map((n) => el("td", { class: "num", "data-metric": n }, figure(v.metrics && v.metrics[n]))),
        el("td", { class: "muted" }, v.trigger || ""),
        el("td", {}, v.active ? null : el("button", { onclick: (e) => activate(b.health.name, project, v.version, e.target) }, "activate"))));
      const table = el("table", {},
        el("thead", {}, el("tr", {}, el("th", {}, "version"), el("th", {}, "created"), el("th", {}, "examples"), el("th", {}, "train s"),
          metricNames.map((n) => el("th", {}, n)), el("th", {}, "trigger"), el("th", {}, ""))),
        el("tbody", {}, rows));
      const latest = versions[versions.length - 1];
      root.append(el("div", { class: "project", "data-backend": b.health.name, "data-project": project },
        el("div", {}, el("h3", {}, `${b.health.name} · project ${project}`), table),
        el("div", {}, chart(versions), curve(latest))));
    }
  }
  document.getElementById("no-versions").hidden = root.children.length > 0;
}

async function refresh() {
  const response = await fetch("/ui/api/state", { cache: "no-store" });
  if (!response.ok) return;
  const state = await response.json();
  renderBackends(state);
  renderVersions(state);
  renderJobs(state.jobs);
  renderPredictionJobs(state.prediction_jobs || []);
  document.getElementById("updated").textContent = new Date(state.now).toLocaleTimeString();
}

function follow() {
  const live = document.getElementById("live");
  const events = new EventSource("/ui/api/events");
  events.addEventListener("open", () => { live.textContent = "live"; live.className = "pill on"; });
  events.addEventListener("error", () => { live.textContent = "reconnecting…"; live.className = "pill off"; });
  events.addEventListener("jobs", (e) => renderJobs(JSON.parse(e.data)));
  events.addEventListener("predictions", (e) => renderPredictionJobs(JSON.parse(e.data)));
}

refresh().then(follow);
setInterval(refresh, 10000);
