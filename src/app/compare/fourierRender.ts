/**
 * Draws a central Fourier section on a 2-D canvas: log magnitude in the inferno colour scale
 * with a colour bar, frequency axes (1/Å when the pixel size is known, else cycles/voxel), and
 * the overlays of the tilt series: the measured central planes and the missing wedge
 * (docs/conventions.md#measured-and-missing-regions). Everything lands on the one canvas, so
 * "Export PNG" is the figure.
 */
import type { FourierSection } from '../../../workers/api.ts';
import { samplePercentiles } from '../util/format.ts';
import { buildLut, windowToRgba } from './colormap.ts';
import { planeAxes, sectionExtent, tiltLine, tiltRange, wedgeSectors } from './fourierGeometry.ts';
import { PLOT_THEME } from './plotSvg.ts';
import { formatTicks, niceTicks } from './ticks.ts';
import { frequencyUnit } from './units.ts';

export interface FourierDrawOptions {
  title: string;
  showTilts: boolean;
  showWedge: boolean;
}

/** Size of the figure in CSS pixels; the canvas holds twice as many for a crisp PNG. */
export const FOURIER_FIGURE = { width: 640, height: 500, pixelRatio: 2 };

const M = { left: 62, right: 96, top: 44, bottom: 48 };
const LUT = buildLut();
const TILT_COLOR = 'rgba(120, 220, 255, 0.32)';
const WEDGE_LINE = '#7cf08b';
const WEDGE_FILL = 'rgba(200, 220, 255, 0.10)';
const HATCH_COLOR = 'rgba(220, 235, 255, 0.45)';

/** The missing wedge's fill: a light veil with diagonal hatching, so the data inside stays readable. */
function wedgePattern(ctx: CanvasRenderingContext2D, pixelRatio: number): CanvasPattern | string {
  const tile = document.createElement('canvas');
  const size = 7 * pixelRatio;
  tile.width = size;
  tile.height = size;
  const t = tile.getContext('2d');
  if (!t) return WEDGE_FILL;
  t.fillStyle = WEDGE_FILL;
  t.fillRect(0, 0, size, size);
  t.strokeStyle = HATCH_COLOR;
  t.lineWidth = 0.8 * pixelRatio;
  t.beginPath();
  // One diagonal plus the corner pieces, so the tiles join into continuous lines.
  t.moveTo(0, size);
  t.lineTo(size, 0);
  t.moveTo(-1, 1);
  t.lineTo(1, -1);
  t.moveTo(size - 1, size + 1);
  t.lineTo(size + 1, size - 1);
  t.stroke();
  const pattern = ctx.createPattern(tile, 'repeat');
  // The pattern is in device pixels; undo the context's scale.
  pattern?.setTransform(new DOMMatrix().scale(1 / pixelRatio));
  return pattern ?? WEDGE_FILL;
}

/**
 * The title set in the largest font from 12 px down to 9 px that fits `width`, else at 9 px cut to fit and ended
 * with "…" (the Result menu above the figure names the result in full). Sets ctx.font; returns the text to draw.
 */
function fitTitle(ctx: CanvasRenderingContext2D, title: string, width: number): string {
  for (const px of [12, 11, 10, 9]) {
    ctx.font = `${px}px ${PLOT_THEME.font}`;
    if (ctx.measureText(title).width <= width) return title;
  }
  let end = title.length;
  while (end > 1 && ctx.measureText(`${title.slice(0, end).trimEnd()}…`).width > width) end--;
  return `${title.slice(0, end).trimEnd()}…`;
}

export function drawFourierSection(canvas: HTMLCanvasElement, section: FourierSection, options: FourierDrawOptions): void {
  const { width: W, height: H, pixelRatio } = FOURIER_FIGURE;
  canvas.width = W * pixelRatio;
  canvas.height = H * pixelRatio;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(pixelRatio, 0, 0, pixelRatio, 0, 0);
  ctx.fillStyle = PLOT_THEME.background;
  ctx.fillRect(0, 0, W, H);

  // Plot square, symmetric frequency domain [−D, D] cycles/voxel on both axes.
  const side = Math.min(W - M.left - M.right, H - M.top - M.bottom);
  const px0 = M.left;
  const py0 = M.top;
  const ext = sectionExtent(section);
  const D = Math.max(...ext.u.map(Math.abs), ...ext.v.map(Math.abs));
  const sx = (k: number): number => px0 + ((k + D) / (2 * D)) * side;
  const sy = (k: number): number => py0 + side - ((k + D) / (2 * D)) * side;

  // The image, stretched to frequency coordinates (pixels are 1/n of their axis wide).
  const [lo, hi] = samplePercentiles(section.data, [1, 99.8]);
  const image = document.createElement('canvas');
  image.width = section.width;
  image.height = section.height;
  const ictx = image.getContext('2d');
  if (ictx) {
    const pixels = windowToRgba(section.data, section.width, section.height, lo, hi, LUT);
    ictx.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, section.width, section.height), 0, 0);
  }
  ctx.fillStyle = '#000';
  ctx.fillRect(px0, py0, side, side);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(image, sx(ext.u[0]), sy(ext.v[1]), sx(ext.u[1]) - sx(ext.u[0]), sy(ext.v[0]) - sy(ext.v[1]));

  // Overlays, clipped to the plot square.
  const [uName, vName] = planeAxes(section.plane);
  const range = tiltRange(section.tiltAngles);
  const legend: { color: string; text: string; fill?: boolean }[] = [];
  ctx.save();
  ctx.beginPath();
  ctx.rect(px0, py0, side, side);
  ctx.clip();
  const cx = sx(0);
  const cy = sy(0);
  const R = 2 * side;
  if (range && section.plane === 'kx-kz') {
    if (options.showWedge) {
      ctx.fillStyle = wedgePattern(ctx, pixelRatio);
      for (const [from, to] of wedgeSectors(range.min, range.max)) {
        // Screen y points down: an angle φ counter-clockwise from +kx is −φ on the canvas.
        ctx.beginPath();
        ctx.moveTo(cx, cy);
        ctx.arc(cx, cy, R, (-from * Math.PI) / 180, (-to * Math.PI) / 180, true);
        ctx.closePath();
        ctx.fill();
      }
      legend.push({ color: WEDGE_FILL, text: `missing wedge (outside ${fmtDeg(range.min)} … ${fmtDeg(range.max)})`, fill: true });
    }
    if (options.showTilts) {
      ctx.strokeStyle = TILT_COLOR;
      ctx.lineWidth = 0.8;
      // Each line starts a little off the origin, where all of them meet.
      const inner = (2 * D * 10) / side;
      for (const angle of range.angles) {
        const [[ax, az], [bx, bz]] = tiltLine(angle, 2 * D);
        const [[cx0, cz0], [cx1, cz1]] = tiltLine(angle, inner);
        ctx.beginPath();
        ctx.moveTo(sx(ax), sy(az));
        ctx.lineTo(sx(cx0), sy(cz0));
        ctx.moveTo(sx(cx1), sy(cz1));
        ctx.lineTo(sx(bx), sy(bz));
        ctx.stroke();
      }
      legend.push({ color: TILT_COLOR, text: `measured tilt planes (${range.angles.length})` });
    }
    if (options.showWedge) {
      ctx.strokeStyle = WEDGE_LINE;
      ctx.lineWidth = 1.5;
      for (const angle of [range.min, range.max]) {
        const [[ax, az], [bx, bz]] = tiltLine(angle, 2 * D);
        ctx.beginPath();
        ctx.moveTo(sx(ax), sy(az));
        ctx.lineTo(sx(bx), sy(bz));
        ctx.stroke();
      }
      legend.push({ color: WEDGE_LINE, text: 'wedge boundary (θmin, θmax)' });
    }
  } else if (range && section.plane === 'ky-kz') {
    // At kx = 0 every measured plane meets the section in the ky axis (kz = 0); the rest lies in the wedge cone.
    if (options.showWedge && range.max - range.min < 180) {
      ctx.fillStyle = wedgePattern(ctx, pixelRatio);
      const band = Math.max(1, Math.abs(sy(section.step[1] / 2) - cy));
      ctx.fillRect(px0, py0, side, cy - band - py0);
      ctx.fillRect(px0, cy + band, side, py0 + side - cy - band);
      legend.push({ color: WEDGE_FILL, text: 'missing wedge (all but the ky axis)', fill: true });
    }
    if (options.showTilts) {
      ctx.strokeStyle = TILT_COLOR;
      ctx.beginPath();
      ctx.moveTo(px0, cy);
      ctx.lineTo(px0 + side, cy);
      ctx.stroke();
      legend.push({ color: TILT_COLOR, text: 'measured planes meet here (ky axis)' });
    }
  } else if (range && section.plane === 'kx-ky' && (options.showTilts || options.showWedge)) {
    legend.push({ color: PLOT_THEME.text, text: 'kz = 0 lies in the measured region; the wedge shows in kx–kz and ky–kz' });
  }
  ctx.restore();
  ctx.strokeStyle = PLOT_THEME.axis;
  ctx.lineWidth = 1;
  ctx.strokeRect(px0 + 0.5, py0 + 0.5, side - 1, side - 1);

  // Axes in the display unit.
  const unit = frequencyUnit(section.pixelSize);
  const ticks = niceTicks(-D * unit.scale, D * unit.scale, 5);
  const labels = formatTicks(ticks);
  ctx.font = `10px ${PLOT_THEME.font}`;
  ctx.fillStyle = PLOT_THEME.text;
  ctx.strokeStyle = PLOT_THEME.axis;
  ticks.forEach((t, i) => {
    const k = t / unit.scale;
    const x = sx(k);
    const y = sy(k);
    ctx.beginPath();
    ctx.moveTo(x, py0 + side);
    ctx.lineTo(x, py0 + side + 4);
    ctx.moveTo(px0 - 4, y);
    ctx.lineTo(px0, y);
    ctx.stroke();
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(labels[i], x, py0 + side + 6);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    ctx.fillText(labels[i], px0 - 6, y);
  });
  ctx.font = `11px ${PLOT_THEME.font}`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(`${uName} (${unit.label})`, px0 + side / 2, py0 + side + 34);
  ctx.save();
  ctx.translate(16, py0 + side / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(`${vName} (${unit.label})`, 0, 0);
  ctx.restore();

  // Colour bar.
  const barX = px0 + side + 22;
  const barW = 14;
  for (let i = 0; i < side; i++) {
    const t = 1 - i / (side - 1);
    const k = Math.round(t * 255);
    ctx.fillStyle = `rgb(${LUT[k * 3]}, ${LUT[k * 3 + 1]}, ${LUT[k * 3 + 2]})`;
    ctx.fillRect(barX, py0 + i, barW, 1);
  }
  ctx.strokeStyle = PLOT_THEME.axis;
  ctx.strokeRect(barX + 0.5, py0 + 0.5, barW - 1, side - 1);
  const barTicks = niceTicks(lo, hi, 5);
  const barLabels = formatTicks(barTicks);
  ctx.font = `10px ${PLOT_THEME.font}`;
  ctx.fillStyle = PLOT_THEME.text;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  barTicks.forEach((t, i) => {
    const y = py0 + side - ((t - lo) / (hi - lo || 1)) * side;
    ctx.beginPath();
    ctx.moveTo(barX + barW, y);
    ctx.lineTo(barX + barW + 3, y);
    ctx.stroke();
    ctx.fillText(barLabels[i], barX + barW + 5, y);
  });
  ctx.save();
  ctx.translate(W - 8, py0 + side / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.font = `11px ${PLOT_THEME.font}`;
  ctx.fillText('log₁₀(1 + |F|)', 0, 0);
  ctx.restore();

  // Title and legend.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = PLOT_THEME.title;
  ctx.fillText(fitTitle(ctx, options.title, W - px0 - 8), px0, 16);
  ctx.font = `10px ${PLOT_THEME.font}`;
  let lx = px0;
  for (const item of legend) {
    if (item.fill) {
      ctx.fillStyle = wedgePattern(ctx, pixelRatio);
      ctx.fillRect(lx, 26, 14, 9);
      ctx.strokeStyle = PLOT_THEME.axis;
      ctx.strokeRect(lx + 0.5, 26.5, 13, 8);
    } else {
      ctx.strokeStyle = item.color === TILT_COLOR ? 'rgb(120, 220, 255)' : item.color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(lx, 31);
      ctx.lineTo(lx + 14, 31);
      ctx.stroke();
      ctx.lineWidth = 1;
    }
    ctx.fillStyle = PLOT_THEME.text;
    ctx.fillText(item.text, lx + 18, 34);
    lx += 18 + ctx.measureText(item.text).width + 14;
  }
}

function fmtDeg(deg: number): string {
  return `${deg < 0 ? '−' : '+'}${Math.abs(deg).toFixed(Number.isInteger(deg) ? 0 : 1)}°`;
}
