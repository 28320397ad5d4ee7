import { formatNumber } from '../util/format.ts';

const W = 280;
const H = 120;
const M = { left: 44, right: 8, top: 8, bottom: 24 };

/** SIRT's relative reprojection residual per iteration, as a small line plot with axes. */
export function ResidualPlot({ residuals, live = false }: { residuals: number[]; live?: boolean }) {
  const n = residuals.length;
  if (n === 0) return null;
  const finite = residuals.filter(Number.isFinite);
  const maxR = Math.max(...finite, 0);
  const minR = Math.min(...finite, maxR);
  const lo = Math.max(0, minR - (maxR - minR) * 0.05);
  const hi = maxR > lo ? maxR + (maxR - lo) * 0.05 : lo + 1;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (i: number): number => M.left + (n === 1 ? pw / 2 : (i / (n - 1)) * pw);
  const y = (r: number): number => M.top + ph - ((r - lo) / (hi - lo)) * ph;
  const points = residuals.map((r, i) => `${x(i).toFixed(1)},${y(Number.isFinite(r) ? r : hi).toFixed(1)}`).join(' ');
  const last = residuals[n - 1];
  return (
    <figure className="residual-plot" data-testid="residual-plot">
      <figcaption>
        Residual ‖b − Ax‖/‖b‖{live ? ' (live)' : ''}: {formatNumber(last, 4)} after {n} iteration{n === 1 ? '' : 's'}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="SIRT residual per iteration">
        <line className="axis" x1={M.left} y1={M.top} x2={M.left} y2={M.top + ph} />
        <line className="axis" x1={M.left} y1={M.top + ph} x2={M.left + pw} y2={M.top + ph} />
        {[hi, (hi + lo) / 2, lo].map((t) => (
          <g key={t}>
            <line className="grid" x1={M.left} x2={M.left + pw} y1={y(t)} y2={y(t)} />
            <text className="tick" x={M.left - 4} y={y(t) + 3} textAnchor="end">
              {formatNumber(t, 3)}
            </text>
          </g>
        ))}
        <text className="tick" x={x(0)} y={H - 10} textAnchor="middle">
          1
        </text>
        {n > 1 && (
          <text className="tick" x={x(n - 1)} y={H - 10} textAnchor="middle">
            {n}
          </text>
        )}
        <text className="label" x={M.left + pw / 2} y={H - 1} textAnchor="middle">
          iteration
        </text>
        <polyline className="curve" points={points} />
        {residuals.map((r, i) => (Number.isFinite(r) && n <= 60 ? <circle key={i} className="pt" cx={x(i)} cy={y(r)} r={1.8} /> : null))}
      </svg>
    </figure>
  );
}
