import { decimate, plotRange } from '../util/curve.ts';
import { formatNumber } from '../util/format.ts';

const W = 280;
const H = 120;
const M = { left: 44, right: 8, top: 8, bottom: 24 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;
/** Marks are drawn only when no two are closer than this (px): 127 slab starts on 236 px would be a grey wash. */
const MARK_GAP = 4;

interface CurvePlotProps {
  values: number[];
  caption: string;
  /** What one x step is: "iteration", "step". */
  xLabel: string;
  ariaLabel: string;
  testId: string;
  /** Log-scale y axis (the training loss falls over decades). */
  log?: boolean;
  /** Indices (0-based) at which to draw vertical marks, e.g. where each slab starts. */
  marks?: number[];
}

/** A small line plot of one curve over 1…n, with axes; long curves are drawn by their envelope. */
export function CurvePlot({ values, caption, xLabel, ariaLabel, testId, log = false, marks = [] }: CurvePlotProps) {
  const n = values.length;
  if (n === 0) return null;
  const [lo, hi] = plotRange(values, log);
  const scaled = (v: number): number => (log ? Math.log10(v) : v);
  const x = (i: number): number => M.left + (n === 1 ? PW / 2 : (i / (n - 1)) * PW);
  const y = (t: number): number => M.top + PH - ((Math.min(hi, Math.max(lo, t)) - lo) / (hi - lo)) * PH;
  const yOf = (v: number): number => y(Number.isFinite(scaled(v)) ? scaled(v) : hi);
  const points = decimate(values, PW);
  const line = points.map((p) => `${x(p.i).toFixed(1)},${yOf(p.v).toFixed(1)}`).join(' ');
  const inRange = marks.filter((i) => i < n);
  const shownMarks = inRange.some((i, k) => k > 0 && x(i) - x(inRange[k - 1]) < MARK_GAP) ? [] : inRange;
  return (
    <figure className="curve-plot" data-testid={testId}>
      <figcaption>{caption}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={ariaLabel}>
        <line className="axis" x1={M.left} y1={M.top} x2={M.left} y2={M.top + PH} />
        <line className="axis" x1={M.left} y1={M.top + PH} x2={M.left + PW} y2={M.top + PH} />
        {[hi, (hi + lo) / 2, lo].map((t) => (
          <g key={t}>
            <line className="grid" x1={M.left} x2={M.left + PW} y1={y(t)} y2={y(t)} />
            <text className="tick" x={M.left - 4} y={y(t) + 3} textAnchor="end">
              {formatNumber(log ? 10 ** t : t, 3)}
            </text>
          </g>
        ))}
        {shownMarks.map((i) => (
          <line key={i} className="mark" data-testid={`${testId}-mark`} x1={x(i)} x2={x(i)} y1={M.top} y2={M.top + PH} />
        ))}
        <text className="tick" x={x(0)} y={H - 10} textAnchor="middle">
          1
        </text>
        {n > 1 && (
          <text className="tick" x={x(n - 1)} y={H - 10} textAnchor="middle">
            {n}
          </text>
        )}
        <text className="label" x={M.left + PW / 2} y={H - 1} textAnchor="middle">
          {xLabel}
        </text>
        <polyline className="curve" points={line} />
        {n <= 60 && points.map((p) => (Number.isFinite(scaled(p.v)) ? <circle key={p.i} className="pt" cx={x(p.i)} cy={yOf(p.v)} r={1.8} /> : null))}
      </svg>
    </figure>
  );
}

/** SIRT's relative reprojection residual per iteration. */
export function ResidualPlot({ residuals, live = false }: { residuals: number[]; live?: boolean }) {
  const n = residuals.length;
  const caption = `Residual ‖b − Ax‖/‖b‖${live ? ' (live)' : ''}: ${formatNumber(residuals[n - 1], 4)} after ${n} iteration${n === 1 ? '' : 's'}`;
  return <CurvePlot values={residuals} caption={caption} xLabel="iteration" ariaLabel="SIRT residual per iteration" testId="residual-plot" />;
}

/** A training loss per step (the coordinate network's), log scale, with a mark where each later stage (slab) starts. */
export function LossPlot({ loss, marks, live = false }: { loss: number[]; marks: number[]; live?: boolean }) {
  const n = loss.length;
  const caption = `Training loss${live ? ' (live)' : ''}: ${formatNumber(loss[n - 1], 3)} at step ${n}`;
  return <CurvePlot values={loss} caption={caption} xLabel="step (marks: next slab)" ariaLabel="Training loss per step" testId="loss-plot" log marks={marks} />;
}
