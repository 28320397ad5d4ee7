/** One tilt of a data set as the data panel shows it: fetched binned to fit, cached, drawn grey with row 0 at the bottom. */
import { useEffect, useMemo, useState } from 'react';
import type { DatasetSummary, TiltPreview } from '../../../../workers/api.ts';
import { errorMessage, getEngine } from '../../engineClient.ts';
import { samplePercentiles } from '../../util/format.ts';
import { firstFlippedFrequency } from '../../../engine/ctf.ts';
import { astigmatismAxes } from '../../../io/astigmatism.ts';

const AUTO_PERCENTILES = [0.5, 99.5];
/** Each image is at most maxSide² float32 (1 MiB at 512, 4 MiB at 1024): 32 of them stay cached. */
const CACHED = 32;
const tiltCache = new Map<string, TiltPreview>();

function fetchTilt(datasetId: string, index: number, maxSide: number): Promise<TiltPreview> {
  const key = `${datasetId}|${index}|${maxSide}`;
  const hit = tiltCache.get(key);
  if (hit) return Promise.resolve(hit);
  return getEngine()
    .getTilt(datasetId, index, maxSide)
    .then((slice) => {
      tiltCache.set(key, slice);
      if (tiltCache.size > CACHED) tiltCache.delete(tiltCache.keys().next().value as string);
      return slice;
    });
}

/**
 * Tilt `index` at most `maxSide` pixels a side (the worker bins it), the last one fetched kept while the next
 * comes, and its 0.5–99.5 % window for auto contrast.
 */
export function useTiltImage(datasetId: string, index: number, maxSide: number): { slice: TiltPreview | null; autoWindow: [number, number] | null; error: string | null } {
  const [slice, setSlice] = useState<TiltPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    fetchTilt(datasetId, index, maxSide).then(
      (fetched) => {
        if (!live) return;
        setSlice(fetched);
        setError(null);
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [datasetId, index, maxSide]);
  const autoWindow = useMemo(() => (slice ? (samplePercentiles(slice.data, AUTO_PERCENTILES) as [number, number]) : null), [slice]);
  return { slice, autoWindow, error };
}

export function drawTilt(canvas: HTMLCanvasElement, slice: Pick<TiltPreview, 'width' | 'height' | 'data'>, lo: number, hi: number): void {
  const { width, height, data } = slice;
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const image = ctx.createImageData(width, height);
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  for (let y = 0; y < height; y++) {
    // Row 0 at the bottom, as in the slice viewer (and IMOD).
    const out = (height - 1 - y) * width;
    for (let x = 0; x < width; x++) {
      const g = Math.max(0, Math.min(255, (data[y * width + x] - lo) * scale));
      const o = (out + x) * 4;
      image.data[o] = g;
      image.data[o + 1] = g;
      image.data[o + 2] = g;
      image.data[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
}

/** "2048 × 2048 pixels, shown binned 4×". */
export function tiltImageTitle(dataset: DatasetSummary, slice: TiltPreview | null): string {
  const size = `${dataset.nx} × ${dataset.ny} pixels`;
  return slice && slice.binning > 1 ? `${size}, shown binned ${slice.binning}×` : size;
}

/**
 * "3.05 µm under focus (first CTF zero 24.9 Å) · 42.0 e/Å² before it": what the series says of tilt `index` besides
 * its angle (the first zero at the tilt's centre, for the microscope its phase flip would use); null when nothing.
 */
export function tiltFacts(dataset: Pick<DatasetSummary, 'defocus' | 'astigmatism' | 'phaseShift' | 'accumulatedDose' | 'phaseFlipMicroscope'>, index: number): string | null {
  const defocus = dataset.defocus?.[index];
  const dose = dataset.accumulatedDose?.[index];
  const microscope = dataset.phaseFlipMicroscope;
  const zero = defocus !== undefined && microscope ? 1 / firstFlippedFrequency(defocus, microscope, dataset.phaseShift?.[index] ?? 0) : null;
  const zeroText = zero !== null && zero > 0 && Number.isFinite(zero) ? ` (first CTF zero ${zero.toFixed(1)} Å)` : '';
  // The two axes' difference and the first's angle in the tilt as shown (aligned), from +x towards +y.
  const axes = dataset.astigmatism && astigmatismAxes(dataset.astigmatism.cos2[index], dataset.astigmatism.sin2[index]);
  const astigmatism = axes && axes.difference > 0 ? `, astigmatism ${axes.difference.toFixed(2)} µm at ${axes.angle.toFixed(0)}°` : '';
  const facts = [defocus !== undefined && `${defocus.toFixed(2)} µm under focus${zeroText}${astigmatism}`, dose !== undefined && `${dose.toFixed(1)} e/Å² before it`].filter(Boolean);
  return facts.length > 0 ? facts.join(' · ') : null;
}

/**
 * "Tilt 39/40", and for a series with tilts left out its number as loaded, which `--exclude-tilts` and `wedgelab
 * info` use: "Tilt 39/40 (41 of 42 as loaded)".
 */
export function tiltNumberText(dataset: DatasetSummary, index: number): string {
  const own = `Tilt ${index + 1}/${dataset.nTilts}`;
  const loaded = dataset.tiltsLeftOut;
  return loaded ? `${own} (${loaded.loadedNumbers[index]} of ${loaded.nTilts} as loaded)` : own;
}
