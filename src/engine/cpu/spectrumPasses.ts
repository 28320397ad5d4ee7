/**
 * The CPU pool's passes over a tomogram's half spectrum held in pieces (./volumeSpectrum.ts has the layout and the
 * kernels), for work on the whole 3-D spectrum of a tomogram of any size: no array is larger than a piece, and the
 * memory besides the input (and a result) is about one tomogram per spectrum. The slabs of rows the threads read
 * and write are copied into and out of shared memory a round at a time, so the input may be any tomogram and a
 * result is in ordinary (exportable) memory. Progress by lines transformed; a cancel is seen between rounds.
 *
 * - filterTomogram: the tomogram multiplied by a gain at every DFT index (./volumeSpectrum.ts, VoxelGain); the
 *   result is the one-array filter's (the periodic convolution of the whole tomogram) to float32 storage.
 *   radialFilterTomogram: a gain that depends on |k| alone, which reaches the threads as its values on GAIN_SAMPLES
 *   radii from 0 to the corner, linearly interpolated: a step of 1.3·10⁻⁵ cycles/voxel (tom_deconv interpolates
 *   2,048 samples to Nyquist, a step 16 times coarser), within a few parts in a million of the gain per voxel.
 * - fscOfTomograms: the FSC of two tomograms (metrics/fsc.ts's curves, the same shell sums over the whole grid).
 */
import { DEFAULT_PIECE_BYTES, type Tomogram } from '../../io/piecedVolume.ts';
import { allocateSlabbedTomogram, placeSlabVolume, slabVolume, type RunOptions } from '../methods/slabs.ts';
import { fscCurves, fscShells, fscSums, type FscCurves } from '../metrics/fsc.ts';
import { roundProgress, sharedBytes, sharedDoubles, sharedFloats, type CpuPool } from './pool.ts';
import { columnBlocks, halfLength, type HalfSpectrum, type VoxelGain } from './volumeSpectrum.ts';

/** Rows (or column blocks) each thread takes per round, between two looks at the cancel signal. */
const ROWS_PER_THREAD = 2;
const BLOCKS_PER_THREAD = 16;

/** Samples of the gain from |k| = 0 to the corner's √3/2 cycles/voxel. */
const GAIN_SAMPLES = 65536;
const CORNER = Math.sqrt(3) / 2;

/** `gainAt` (of |k| in cycles/voxel) sampled for the threads. */
function sampledGain(gainAt: (k: number) => number): VoxelGain {
  const table = sharedDoubles(GAIN_SAMPLES);
  for (let i = 0; i < GAIN_SAMPLES; i++) table[i] = gainAt((i * CORNER) / (GAIN_SAMPLES - 1));
  return { kind: 'sampled', table, kMax: CORNER };
}

/** The half spectrum's storage, in pieces of whole rows of at most `pieceBytes` per array, in shared memory. */
function allocateSpectrum(nx: number, ny: number, nz: number, pieceBytes: number): HalfSpectrum {
  const rowFloats = halfLength(nx) * nz;
  const rowsPerPiece = Math.max(1, Math.min(ny, Math.floor(pieceBytes / 4 / rowFloats)));
  const re: Float32Array[] = [];
  const im: Float32Array[] = [];
  try {
    for (let y0 = 0; y0 < ny; y0 += rowsPerPiece) {
      const rows = Math.min(rowsPerPiece, ny - y0);
      re.push(sharedFloats(rows * rowFloats));
      im.push(sharedFloats(rows * rowFloats));
    }
  } catch {
    throw new Error(`the 3-D spectrum of a ${nx} × ${ny} × ${nz} tomogram needs about ${Math.round((ny * rowFloats * 8) / 2 ** 20)} MiB more memory than this page can allocate: bin it or crop it`);
  }
  return { nx, ny, nz, rowsPerPiece, re, im };
}

/** Lines per row of passes 1 and 3 (x lines two at a time, then z lines), and per column block of pass 2. */
function lineCounts(nx: number, nz: number): { plane: number; block: number; blocks: number } {
  const blocks = columnBlocks(nx, nz);
  return { plane: nz / 2 + halfLength(nx), block: (halfLength(nx) * nz) / blocks, blocks };
}

/** Pass 1: the tomogram's half spectrum after its x–z transforms, a round of rows at a time. */
async function forwardPlanes(tomogram: Tomogram, pool: CpuPool, pieceBytes: number | undefined, step: (lines: number, stage: string) => Promise<void>): Promise<HalfSpectrum> {
  const { nx, ny, nz } = tomogram;
  const spectrum = allocateSpectrum(nx, ny, nz, Math.min(pieceBytes ?? DEFAULT_PIECE_BYTES, DEFAULT_PIECE_BYTES));
  const rowsPerRound = ROWS_PER_THREAD * pool.threads;
  const { plane } = lineCounts(nx, nz);
  for (let y0 = 0; y0 < ny; y0 += rowsPerRound) {
    const rows = Math.min(rowsPerRound, ny - y0);
    // The round's rows copied once, straight into shared memory.
    const slab = slabVolume(tomogram, { y0, ny: rows }, sharedFloats(nx * rows * nz));
    await pool.run({ kernel: 'spectrumForward', y0, rows, slab, spectrum });
    await step(rows * plane, 'transforming the x–z planes');
  }
  return spectrum;
}

/**
 * `tomogram` filtered by `gainAt(|k|)`, |k| in cycles/voxel (a new tomogram, in pieces of at most
 * options.pieceBytes). `what` names the work in the progress messages.
 */
export function radialFilterTomogram(tomogram: Tomogram, gainAt: (k: number) => number, pool: CpuPool, what: string, options: RunOptions = {}): Promise<Tomogram> {
  return filterTomogram(tomogram, sampledGain(gainAt), pool, what, options);
}

/** `tomogram` filtered by `gain` at every DFT index (a new tomogram, in pieces of at most options.pieceBytes). */
export async function filterTomogram(tomogram: Tomogram, gain: VoxelGain, pool: CpuPool, what: string, options: RunOptions = {}): Promise<Tomogram> {
  const { nx, ny, nz, pixelSize } = tomogram;
  const lines = lineCounts(nx, nz);
  const step = roundProgress(2 * ny * lines.plane + lines.blocks * lines.block, what, options);
  const spectrum = await forwardPlanes(tomogram, pool, options.pieceBytes, step);
  const result = allocateSlabbedTomogram(nx, ny, nz, pixelSize, options.pieceBytes);
  const blocksPerRound = BLOCKS_PER_THREAD * pool.threads;
  for (let b0 = 0; b0 < lines.blocks; b0 += blocksPerRound) {
    const rows = Math.min(blocksPerRound, lines.blocks - b0);
    await pool.run({ kernel: 'spectrumColumns', y0: b0, rows, spectrum, gain });
    await step(rows * lines.block, 'filtering along y');
  }
  const rowsPerRound = ROWS_PER_THREAD * pool.threads;
  for (let y0 = 0; y0 < ny; y0 += rowsPerRound) {
    const rows = Math.min(rowsPerRound, ny - y0);
    const slab = sharedFloats(nx * rows * nz);
    await pool.run({ kernel: 'spectrumInverse', y0, rows, slab, spectrum });
    placeSlabVolume(result, { y0, ny: rows }, slab);
    await step(rows * lines.plane, 'transforming back');
  }
  return result;
}

/**
 * The FSC of two tomograms of one size, either held in pieces (metrics/fsc.ts defines it; with tilt angles, the
 * directional curves too): both half spectra, then each column block's y transforms and its terms summed per
 * shell, block by block, the blocks' sums added here.
 */
export async function fscOfTomograms(a: Tomogram, b: Tomogram, tiltAngles: readonly number[] | undefined, pool: CpuPool, options: RunOptions = {}): Promise<FscCurves> {
  const { nx, ny, nz } = a;
  if (b.nx !== nx || b.ny !== ny || b.nz !== nz) throw new RangeError(`FSC needs volumes of one size, got ${nx}×${ny}×${nz} and ${b.nx}×${b.ny}×${b.nz}`);
  const lines = lineCounts(nx, nz);
  const step = roundProgress(2 * ny * lines.plane + 2 * lines.blocks * lines.block, 'FSC', options);
  const spectrumA = await forwardPlanes(a, pool, options.pieceBytes, step);
  const spectrumB = await forwardPlanes(b, pool, options.pieceBytes, step);
  // The regions' masks in shared memory: every round's task reads them.
  const own = fscShells(a, tiltAngles);
  const shells = { ...own, measured: own.measured && sharedBytes(own.measured), wedge: own.wedge && sharedBytes(own.wedge) };
  const total = fscSums(shells);
  const blocksPerRound = BLOCKS_PER_THREAD * pool.threads;
  for (let b0 = 0; b0 < lines.blocks; b0 += blocksPerRound) {
    const rows = Math.min(blocksPerRound, lines.blocks - b0);
    const sums = sharedDoubles(rows * total.length);
    await pool.run({ kernel: 'fscColumns', y0: b0, rows, a: spectrumA, b: spectrumB, shells, sums });
    for (let i = 0; i < sums.length; i++) total[i % total.length] += sums[i];
    await step(2 * rows * lines.block, 'summing the shells');
  }
  return fscCurves(total, shells);
}
