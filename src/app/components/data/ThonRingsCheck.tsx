import { useEffect, useRef, useState } from 'react';
import type { DatasetSummary } from '../../../../workers/api.ts';
import type { ThonRings } from '../../../engine/thonRings.ts';
import { errorMessage, getEngine } from '../../engineClient.ts';
import { samplePercentiles } from '../../util/format.ts';
import { drawTilt } from './tiltImage.ts';

/**
 * The previewed tilt's Thon rings beside its CTF estimate's (engine/thonRings.ts), as ctfplotter shows them: left
 * half the tilt's flattened power spectrum, right half the estimate's CTF², and how well they agree, so that an
 * estimate (its defocus, its astigmatism's angle) can be judged against the data before the flip uses it. Shown on
 * request: a few FFTs of the tilt in the worker.
 */
export function ThonRingsCheck({ dataset, index }: { dataset: DatasetSummary; index: number }) {
  const [open, setOpen] = useState(false);
  const [rings, setRings] = useState<ThonRings | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const microscope = dataset.phaseFlipMicroscope;
  useEffect(() => {
    if (!open || !microscope) return;
    let live = true;
    getEngine()
      .thonRings(dataset.id, index, microscope)
      .then(
        (got) => live && (setRings(got), setError(null)),
        (e: unknown) => live && setError(errorMessage(e)),
      );
    return () => {
      live = false;
    };
  }, [open, dataset.id, index, microscope]);
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
        </>
      )}
      {open && rings === null && <span className="hint">no rings to see: the CTF's first zero lies past Nyquist at this pixel size</span>}
      {open && error && <span className="hint warn">{error}</span>}
    </div>
  );
}

/** "agreement 0.38 from 1/31 to 1/4.4 Å (axes swapped: −0.05)": the correlation of the two over the band. */
export function scoreText({ score, band, swappedScore }: Pick<ThonRings, 'score' | 'band' | 'swappedScore'>): string {
  const swapped = swappedScore === undefined ? '' : ` (axes swapped: ${swappedScore.toFixed(2)}${swappedScore > score ? ': the estimate\'s angle may not be this tilt\'s' : ''})`;
  return `agreement ${score.toFixed(2)} from 1/${(1 / band[0]).toFixed(0)} to 1/${(1 / band[1]).toFixed(1)} Å${swapped}`;
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
