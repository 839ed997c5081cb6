"use strict";
// The operator dashboard: fleet overview, regulation and power plots (live from the event stream), DR events,
// stations with detail and commands. Talks only to /api/v1 with the bearer token kept in sessionStorage.
const TOKEN_KEY = "csms.token";
const ROLE_RANK = { viewer: 0, operator: 1, admin: 2 };
const TRACE_KEEP = 900;
const STREAM_KINDS = ["station.connected", "station.disconnected", "station.booted", "connector.status",
  "transaction.started", "transaction.ended", "setpoint.applied", "fleet.planned", "ev.needs", "fleet.tick",
  "fleet.score"];
const state = { token: null, role: "viewer", trace: [], selected: null, timers: [], streamCtrl: null,
  fleetEnabled: true, drawPending: false, stationsPending: null, evs: new Map() };

const $ = id => document.getElementById(id);
const sleep = ms => new Promise(r => setTimeout(r, ms));
const kw = w => (w == null ? "–" : (w / 1000).toFixed(1) + " kW");
const pct = x => (x == null ? "–" : Math.round(x * 100) + " %");
const hms = ms => new Date(ms).toISOString().slice(11, 19);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return node;
}

function toast(text, error = false) {
  const item = el("div", { class: error ? "err" : "" }, text);
  $("toast").append(item);
  setTimeout(() => item.remove(), error ? 8000 : 4000);
}

function problemText(p, res) {
  if (p && typeof p.detail === "string") return p.detail;
  if (p && p.code) return `${p.code}: ${p.description || ""}`;
  return `${res.status} ${res.statusText}`;
}

async function api(path, { method = "GET", body, token } = {}) {
  const headers = { Authorization: `Bearer ${token || state.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (res.status === 401 && !token) signOut("Your token was not accepted (revoked?). Sign in again.");
  if (!res.ok) { const err = new Error(problemText(data, res)); err.status = res.status; throw err; }
  return data;
}

async function command(label, path, opts) {
  try {
    const out = await api(path, opts);
    const status = out && (out.status || (out.value !== undefined ? `signal ${out.value.toFixed(2)}` : ""));
    toast(`${label}: ${status || "done"}`);
    return out;
  } catch (e) {
    toast(`${label} failed: ${e.message}`, true);
    return null;
  }
}

// ---- sign-in ----------------------------------------------------------------------------------------------

async function signIn(token) {
  const me = await api("/api/v1/whoami", { token });
  state.token = token;
  state.role = me.role;
  sessionStorage.setItem(TOKEN_KEY, token);
  $("who").textContent = `${me.name} (${me.role})`;
  $("login").classList.add("hidden");
  $("app").classList.remove("hidden");
  $("logout").classList.remove("hidden");
  const canOperate = ROLE_RANK[me.role] >= ROLE_RANK.operator;
  for (const box of document.querySelectorAll(".needs-operator")) {
    for (const ctl of box.querySelectorAll("input, button")) ctl.disabled = !canOperate;
    box.title = canOperate ? "" : "needs the operator role";
  }
  start();
}

function signOut(message) {
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  for (const t of state.timers) clearInterval(t);
  state.timers = [];
  if (state.streamCtrl) state.streamCtrl.abort();
  $("app").classList.add("hidden");
  $("logout").classList.add("hidden");
  $("login").classList.remove("hidden");
  $("who").textContent = "";
  $("login-error").textContent = message || "";
  setLive(false);
}

// ---- refreshers -------------------------------------------------------------------------------------------

async function refreshNode() {
  const node = await api("/api/v1/node");
  $("node-info").textContent = node && node.node_id ? `node ${node.node_id}${node.is_leader ? " · leader" : ""}` : "";
}

async function refreshFleet() {
  const f = await api("/api/v1/fleet");
  $("stat-stations").textContent = `${f.stations_online} / ${f.stations_total}`;
  $("stat-evs").textContent = f.evs_plugged;
  $("stat-import").textContent = kw(f.power_import_w);
  $("stat-export").textContent = kw(f.power_export_w);
  $("stat-net").textContent = kw(f.net_power_w);
  state.fleetEnabled = f.controller.enabled;
  state.serverNow = Date.parse(f.at);
  const plan = f.controller.plan;
  $("stat-plan").textContent = !f.controller.enabled ? "fleet control off"
    : plan ? `${plan.status}, ${plan.evs} EVs, solved in ${plan.solve_time_s.toFixed(2)} s (#${f.controller.replans})`
      : "no plan yet";
  const labels = f.soc.counts.map((_, i) => `${Math.round(f.soc.edges[i] * 100)}`);
  Plots.bars($("plot-soc"), { labels, values: f.soc.counts, color: "#3ecf8e", yFormat: v => String(v),
    emptyText: "no EV plugged" });
  $("soc-unknown").textContent = `SoC bins in %. ${f.soc.unknown ? f.soc.unknown + " EV(s) without SoC." : ""}`;
  return f;
}

// The live stream carries the score (fleet.score, same window); the poll is the fallback while it is down.
async function refreshScore() {
  if (!state.fleetEnabled) { $("stat-score").textContent = "off"; return; }
  showScore(await api("/api/v1/fleet/score?window_s=3600"));
}

function showScore(s) {
  $("stat-score").textContent = s.composite == null ? "–" : s.composite.toFixed(2);
  $("stat-score").title = s.composite == null ? "" :
    `accuracy ${s.accuracy.toFixed(2)}, delay ${s.delay.toFixed(2)}, precision ${s.precision.toFixed(2)} over ${s.points} ticks`;
}

async function loadTrace() {
  if (!state.fleetEnabled) return;
  const last = state.trace.length ? state.trace[state.trace.length - 1].at : null;
  const q = last ? `?since=${encodeURIComponent(last)}&limit=${TRACE_KEEP}` : `?limit=${TRACE_KEEP}`;
  for (const p of await api("/api/v1/fleet/trace" + q)) pushTrace(p);
}

function pushTrace(p) {
  const last = state.trace[state.trace.length - 1];
  if (last && Date.parse(p.at) <= Date.parse(last.at)) return;
  state.trace.push(p);
  if (state.trace.length > TRACE_KEEP) state.trace.splice(0, state.trace.length - TRACE_KEEP);
  scheduleDraw();
}

function scheduleDraw() {
  if (state.drawPending) return;
  state.drawPending = true;
  requestAnimationFrame(() => { state.drawPending = false; drawTrace(); });
}

function drawTrace() {
  const t = state.trace.map(p => Date.parse(p.at));
  const canvas = $("plot-regulation");
  Plots.line(canvas, {
    series: [
      { points: state.trace.map((p, i) => [t[i], p.signal]), color: "#f2b84b", width: 2 },
      { points: state.trace.map((p, i) => [t[i], p.response]), color: "#4aa3ff", width: 1.6 },
    ],
    yMin: -1.5, yMax: 1.5, xFormat: hms, yFormat: v => v.toFixed(1),
    emptyText: state.fleetEnabled ? "waiting for the first dispatch tick" : "fleet control is off on this node",
  });
  const last = state.trace[state.trace.length - 1];
  canvas.dataset.points = String(state.trace.length);
  if (last) {
    canvas.dataset.lastSignal = last.signal.toFixed(3);
    canvas.dataset.lastAt = last.at;
    $("reg-latest").textContent = `· latest ${hms(Date.parse(last.at))} UTC: signal ${last.signal.toFixed(2)}, ` +
      `response ${last.response.toFixed(2)}`;
  }
  const k = w => w / 1000;
  Plots.line($("plot-power"), {
    series: [
      { points: state.trace.map((p, i) => [t[i], k(p.baseline_w)]), color: "#8b98a5", width: 1 },
      { points: state.trace.map((p, i) => [t[i], k(p.requested_w)]), color: "#f2b84b", width: 1.6, step: true },
      { points: state.trace.map((p, i) => [t[i], k(p.metered_w)]), color: "#3ecf8e", width: 1.8 },
    ],
    bands: [{ upper: state.trace.map((p, i) => [t[i], k(p.baseline_w + p.reserve_down_w)]),
      lower: state.trace.map((p, i) => [t[i], k(p.baseline_w - p.reserve_up_w)]), color: "rgba(74,163,255,.18)" }],
    xFormat: hms, yFormat: v => v.toFixed(0), emptyText: "no dispatch yet",
  });
}

async function refreshDr() {
  if (!state.fleetEnabled) return;
  const events = await api("/api/v1/grid/dr-events");
  const body = $("dr-table").querySelector("tbody");
  body.replaceChildren(...events.map(e => el("tr", { dataset: { eventId: e.event_id } },
    el("td", {}, e.event_id),
    el("td", {}, `${hms(Date.parse(e.start_at))}–${hms(Date.parse(e.end_at))}`),
    el("td", {}, e.status),
    el("td", {}, kw(e.committed_reduction_w)),
    el("td", {}, kw(e.delivered_reduction_w)),
    el("td", {}, ROLE_RANK[state.role] >= ROLE_RANK.operator ? el("button", { type: "button", class: "link",
      onclick: async () => { await command(`cancel ${e.event_id}`, `/api/v1/grid/dr-events/${encodeURIComponent(e.event_id)}`,
        { method: "DELETE" }); refreshDr(); } }, "cancel") : ""))));
  const labels = [], values = [], colors = [];
  for (const e of events.slice(-6)) {
    labels.push(e.event_id.slice(0, 10), "");
    values.push(e.committed_reduction_w / 1000, (e.delivered_reduction_w ?? 0) / 1000);
    colors.push("#4aa3ff", "#3ecf8e");
  }
  Plots.bars($("plot-dr"), { labels, values, colors, yFormat: v => v.toFixed(0) + " kW",
    emptyText: "no DR event committed" });
}

async function refreshStations() {
  const q = $("station-filter").value.trim();
  const [stations, evs] = await Promise.all([
    api(`/api/v1/stations?limit=500${q ? "&q=" + encodeURIComponent(q) : ""}`),
    api("/api/v1/evs?limit=5000"),
  ]);
  state.evs = new Map();
  for (const ev of evs) {
    const list = state.evs.get(ev.station_id) || [];
    list.push(ev);
    state.evs.set(ev.station_id, list);
  }
  $("stations-count").textContent = `(${stations.filter(s => s.connected).length} online of ${stations.length})`;
  const body = $("stations-table").querySelector("tbody");
  body.replaceChildren(...stations.map(s => {
    const evsHere = state.evs.get(s.station_id) || [];
    const power = evsHere.reduce((a, e) => a + (e.power_w || 0), 0);
    const soc = evsHere.length && evsHere[0].soc != null ? pct(evsHere[0].soc) : "–";
    const row = el("tr", { dataset: { stationId: s.station_id }, class: s.station_id === state.selected ? "selected" : "",
      onclick: () => selectStation(s.station_id) },
    el("td", {}, s.station_id),
    el("td", {}, el("span", { class: s.connected ? "dot on" : "dot", title: s.connected ? "online" : "offline" })),
    el("td", {}, `${s.vendor} ${s.model}`.trim()),
    el("td", {}, s.connectors.map(c => `${c.evse_id}/${c.connector_id} ${c.status}`).join(", ")),
    el("td", { class: power < 0 ? "neg" : "pos" }, evsHere.length ? kw(power) : "–"),
    el("td", {}, soc),
    el("td", {}, evsHere.map(e => e.transaction_id).join(", ")));
    return row;
  }));
}

function scheduleStationsRefresh() {
  if (state.stationsPending) return;
  state.stationsPending = setTimeout(() => { state.stationsPending = null; refreshStations().catch(() => {}); }, 400);
}

// ---- station detail ---------------------------------------------------------------------------------------

async function selectStation(id) {
  state.selected = id;
  for (const row of document.querySelectorAll("#stations-table tbody tr")) {
    row.classList.toggle("selected", row.dataset.stationId === id);
  }
  $("station-detail").classList.remove("hidden");
  $("detail-id").textContent = id;
  await loadDetail();
}

async function loadDetail() {
  const id = state.selected;
  if (!id) return;
  const enc = encodeURIComponent(id);
  const [s, evses] = await Promise.all([api(`/api/v1/stations/${enc}`), api(`/api/v1/stations/${enc}/evses`)]);
  $("detail-info").textContent = `${s.connected ? "online" : "offline"} · ${s.vendor} ${s.model} · ${s.ocpp_version} · ` +
    `firmware ${s.firmware_version || "?"} · last boot ${s.last_boot_at || "–"}`;
  const canOperate = ROLE_RANK[state.role] >= ROLE_RANK.operator;
  $("detail-evses").replaceChildren(...evses.map(e => {
    const tx = e.transaction;
    const parts = [el("b", {}, `EVSE ${e.evse_id}`),
      el("span", {}, e.connectors.map(c => c.status).join(", ") || "no status"),
      el("span", {}, tx ? `tx ${tx.transaction_id} · ${kw(tx.last_power_w)} · SoC ${pct(tx.last_soc)} · ` +
        `in ${(tx.energy_import_wh / 1000).toFixed(2)} kWh / out ${(tx.energy_export_wh / 1000).toFixed(2)} kWh` : "idle")];
    if (e.needs) parts.push(el("span", { class: "muted" }, `departs ${e.needs.departure_at || "?"} · target ` +
      `${pct(e.needs.target_soc)} · reserve ${pct(e.needs.min_soc)} · discharge ${e.needs.discharge_allowed ? "allowed" : "not allowed"}`));
    for (const sch of e.schedules) parts.push(el("span", { class: "muted" },
      `${sch.purpose}: ${kw(sch.periods[0].power_w)} until ${hms(Date.parse(sch.starts_at) + sch.duration_s * 1000)}`));
    if (tx && canOperate) {
      parts.push(el("button", { type: "button", class: "danger", dataset: { stopTx: tx.transaction_id },
        onclick: async () => {
          await command(`stop ${tx.transaction_id}`, `/api/v1/stations/${enc}/transactions/stop`,
            { method: "POST", body: { transaction_id: tx.transaction_id } });
          setTimeout(() => loadDetail().catch(() => {}), 800);
        } }, "Stop transaction"));
    }
    return el("div", { class: "evse" }, ...parts);
  }));
  const evse = (evses.find(e => e.transaction) || evses[0] || { evse_id: 1 }).evse_id;
  $("schedule-evse").value = evse;
  await loadComposite(id, evse, s.connected);
}

async function loadComposite(id, evse, connected) {
  const canvas = $("plot-composite");
  if (!connected) {
    Plots.line(canvas, { series: [], emptyText: "station offline" });
    $("composite-note").textContent = "";
    return;
  }
  try {
    const r = await api(`/api/v1/stations/${encodeURIComponent(id)}/evses/${evse}/composite-schedule?duration_s=3600`);
    const sch = r.schedule;
    if (r.status !== "Accepted" || !sch) {
      Plots.line(canvas, { series: [], emptyText: `no composite schedule (${r.status})` });
      return;
    }
    const start = Date.parse(sch.scheduleStart);
    const value = p => p.operationMode === "CentralSetpoint" ? p.setpoint : p.operationMode === "Idle" ? 0
      : p.operationMode === "LocalFrequency" ? (p.v2xBaseline || 0) : p.limit;
    const pts = sch.chargingSchedulePeriod.map(p => [start + p.startPeriod * 1000, value(p) / 1000]);
    if (pts.length) pts.push([start + sch.duration * 1000, pts[pts.length - 1][1]]);
    Plots.line(canvas, { series: [{ points: pts, color: "#4aa3ff", width: 2, step: true }], xFormat: hms,
      yFormat: v => v.toFixed(1) + " kW", emptyText: "empty schedule" });
    canvas.dataset.periods = String(sch.chargingSchedulePeriod.length);
    $("composite-note").textContent = `EVSE ${evse}, from ${hms(start)} UTC, in ${sch.chargingRateUnit}`;
  } catch (e) {
    Plots.line(canvas, { series: [], emptyText: `composite schedule unavailable: ${e.message}` });
  }
}

// ---- live stream ------------------------------------------------------------------------------------------

function setLive(on) {
  const pill = $("live-status");
  pill.textContent = on ? "live" : "offline";
  pill.className = on ? "pill on" : "pill off";
}

function logEvent(kind, data) {
  if (kind === "fleet.tick" || kind === "fleet.score") return;
  const detail = Object.entries(data).filter(([k]) => !["station_id", "at"].includes(k))
    .map(([k, v]) => `${k}=${typeof v === "number" ? +v.toFixed(3) : v}`).join(" ");
  const li = el("li", {}, `${String(data.at || "").slice(11, 19)} `, el("b", {}, kind), ` ${data.station_id || ""} ${detail}`);
  const log = $("event-log");
  log.prepend(li);
  while (log.children.length > 100) log.lastChild.remove();
}

function onEvent(kind, data) {
  logEvent(kind, data);
  if (kind === "fleet.tick") { pushTrace(data); return; }
  if (kind === "fleet.score") { showScore(data); return; }
  if (kind.startsWith("station.") || kind.startsWith("transaction.") || kind === "connector.status"
      || kind === "setpoint.applied") {
    scheduleStationsRefresh();
  }
  if (state.selected && data.station_id === state.selected && kind !== "setpoint.applied") {
    loadDetail().catch(() => {});
  }
}

async function openStream() {
  while (state.token) {
    const ctrl = new AbortController();
    state.streamCtrl = ctrl;
    try {
      const res = await fetch(`/api/v1/events/stream?kinds=${STREAM_KINDS.join(",")}`,
        { headers: { Authorization: `Bearer ${state.token}` }, signal: ctrl.signal });
      if (res.status === 401) { signOut("Your token was not accepted. Sign in again."); return; }
      if (!res.ok) throw new Error(String(res.status));
      setLive(true);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut;
        while ((cut = buffer.indexOf("\n\n")) >= 0) {
          const frame = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let kind = "message", data = "";
          for (const line of frame.split("\n")) {
            if (line.startsWith("event:")) kind = line.slice(6).trim();
            else if (line.startsWith("data:")) data += line.slice(5).trim();
          }
          if (data) onEvent(kind, JSON.parse(data));
        }
      }
    } catch (e) {
      if (!state.token) return;
    }
    setLive(false);
    await sleep(2000);
  }
}

// ---- wiring -----------------------------------------------------------------------------------------------

function every(ms, fn) {
  const run = () => fn().catch(e => { if (e.status !== 401) console.warn(e); });
  run();
  state.timers.push(setInterval(run, ms));
}

function start() {
  every(30000, refreshNode);
  every(2000, refreshFleet);
  every(3000, refreshStations);
  every(5000, refreshDr);
  every(60000, refreshScore);
  every(5000, loadTrace);
  openStream();
}

function bindControls() {
  $("login-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    try { await signIn($("token-input").value.trim()); $("token-input").value = ""; }
    catch (e) { $("login-error").textContent = e.status === 401 ? "Token not accepted." : e.message; }
  });
  $("logout").addEventListener("click", () => signOut(""));
  $("station-filter").addEventListener("input", scheduleStationsRefresh);
  $("detail-close").addEventListener("click", () => { state.selected = null; $("station-detail").classList.add("hidden"); });
  $("regulation-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    await command("regulation", "/api/v1/grid/regulation", { method: "POST",
      body: { value: Number($("regulation-value").value) } });
  });
  $("dr-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const f = await api("/api/v1/fleet");
    const startAt = Date.parse(f.at) + Number($("dr-start").value) * 60000;
    const endAt = startAt + Number($("dr-duration").value) * 60000;
    await command("DR event", "/api/v1/grid/dr-events", { method: "POST", body: {
      event_id: "dr-" + new Date(startAt).toISOString().slice(11, 16).replace(":", ""),
      start_at: new Date(startAt).toISOString(), end_at: new Date(endAt).toISOString(),
      reduction_w: Number($("dr-kw").value) * 1000 } });
    refreshDr();
  });
  $("schedule-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const id = encodeURIComponent(state.selected);
    await command("schedule", `/api/v1/stations/${id}/evses/${$("schedule-evse").value}/schedule`, { method: "PUT",
      body: { periods: [{ start_offset_s: 0, power_w: Number($("schedule-kw").value) * 1000 }],
        duration_s: Math.round(Number($("schedule-min").value) * 60) } });
    loadDetail().catch(() => {});
  });
  $("schedule-clear").addEventListener("click", async () => {
    const id = encodeURIComponent(state.selected);
    await command("clear schedule", `/api/v1/stations/${id}/evses/${$("schedule-evse").value}/schedule`,
      { method: "DELETE" });
    loadDetail().catch(() => {});
  });
  const station = () => `/api/v1/stations/${encodeURIComponent(state.selected)}`;
  $("cmd-reset").addEventListener("click", () => command("reset", station() + "/reset",
    { method: "POST", body: { type: "OnIdle" } }));
  $("cmd-unavailable").addEventListener("click", () => command("unavailable", station() + "/availability",
    { method: "POST", body: { operational: false } }));
  $("cmd-available").addEventListener("click", () => command("available", station() + "/availability",
    { method: "POST", body: { operational: true } }));
  window.addEventListener("resize", () => { drawTrace(); });
}

bindControls();
const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved) signIn(saved).catch(() => signOut("Sign in again."));
else signOut("");
