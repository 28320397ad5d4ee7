/**
 * CTF correction by phase flipping on the CPU pool (docs/cpu.md): the flip of ../phaseFlip.ts, the tilts split
 * over the pool's threads, a tilt a thread per round, so that a cancel and the progress are seen between rounds (a 1024²
 * stack of 41 tilts at 4 Å takes about 20 s on one thread).
 */
import { astigmatismAxes } from '../../io/astigmatism.ts';
import { effectiveAngles } from '../geometry.ts';
import { microscopeOf, microscopeOverrideProblem, phaseFlipReach, phaseFlipUnavailable, squaredFrequencies, tiltLevels, type PhaseFlipGeometry, type PhaseFlipOptions, type PhaseFlipReport } from '../phaseFlip.ts';
import { throwIfAborted, type TiltSeries } from '../types.ts';
import { sharedCopy, sharedDoubles, type CpuPool } from './pool.ts';

/** Tilts each thread flips per round, between two looks at the cancel signal. */
const TILTS_PER_THREAD = 1;

/**
 * A copy of the series with every tilt phase flipped for its own defocus, astigmatism and phase shift, without them
 * (they are corrected), on `pool`, at the series' microscope (microscopeOf: `options.microscope`'s values before the series' own).
 * `options.invertAngles`: the tilt angles' sign is the other convention's (the methods' Invert tilt angles), so
 * the defocus gradient across each view runs the other way (IMOD ctfphaseflip's -InvertTiltAngles). Throws naming
 * what is missing when the series cannot be flipped; `onProgress(done, total)` after each round of tilts, and a
 * cancel (`signal`) lands between rounds.
 */
export async function phaseFlipTiltSeries(ts: TiltSeries, pool: CpuPool, options: FlipRunOptions = {}): Promise<PhaseFlipReport> {
  const { data, geometry, invertAngles } = await phaseFlippedData(ts, pool, options);
  const { phaseShift, astigmatism } = ts;
  const maxLevels = Math.max(...Array.from({ length: ts.nTilts }, (_, t) => tiltLevels(geometry, t).levels.length));
  // Out of shared memory: the flipped series is a data set of its own, and shared views cannot go into a Blob (an export).
  // It records the microscope it was corrected for: a voltage typed for the flip is the one its dose weighting uses too.
  const { voltage, cs: sphericalAberration, amplitudeContrast } = geometry.microscope;
  const shared = typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer;
  const tiltSeries: TiltSeries = { ...ts, data: shared ? data.slice() : data, voltage, sphericalAberration, amplitudeContrast };
  const reach = phaseFlipReach(ts, geometry.microscope) as PhaseFlipReport['reach'];
  // Corrected: nothing is left to flip.
  delete tiltSeries.defocus;
  delete tiltSeries.phaseShift;
  delete tiltSeries.astigmatism;
  delete tiltSeries.defocusColumn;
  const difference = astigmatism && Math.max(...astigmatism.cos2.map((c, t) => astigmatismAxes(c, astigmatism.sin2[t]).difference));
  return { tiltSeries, maxLevels, microscope: geometry.microscope, ...(phaseShift && { phaseShift }), ...(difference !== undefined && { astigmatism: difference }), invertAngles, reach };
}

/** How a flip on the pool is asked for: PhaseFlipOptions, a cancel, progress after each round of tilts. */
export type FlipRunOptions = PhaseFlipOptions & { signal?: AbortSignal; onProgress?: (done: number, total: number) => void };

/**
 * The series' data phase flipped (phaseFlipTiltSeries), in the pool's shared memory, and the geometry it was flipped
 * with (and whether at inverted angles). `f2`: the stack's squaredFrequencies where the caller flips the same stack's size more than once (FBP's
 * depth slabs); made here otherwise.
 */
export async function phaseFlippedData(ts: TiltSeries, pool: CpuPool, options: FlipRunOptions & { f2?: Float64Array } = {}): Promise<{ data: Float32Array; geometry: PhaseFlipGeometry; invertAngles: boolean }> {
  const unavailable = phaseFlipUnavailable(ts) ?? microscopeOverrideProblem(options.microscope ?? {});
  if (unavailable) throw new Error(`phase flip: ${unavailable}`);
  const microscope = microscopeOf(ts, options.microscope);
  const { phaseShift, astigmatism, defocusColumn } = ts;
  const invertAngles = options.invertAngles === true;
  const tiltAngles = effectiveAngles(ts.tiltAngles, invertAngles);
  const geometry: PhaseFlipGeometry = { nx: ts.nx, ny: ts.ny, pixelSize: ts.pixelSize, tiltAngles, defocus: ts.defocus as number[], ...(phaseShift && { phaseShift }), ...(astigmatism && { astigmatism }), ...(defocusColumn && { defocusColumn }), microscope };
  const data = sharedCopy(ts.data);
  const f2 = options.f2 ?? sharedSquaredFrequencies(ts.nx, ts.ny, ts.pixelSize);
  const step = TILTS_PER_THREAD * pool.threads;
  for (let t0 = 0; t0 < ts.nTilts; t0 += step) {
    // A turn of the event loop first, so that a cancel sent meanwhile is seen.
    await new Promise((resolve) => setTimeout(resolve, 0));
    throwIfAborted(options.signal);
    const rows = Math.min(step, ts.nTilts - t0);
    await pool.run({ kernel: 'phaseFlip', y0: t0, rows, data, geometry, f2 });
    options.onProgress?.(t0 + rows, ts.nTilts);
  }
  return { data, geometry, invertAngles };
}

/** The frequencies every tilt of an nx × ny stack is flipped at (squaredFrequencies), made once in shared memory for the threads. */
export function sharedSquaredFrequencies(nx: number, ny: number, pixelSize: number): Float64Array {
  const f2 = sharedDoubles(nx * ny);
  f2.set(squaredFrequencies(nx, ny, pixelSize));
  return f2;
}
