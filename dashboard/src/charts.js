// Plain SVG charts (no library): a multi-series line chart over time and a health strip. Samples
// are kept in memory by the views (at most a few hundred points), never in storage.

const SVG = "http://www.w3.org/2000/svg";

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * A line chart. series: [{ name, cls, points: [[timeMillis, value], ...] }]. Draws into a
 * viewBox so it scales with its container; the legend carries each series' latest value.
 */
export function lineChart(series, { title, unit = "", height = 160 } = {}) {
  const width = 600;
  const pad = { l: 44, r: 8, t: 8, b: 20 };
  const all = series.flatMap((x) => x.points);
  const wrap = document.createElement("figure");
  wrap.className = "chart";
  if (title) {
    const cap = document.createElement("figcaption");
    cap.textContent = title;
    wrap.append(cap);
  }
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title ?? "chart" });
  wrap.append(svg);
  if (all.length < 2) {
    svg.append(s("text", { x: width / 2, y: height / 2, "text-anchor": "middle", class: "muted" }, "collecting samples…"));
  } else {
    const t0 = Math.min(...all.map((p) => p[0]));
    const t1 = Math.max(...all.map((p) => p[0]));
    const vmax = Math.max(1, ...all.map((p) => p[1]));
    const x = (t) => pad.l + ((t - t0) / Math.max(1, t1 - t0)) * (width - pad.l - pad.r);
    const y = (v) => height - pad.b - (v / vmax) * (height - pad.t - pad.b);
    for (const f of [0, 0.5, 1]) {
      const v = vmax * f;
      svg.append(s("line", { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: "grid" }));
      svg.append(s("text", { x: pad.l - 4, y: y(v) + 4, "text-anchor": "end", class: "axis" }, fmt(v) + unit));
    }
    svg.append(s("text", { x: pad.l, y: height - 4, class: "axis" }, clock(t0)));
    svg.append(s("text", { x: width - pad.r, y: height - 4, "text-anchor": "end", class: "axis" }, clock(t1)));
    for (const ser of series) {
      if (!ser.points.length) continue;
      const d = ser.points.map((p, i) => `${i ? "L" : "M"}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join("");
      svg.append(s("path", { d, class: `line ${ser.cls}`, "vector-effect": "non-scaling-stroke" }));
    }
  }
  const legend = document.createElement("div");
  legend.className = "legend";
  for (const ser of series) {
    const last = ser.points.length ? ser.points[ser.points.length - 1][1] : undefined;
    const item = document.createElement("span");
    item.className = `key ${ser.cls}`;
    item.textContent = `${ser.name}${last === undefined ? "" : ": " + fmt(last) + unit}`;
    legend.append(item);
  }
  wrap.append(legend);
  return wrap;
}

/** One row of coloured cells per backend, oldest left: [{ name, samples: ["healthy", ...], titles?: [tooltip, ...] }]. */
export function healthStrip(rows, { cells = 60 } = {}) {
  const cell = 8;
  const labelW = 0;
  const width = labelW + cells * cell;
  const wrap = document.createElement("div");
  wrap.className = "strips";
  for (const row of rows) {
    const svg = s("svg", { viewBox: `0 0 ${width} ${cell}`, class: "strip", role: "img", "aria-label": `${row.name} health history` });
    const recent = row.samples.slice(-cells);
    const titles = (row.titles ?? row.samples).slice(-cells);
    recent.forEach((h, i) => {
      const r = s("rect", { x: labelW + (cells - recent.length + i) * cell, y: 0, width: cell - 1, height: cell, class: `h-${healthClass(h)}`,
        "data-state": h });
      r.append(s("title", {}, titles[i] ?? h));
      svg.append(r);
    });
    const line = document.createElement("div");
    line.className = "strip-row";
    line.dataset.backend = row.name;
    const name = document.createElement("span");
    name.textContent = row.name;
    line.append(name, svg);
    wrap.append(line);
  }
  return wrap;
}

export function healthClass(health) {
  const v = String(health ?? "").toLowerCase();
  if (v === "healthy" || v === "ok" || v === "up") return "good";
  if (v === "degraded" || v === "unknown" || v === "") return "warn";
  return "bad";
}

function fmt(v) {
  if (v >= 100 || Number.isInteger(v)) return String(Math.round(v));
  return v.toFixed(1);
}

function clock(t) {
  return new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
