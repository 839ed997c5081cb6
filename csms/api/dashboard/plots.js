"use strict";
// A tiny canvas plotting kit for the dashboard: line/step series over a numeric x axis, filled bands, bars.
// No dependencies; sizes follow the canvas's CSS width and its height attribute, sharp on HiDPI screens.
const Plots = (() => {
  const AXIS = "#8b98a5", GRID = "#24303c", FONT = "11px system-ui, sans-serif";
  const M = { left: 52, right: 28, top: 8, bottom: 22 };

  function setup(canvas) {
    if (!canvas.dataset.cssHeight) canvas.dataset.cssHeight = canvas.getAttribute("height") || "160";
    const cssH = Number(canvas.dataset.cssHeight);
    canvas.style.height = cssH + "px";
    const cssW = canvas.clientWidth || 600;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(cssW * dpr)) canvas.width = Math.round(cssW * dpr);
    if (canvas.height !== Math.round(cssH * dpr)) canvas.height = Math.round(cssH * dpr);
    const ctx = canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);
    ctx.font = FONT;
    return { ctx, w: cssW, h: cssH };
  }

  function niceTicks(lo, hi, n) {
    const span = hi - lo || 1, raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map(s => s * mag).find(s => span / s <= n) || raw;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(+v.toFixed(10));
    return out;
  }

  function empty(ctx, w, h, text) {
    ctx.fillStyle = AXIS; ctx.textAlign = "center"; ctx.fillText(text, w / 2, h / 2);
  }

  // opts: {series: [{points: [[x, y]], color, width, step}], bands: [{upper, lower, color}], yMin, yMax,
  //        xFormat, yFormat, emptyText}
  function line(canvas, opts) {
    const { ctx, w, h } = setup(canvas);
    const all = [];
    for (const s of opts.series) for (const p of s.points) all.push(p);
    for (const b of opts.bands || []) for (const p of b.upper.concat(b.lower)) all.push(p);
    if (all.length < 1) { empty(ctx, w, h, opts.emptyText || "no data yet"); return; }
    let x0 = Math.min(...all.map(p => p[0])), x1 = Math.max(...all.map(p => p[0]));
    if (x1 === x0) { x0 -= 1; x1 += 1; }
    let y0 = opts.yMin ?? Math.min(0, ...all.map(p => p[1])), y1 = opts.yMax ?? Math.max(0, ...all.map(p => p[1]));
    if (opts.yMin === undefined || opts.yMax === undefined) {
      const pad = (y1 - y0) * 0.08 || 1;
      if (opts.yMin === undefined) y0 -= pad;
      if (opts.yMax === undefined) y1 += pad;
    }
    const X = x => M.left + (x - x0) / (x1 - x0) * (w - M.left - M.right);
    const Y = y => M.top + (1 - (y - y0) / (y1 - y0)) * (h - M.top - M.bottom);
    const yFmt = opts.yFormat || (v => String(v)), xFmt = opts.xFormat || (v => String(v));
    ctx.lineWidth = 1; ctx.fillStyle = AXIS; ctx.textAlign = "right"; ctx.textBaseline = "middle";
    for (const t of niceTicks(y0, y1, 4)) {
      ctx.strokeStyle = t === 0 ? AXIS : GRID; ctx.beginPath(); ctx.moveTo(M.left, Y(t)); ctx.lineTo(w - M.right, Y(t));
      ctx.stroke(); ctx.fillText(yFmt(t), M.left - 6, Y(t));
    }
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    for (const t of niceTicks(x0, x1, Math.max(2, Math.floor(w / 110)))) ctx.fillText(xFmt(t), X(t), h - M.bottom + 5);
    ctx.save();
    ctx.beginPath(); ctx.rect(M.left, M.top, w - M.left - M.right, h - M.top - M.bottom); ctx.clip();
    for (const b of opts.bands || []) {
      if (!b.upper.length) continue;
      ctx.fillStyle = b.color; ctx.beginPath();
      b.upper.forEach((p, i) => i ? ctx.lineTo(X(p[0]), Y(p[1])) : ctx.moveTo(X(p[0]), Y(p[1])));
      for (const p of b.lower.slice().reverse()) ctx.lineTo(X(p[0]), Y(p[1]));
      ctx.closePath(); ctx.fill();
    }
    for (const s of opts.series) {
      if (!s.points.length) continue;
      ctx.strokeStyle = s.color; ctx.lineWidth = s.width || 1.6; ctx.beginPath();
      s.points.forEach((p, i) => {
        if (i === 0) { ctx.moveTo(X(p[0]), Y(p[1])); return; }
        if (s.step) ctx.lineTo(X(p[0]), Y(s.points[i - 1][1]));
        ctx.lineTo(X(p[0]), Y(p[1]));
      });
      ctx.stroke();
    }
    ctx.restore();
  }

  // opts: {labels: [...], values: [...], colors: [...] | color, yFormat, emptyText}
  function bars(canvas, opts) {
    const { ctx, w, h } = setup(canvas);
    const n = opts.values.length;
    if (!n) { empty(ctx, w, h, opts.emptyText || "no data yet"); return; }
    const top = Math.max(1, ...opts.values.map(Math.abs));
    const Y = v => M.top + (1 - v / top) * (h - M.top - M.bottom);
    ctx.fillStyle = AXIS; ctx.textAlign = "right"; ctx.textBaseline = "middle"; ctx.lineWidth = 1;
    for (const t of niceTicks(0, top, 3)) {
      ctx.strokeStyle = GRID; ctx.beginPath(); ctx.moveTo(M.left, Y(t)); ctx.lineTo(w - M.right, Y(t)); ctx.stroke();
      ctx.fillText((opts.yFormat || String)(t), M.left - 6, Y(t));
    }
    const slot = (w - M.left - M.right) / n;
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    opts.values.forEach((v, i) => {
      ctx.fillStyle = Array.isArray(opts.colors) ? opts.colors[i % opts.colors.length] : (opts.color || "#4aa3ff");
      const x = M.left + i * slot + slot * 0.15;
      ctx.fillRect(x, Y(Math.max(v, 0)), slot * 0.7, Math.abs(Y(v) - Y(0)));
      ctx.fillStyle = AXIS;
      ctx.fillText(opts.labels[i], M.left + (i + 0.5) * slot, h - M.bottom + 5);
    });
  }

  return { line, bars };
})();
