/**
 * Slabs along the tilt axis. Every detector row y sees only tomogram row y, so a slab of
 * rows [y0, y0 + n) needs only the same rows of every tilt: GPU memory stays bounded by
 * the slab, whatever the tomogram's size.
 */
import { formatBytes } from '../../io/bytes.ts';
import { assertDeviceAlive, type GpuContext } from '../gpu/device.ts';
import { withGpuScope, type GpuScope } from '../gpu/scope.ts';
import { planSlabs, type Slab } from '../geometry.ts';
import type { ModelLibrary } from '../onnx/library.ts';
import type { Polarity } from '../polarity.ts';
import { throwIfAborted, type ProgressCallback, type TiltSeries, type Volume } from '../types.ts';
import { allocateTomogram, rowReader, volumePieces, type Tomogram } from '../../io/piecedVolume.ts';

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** GPU memory one slab may use; defaults to DEFAULT_MEMORY_BUDGET or less when the device allows less. */
  memoryBudgetBytes?: number;
  /**
   * Methods that finish the tomogram slab by slab (the coordinate network, the local network on the GPU) call this
   * after each slab with the tomogram being filled in place (in pieces when large) and the rows done so far, so that
   * a caller can show them, and keep them if the run is cancelled later.
   */
  onSlabDone?: (tomogram: Tomogram, rowsDone: number) => void;
  /** Where the local network finds its models (the worker's bundled files, the CLI's models/ folder). */
  models?: ModelLibrary;
  /**
   * The most bytes one piece of a tomogram may hold (io/piecedVolume.ts; DEFAULT_PIECE_BYTES when absent): FBP,
   * SIRT, the local and the coordinate network keep a larger tomogram in slabs of rows of at most this size. Tests set a tiny one; Infinity asks for one
   * array, for work that needs the tomogram whole (the evaluations, reprojection).
   */
  pieceBytes?: number;
  /**
   * A refinement's: the contrast of the tilt series its tomogram was made from (engine/polarity.ts), where the
   * caller knows that series (the page, the trust score's recipe, `wedgelab refine --tilts`); absent for a tomogram
   * from a file. A tilt synthesis's: the series' own, where the caller has read it already (the page's data set);
   * absent, the synthesis reads it from the stack. Asked only by a run whose contrast is 'auto'
   * (methods/contrast.ts), so no other pays for reading it.
   */
  seriesPolarity?: () => Promise<Polarity>;
}

/**
 * Options whose progress covers [from, to) of the whole, each message prefixed with `stage` when given and the
 * message does not start with it already (most runners name their method: "FBP: rows 8–15 of 64").
 */
export function stageOptions(options: RunOptions, from: number, to: number, stage?: string): RunOptions {
  const { onProgress } = options;
  const message = (text: string) => (stage && !text.startsWith(stage) ? `${stage}: ${text}` : text);
  return { ...options, onProgress: onProgress && ((p) => onProgress({ ...p, fraction: from + (to - from) * p.fraction, message: message(p.message) })) };
}

/** WebGPU cannot report free device memory; 384 MiB per slab leaves room on any discrete or integrated GPU. */
export const DEFAULT_MEMORY_BUDGET = 384 * 2 ** 20;

/**
 * Slabs for ny rows when one row costs `bytesPerRow` in total and its largest single buffer
 * `largestBufferBytesPerRow`, within the memory budget and the device's binding limit (a GpuContext's, or limits
 * a CPU path sets for itself).
 */
export function planSlabsForDevice(
  gpu: { limits: Pick<GPUSupportedLimits, 'maxBufferSize' | 'maxStorageBufferBindingSize'> },
  ny: number,
  bytesPerRow: number,
  largestBufferBytesPerRow: number,
  budget = DEFAULT_MEMORY_BUDGET,
): Slab[] {
  const byBudget = Math.floor(Math.min(budget, gpu.limits.maxBufferSize * 2) / bytesPerRow);
  const byBinding = Math.floor(Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize) / largestBufferBytesPerRow);
  const rows = Math.min(byBudget, byBinding, ny);
  if (rows < 1) {
    throw new Error(
      `one row of this tomogram needs ${formatBytes(bytesPerRow)} of GPU memory, more than the ${formatBytes(budget)} allowed ` +
        `(largest buffer ${formatBytes(largestBufferBytesPerRow)}, device binding limit ${formatBytes(gpu.limits.maxStorageBufferBindingSize)}): ` +
        'reduce the thickness or bin the tilts',
    );
  }
  return planSlabs(ny, rows);
}

/**
 * Run `body` on every slab in turn, each with its own GPU scope (what the body allocates is freed when it
 * ends), after checking for cancellation and a lost device: the skeleton every slab-by-slab method shares.
 */
export async function forEachSlab(
  gpu: GpuContext,
  slabs: readonly Slab[],
  signal: AbortSignal | undefined,
  body: (slab: Slab, index: number, scope: GpuScope) => Promise<void>,
): Promise<void> {
  for (const [index, slab] of slabs.entries()) {
    throwIfAborted(signal);
    assertDeviceAlive(gpu);
    await withGpuScope((scope) => body(slab, index, scope));
  }
}

/** The slab's rows of every tilt, as [tilt][row][x]. */
export function slabTilts(ts: TiltSeries, slab: Slab): Float32Array {
  const out = new Float32Array(ts.nTilts * slab.ny * ts.nx);
  for (let k = 0; k < ts.nTilts; k++) {
    const from = (k * ts.ny + slab.y0) * ts.nx;
    out.set(ts.data.subarray(from, from + slab.ny * ts.nx), k * slab.ny * ts.nx);
  }
  return out;
}

/** Write [tilt][row][x] slab data back into a tilt series' data. */
export function placeSlabTilts(ts: TiltSeries, slab: Slab, data: Float32Array): void {
  for (let k = 0; k < ts.nTilts; k++) {
    ts.data.set(data.subarray(k * slab.ny * ts.nx, (k + 1) * slab.ny * ts.nx), (k * ts.ny + slab.y0) * ts.nx);
  }
}

/** The slab's rows of a tomogram, as [z][row][x], read from the pieces that hold them when it is pieced; into `out` when given (its length the slab's). */
export function slabVolume(tomogram: Tomogram, slab: Slab, out: Float32Array = new Float32Array(tomogram.nz * slab.ny * tomogram.nx)): Float32Array {
  forEachSlabRun(tomogram, slab, (piece, slabRun) => slabRun(out).set(piece));
  return out;
}

/** Write [z][row][x] slab data into a tomogram, into the pieces that hold the slab's rows when it is pieced. */
export function placeSlabVolume(tomogram: Tomogram, slab: Slab, data: Float32Array): void {
  forEachSlabRun(tomogram, slab, (piece, slabRun) => piece.set(slabRun(data)));
}

/** Write `part` (the same nx × ny, fewer sections: a depth slab's) into sections z0, z0 + 1, … of `tomogram`, either of them pieced or not. */
export function placeSections(tomogram: Tomogram, z0: number, part: Tomogram): void {
  const row = rowReader(part);
  for (const { y0, volume } of volumePieces(tomogram)) {
    for (let z = 0; z < part.nz; z++) for (let y = 0; y < volume.ny; y++) volume.data.set(row(y0 + y, z), volume.nx * (y + volume.ny * (z0 + z)));
  }
}

/**
 * The runs of rows a slab shares with each piece of a tomogram, one per section z: the run in the piece (a view)
 * and a function giving the same run in slab data ([z][row][x], the slab's rows).
 */
function forEachSlabRun(tomogram: Tomogram, slab: Slab, visit: (piece: Float32Array, slabRun: (data: Float32Array) => Float32Array) => void): void {
  const { nx, nz } = tomogram;
  for (const { y0, volume } of volumePieces(tomogram)) {
    const from = Math.max(slab.y0, y0);
    const to = Math.min(slab.y0 + slab.ny, y0 + volume.ny);
    for (let z = 0; from < to && z < nz; z++) {
      const inPiece = nx * (from - y0 + volume.ny * z);
      const inSlab = nx * (from - slab.y0 + slab.ny * z);
      visit(volume.data.subarray(inPiece, inPiece + nx * (to - from)), (data) => data.subarray(inSlab, inSlab + nx * (to - from)));
    }
  }
}

/** Allocate the output volume, with a clear error when even the CPU copy cannot be had. */
export function allocateVolume(nx: number, ny: number, nz: number, pixelSize: number): Volume {
  return allocating(nx, ny, nz, () => ({ nx, ny, nz, pixelSize, data: new Float32Array(nx * ny * nz) }));
}

/** Allocate a reconstruction's tomogram, in pieces of at most `pieceBytes` when larger (io/piecedVolume.ts). */
export function allocateSlabbedTomogram(nx: number, ny: number, nz: number, pixelSize: number, pieceBytes?: number): Tomogram {
  return allocating(nx, ny, nz, () => allocateTomogram(nx, ny, nz, pixelSize, pieceBytes));
}

function allocating<T>(nx: number, ny: number, nz: number, allocate: () => T): T {
  try {
    return allocate();
  } catch {
    throw new Error(`a ${nx} × ${ny} × ${nz} tomogram needs ${formatBytes(nx * ny * nz * 4)} of memory, more than this page can allocate: bin the tilts or reduce the thickness`);
  }
}
