/**
 * A small line-plot builder that returns standalone SVG text (inline styles, no CSS classes),
 * so the plot on screen and the exported .svg/.png are the same picture. Pure, no DOM.
 */
import { formatTicks, niceTicks } from './ticks.ts';

export interface PlotSeries {
  name: string;
  x: number[];
  y: number[];
  color: string;
  /** SVG stroke-dasharray, e.g. "5 3". */
  dash?: string;
  width?: number;
  /** Draw a dot at every point (for sparse data such as held-out angles). */
  markers?: boolean;
}

export interface ReferenceLine {
  value: number;
  label: string;
  color: string;
}

export interface PlotSpec {
  width: number;
  height: number;
  title?: string;
  xLabel: string;
  yLabel: string;
  series: PlotSeries[];
  /** Defaults to the data range. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Horizontal reference lines (e.g. FSC thresholds). */
  hLines?: ReferenceLine[];
  /** Vertical reference lines (e.g. a resolution). */
  vLines?: ReferenceLine[];
  legend?: boolean;
  /** Unique per document: names the clip path (several plots share one page). */
  id?: string;
}

export const PLOT_THEME = {
  background: '#0f1318',
  axis: '#5b6773',
  grid: '#222a33',
  text: '#8a96a3',
  title: '#d8dee6',
  font: 'system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif',
};

export const MARGIN = { left: 50, right: 12, top: 26, bottom: 38 };

/** Escape text for SVG/XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const fmt = (v: number): string => (Math.round(v * 100) / 100).toString();

function extent(values: number[][], fallback: [number, number]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const list of values) {
    for (const v of list) {
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return fallback;
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/**
 * SVG path data of one series in screen coordinates; non-finite points break the line, and
 * points are clipped to nothing (the caller clips with a clipPath).
 */
export function pathData(xs: number[], ys: number[], sx: (x: number) => number, sy: (y: number) => number): string {
  const parts: string[] = [];
  let pen = false;
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) {
      pen = false;
      continue;
    }
    parts.push(`${pen ? 'L' : 'M'}${fmt(sx(xs[i]))} ${fmt(sy(ys[i]))}`);
    pen = true;
  }
  return parts.join('');
}

/**
 * The legend's top-left corner: of the plot's four corners and the middles of its sides, the place whose box the
 * curves cross least (counted at their points and at 8 steps along each segment, in screen pixels); the corners
 * first, top right first, on a tie.
 */
export function legendCorner(
  series: readonly PlotSeries[],
  sx: (x: number) => number,
  sy: (y: number) => number,
  place: { left: number; right: number; top: number; bottom: number },
  width: number,
  height: number,
): [number, number] {
  const middle = (place.top + place.bottom) / 2;
  const corners: [number, number][] = [
    [place.right, place.top],
    [place.left, place.top],
    [place.right, place.bottom],
    [place.left, place.bottom],
    [place.right, middle],
    [place.left, middle],
  ];
  const hits = corners.map(() => 0);
  for (const s of series) {
    for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
      const steps = i + 1 < s.x.length ? 8 : 1;
      for (let j = 0; j < steps; j++) {
        const f = j / steps;
        const x = sx(s.x[i] + (i + 1 < s.x.length ? f * (s.x[i + 1] - s.x[i]) : 0));
        const y = sy(s.y[i] + (i + 1 < s.y.length ? f * (s.y[i + 1] - s.y[i]) : 0));
        if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
        corners.forEach(([cx, cy], c) => {
          if (x >= cx && x <= cx + width && y >= cy && y <= cy + height) hits[c]++;
        });
      }
    }
  }
  return corners[hits.indexOf(Math.min(...hits))];
}

/** Average advance of the title's 11 px system-ui glyphs, px: generous, so that an estimate never overflows. */
const TITLE_CHAR_PX = 6.6;
const TITLE_LINE_PX = 13;

/**
 * The title in at most two lines of `width` px (estimated from its length: the SVG is built without a DOM to
 * measure in), broken at spaces; what still does not fit ends in "…". The full title stays in the SVG's
 * <title>, shown on hover.
 */
export function titleLines(title: string, width: number): string[] {
  const perLine = Math.max(8, Math.floor(width / TITLE_CHAR_PX));
  const lines: string[] = [];
  let rest = title.trim();
  while (rest.length > perLine && lines.length < 1) {
    const cut = rest.lastIndexOf(' ', perLine);
    const at = cut > perLine / 2 ? cut : perLine;
    lines.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  lines.push(rest.length > perLine ? `${rest.slice(0, perLine - 1).trimEnd()}…` : rest);
  return lines;
}

export function buildPlotSvg(spec: PlotSpec): string {
  const { width: W, height: H } = spec;
  const pw = W - MARGIN.left - MARGIN.right;
  const titles = spec.title ? titleLines(spec.title, pw) : [];
  // A second title line moves the plot down by one line.
  const top = MARGIN.top + Math.max(0, titles.length - 1) * TITLE_LINE_PX;
  const ph = H - top - MARGIN.bottom;
  const [x0, x1] = spec.xDomain ?? extent(spec.series.map((s) => s.x), [0, 1]);
  const [y0, y1] = spec.yDomain ?? extent(spec.series.map((s) => s.y), [0, 1]);
  const sx = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * pw;
  const sy = (y: number): number => top + ph - ((y - y0) / (y1 - y0 || 1)) * ph;
  const t = PLOT_THEME;
  const clipId = `${(spec.id ?? 'plot').replace(/[^A-Za-z0-9_-]/g, '_')}-area`;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${escapeXml(t.font)}" font-size="10">`,
  );
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="${t.background}"/>`);
  out.push(`<defs><clipPath id="${clipId}"><rect x="${MARGIN.left}" y="${top}" width="${pw}" height="${ph}"/></clipPath></defs>`);
  if (spec.title) out.push(`<title>${escapeXml(spec.title)}</title>`);
  titles.forEach((line, i) => out.push(`<text x="${MARGIN.left}" y="${16 + i * TITLE_LINE_PX}" fill="${t.title}" font-size="11" data-role="title">${escapeXml(line)}</text>`));

  const xTicks = niceTicks(x0, x1, Math.max(2, Math.round(pw / 70)));
  const yTicks = niceTicks(y0, y1, Math.max(2, Math.round(ph / 40)));
  const xLabels = formatTicks(xTicks);
  const yLabels = formatTicks(yTicks);
  xTicks.forEach((v, i) => {
    const x = fmt(sx(v));
    out.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${top + ph}" stroke="${t.grid}"/>`);
    out.push(`<text x="${x}" y="${top + ph + 13}" fill="${t.text}" text-anchor="middle">${xLabels[i]}</text>`);
  });
  yTicks.forEach((v, i) => {
    const y = fmt(sy(v));
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + pw}" y1="${y}" y2="${y}" stroke="${t.grid}"/>`);
    out.push(`<text x="${MARGIN.left - 5}" y="${fmt(sy(v) + 3)}" fill="${t.text}" text-anchor="end">${yLabels[i]}</text>`);
  });
  out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${top}" y2="${top + ph}" stroke="${t.axis}"/>`);
  out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + pw}" y1="${top + ph}" y2="${top + ph}" stroke="${t.axis}"/>`);
  out.push(`<text x="${fmt(MARGIN.left + pw / 2)}" y="${H - 6}" fill="${t.text}" text-anchor="middle" font-size="11">${escapeXml(spec.xLabel)}</text>`);
  out.push(
    `<text transform="translate(12 ${fmt(top + ph / 2)}) rotate(-90)" fill="${t.text}" text-anchor="middle" font-size="11">${escapeXml(spec.yLabel)}</text>`,
  );

  out.push(`<g clip-path="url(#${clipId})">`);
  for (const line of spec.hLines ?? []) {
    if (line.value < Math.min(y0, y1) || line.value > Math.max(y0, y1)) continue;
    const y = fmt(sy(line.value));
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + pw}" y1="${y}" y2="${y}" stroke="${line.color}" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${MARGIN.left + pw - 3}" y="${fmt(sy(line.value) - 3)}" fill="${line.color}" text-anchor="end">${escapeXml(line.label)}</text>`);
  }
  for (const line of spec.vLines ?? []) {
    if (line.value < Math.min(x0, x1) || line.value > Math.max(x0, x1)) continue;
    const x = fmt(sx(line.value));
    out.push(`<line x1="${x}" x2="${x}" y1="${top}" y2="${top + ph}" stroke="${line.color}" stroke-dasharray="2 3"/>`);
  }
  for (const s of spec.series) {
    const d = pathData(s.x, s.y, sx, sy);
    if (!d) continue;
    const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.5}"${dash} stroke-linejoin="round"><title>${escapeXml(s.name)}</title></path>`,
    );
    if (s.markers) {
      for (let i = 0; i < Math.min(s.x.length, s.y.length); i++) {
        if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) out.push(`<circle cx="${fmt(sx(s.x[i]))}" cy="${fmt(sy(s.y[i]))}" r="2.5" fill="${s.color}"/>`);
      }
    }
  }
  out.push('</g>');

  if (spec.legend !== false && spec.series.length > 0) {
    const rowH = 13;
    const boxW = Math.min(pw - 8, 8 + 22 + 6.2 * Math.max(...spec.series.map((s) => s.name.length)));
    const boxH = spec.series.length * rowH + 6;
    const [bx, by] = legendCorner(spec.series, sx, sy, { left: MARGIN.left + 4, right: MARGIN.left + pw - boxW - 4, top: top + 4, bottom: top + ph - boxH - 4 }, boxW, boxH);
    out.push(`<rect x="${fmt(bx)}" y="${fmt(by)}" width="${fmt(boxW)}" height="${boxH}" fill="${t.background}" fill-opacity="0.85" stroke="${t.grid}"/>`);
    spec.series.forEach((s, i) => {
      const y = by + 3 + rowH * i + rowH / 2;
      const dash = s.dash ? ` stroke-dasharray="${s.dash}"` : '';
      out.push(`<line x1="${fmt(bx + 5)}" x2="${fmt(bx + 23)}" y1="${y}" y2="${y}" stroke="${s.color}" stroke-width="${s.width ?? 1.5}"${dash}/>`);
      out.push(`<text x="${fmt(bx + 28)}" y="${y + 3.5}" fill="${t.title}">${escapeXml(s.name)}</text>`);
    });
  }
  out.push('</svg>');
  return out.join('');
}
