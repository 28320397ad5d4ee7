import { useEffect, useRef, useState } from 'react';
import type { DatasetSummary } from '../../../../workers/api.ts';
import type { ThonRings } from '../../../engine/thonRings.ts';
import { errorMessage, getEngine } from '../../engineClient.ts';
import { useAppStore } from '../../state/store.ts';
import { samplePercentiles } from '../../util/format.ts';
import { drawTilt } from './tiltImage.ts';

/**
 * The previewed tilt's Thon rings beside its CTF estimate's (engine/thonRings.ts), as ctfplotter shows them: left
 * half the tilt's flattened power spectrum, right half the estimate's CTF², and how well they agree, so that an
 * estimate (its defocus, its astigmatism's angle) can be judged against the data before the flip uses it, at the
 * microscope the flip's fields give. Shown on request: a few FFTs of the tilt in the worker.
 */
export function ThonRingsCheck({ dataset, index }: { dataset: DatasetSummary; index: number }) {
  const [open, setOpen] = useState(false);
  const [rings, setRings] = useState<ThonRings | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  // The microscope the phase flip's fields give, else the series' files'.
  const typed = useAppStore((s) => s.typedMicroscope);
  const microscope = typed?.datasetId === dataset.id ? typed.microscope : dataset.phaseFlipMicroscope;
  const [voltage, cs, amplitudeContrast] = [microscope?.voltage, microscope?.cs, microscope?.amplitudeContrast];
  useEffect(() => {
    if (!open || voltage === undefined || cs === undefined || amplitudeContrast === undefined) return;
    let live = true;
    getEngine()
      .thonRings(dataset.id, index, { voltage, cs, amplitudeContrast })
      .then(
        (got) => live && (setRings(got), setError(null)),
        (e: unknown) => live && setError(errorMessage(e)),
      );
    return () => {
      live = false;
    };
  }, [open, dataset.id, index, voltage, cs, amplitudeContrast]);
  useEffect(() => {
    if (rings && canvasRef.current) drawTilt(canvasRef.current, halves(rings), 0, 1);
  }, [rings]);
  if (!microscope || dataset.phaseFlipUnavailable !== null) return null;
  return (
    <div className="thon-rings">
      <label className="check">
        <input type="checkbox" checked={open} onChange={(e) => setOpen(e.target.checked)} data-testid="thon-rings-toggle" /> Thon rings against the estimate
      </label>
      {open && rings && (
        <>
          <canvas ref={canvasRef} className="thon-rings-canvas" title="Left: this tilt's power spectrum, each ring's mean taken off. Right: the estimate's CTF², alike." data-testid="thon-rings-canvas" />
          <span className="hint" data-testid="thon-rings-score">
            {scoreText(rings)}
          </span>
          <ProfilePlot profile={rings.profile} />
        </>
      )}
      {open && rings === null && <span className="hint">no rings to see: the CTF's first zero lies past Nyquist at this pixel size</span>}
      {open && error && <span className="hint warn">{error}</span>}
    </div>
  );
}

/**
 * "agreement 0.38 from 1/31 to 1/4.4 Å (axes swapped: −0.05); best within ±30 %: 2.98 µm (0.39)": the correlation
 * of the two over the band, and the mean defocus that agrees best near the estimate's.
 */
export function scoreText({ score, band, swappedScore, best }: Pick<ThonRings, 'score' | 'band' | 'swappedScore' | 'best'>): string {
  const swapped = swappedScore === undefined ? '' : ` (axes swapped: ${swappedScore.toFixed(2)}${swappedScore > score ? ': the estimate\'s angle may not be this tilt\'s' : ''})`;
  return `agreement ${score.toFixed(2)} from 1/${(1 / band[0]).toFixed(0)} to 1/${(1 / band[1]).toFixed(1)} Å${swapped}; best within ±30 %: ${best.defocus.toFixed(2)} µm (${best.score.toFixed(2)})`;
}

/** One image, the spectrum's left half beside the model's right half, each scaled to 0–1 by its own 1–99 % window. */
function halves({ size, spectrum, model }: ThonRings): { width: number; height: number; data: Float32Array } {
  const scaled = (values: Float32Array) => {
    const [lo, hi] = samplePercentiles(values, [1, 99]);
    return (v: number) => (hi > lo ? (v - lo) / (hi - lo) : 0);
  };
  const [left, right] = [scaled(spectrum), scaled(model)];
  const data = Float32Array.from({ length: size * size }, (_, i) => (i % size < size / 2 ? left(spectrum[i]) : right(model[i])));
  return { width: size, height: size, data };
}

const [W, H] = [280, 96];
const M = { left: 8, right: 8, top: 6, bottom: 20 };

/**
 * The two ring profiles over the band, each scaled to its own mean and spread (their shapes are what is compared):
 * the tilt's solid, the estimate's dashed; the x axis in 1/Å.
 */
function ProfilePlot({ profile }: { profile: ThonRings['profile'] }) {
  const { frequencies, spectrum, model } = profile;
  if (frequencies.length < 2) return null;
  const [f0, f1] = [frequencies[0], frequencies[frequencies.length - 1]];
  const x = (f: number) => M.left + ((f - f0) / (f1 - f0)) * (W - M.left - M.right);
  const line = (values: number[]) => {
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const spread = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) || 1;
    // ±2.5 spreads fill the height.
    const y = (v: number) => M.top + (H - M.top - M.bottom) * (0.5 - Math.max(-2.5, Math.min(2.5, (v - mean) / spread)) / 5);
    return values.map((v, j) => `${x(frequencies[j]).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  };
  return (
    <figure className="curve-plot" data-testid="thon-rings-profile">
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="Thon ring profiles: the tilt's and the estimate's">
        <line className="axis" x1={M.left} y1={H - M.bottom} x2={W - M.right} y2={H - M.bottom} />
        <polyline className="curve" points={line(spectrum)} />
        <polyline className="curve model" points={line(model)} />
        {[f0, f1].map((f) => (
          <text key={f} className="tick" x={x(f)} y={H - 8} textAnchor={f === f0 ? 'start' : 'end'}>
            1/{(1 / f).toFixed(1)} Å
          </text>
        ))}
      </svg>
    </figure>
  );
}
