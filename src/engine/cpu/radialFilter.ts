/**
 * A tomogram multiplied, in 3-D Fourier space, by a gain that depends on |k| alone, on the CPU pool and in pieces
 * (./volumeSpectrum.ts has the layout and the kernels): the result is the one-array filter's (the periodic
 * convolution of the whole tomogram) to a few parts in a million (float32 storage, the interpolated gain),
 * whatever the pieces, while no array is larger than a piece and the memory used besides the input and the result
 * is about one tomogram (the half spectrum). The gain reaches the threads as its values on GAIN_SAMPLES radii
 * from 0 to the corner, linearly interpolated: a step of 1.3·10⁻⁵ cycles/voxel (tom_deconv interpolates 2,048
 * samples to Nyquist, a step 16 times coarser). The slabs of rows the threads read and write are copied into and
 * out of shared memory a batch at a time, so the input may be any tomogram and the result is in ordinary
 * (exportable) memory.
 */
import { DEFAULT_PIECE_BYTES, type Tomogram } from '../../io/piecedVolume.ts';
import { allocateSlabbedTomogram, placeSlabVolume, slabVolume, type RunOptions } from '../methods/slabs.ts';
import { throwIfAborted } from '../types.ts';
import { sharedCopy, sharedDoubles, sharedFloats, type CpuPool } from './pool.ts';
import { columnBlocks, halfLength, type HalfSpectrum, type RadialGain } from './volumeSpectrum.ts';

/** Rows (or column blocks) each thread takes per round, between two looks at the cancel signal. */
const ROWS_PER_THREAD = 2;
const BLOCKS_PER_THREAD = 16;

/** Samples of the gain from |k| = 0 to the corner's √3/2 cycles/voxel. */
const GAIN_SAMPLES = 65536;
const CORNER = Math.sqrt(3) / 2;

/** `gainAt` (of |k| in cycles/voxel) sampled for the threads. */
function sampledGain(gainAt: (k: number) => number): RadialGain {
  const table = sharedDoubles(GAIN_SAMPLES);
  for (let i = 0; i < GAIN_SAMPLES; i++) table[i] = gainAt((i * CORNER) / (GAIN_SAMPLES - 1));
  return { table, kMax: CORNER };
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
    throw new Error(`filtering a ${nx} × ${ny} × ${nz} tomogram in Fourier space needs about ${Math.round((ny * rowFloats * 8) / 2 ** 20)} MiB more memory than this page can allocate: bin it or crop it`);
  }
  return { nx, ny, nz, rowsPerPiece, re, im };
}

/**
 * `tomogram` filtered by `gainAt(|k|)`, |k| in cycles/voxel (a new tomogram, in pieces of at most
 * options.pieceBytes). `what` names the work in the progress messages; progress by lines transformed, a cancel seen
 * between rounds.
 */
export async function radialFilterTomogram(tomogram: Tomogram, gainAt: (k: number) => number, pool: CpuPool, what: string, options: RunOptions = {}): Promise<Tomogram> {
  const { nx, ny, nz, pixelSize } = tomogram;
  const gain = sampledGain(gainAt);
  const spectrum = allocateSpectrum(nx, ny, nz, Math.min(options.pieceBytes ?? DEFAULT_PIECE_BYTES, DEFAULT_PIECE_BYTES));
  const result = allocateSlabbedTomogram(nx, ny, nz, pixelSize, options.pieceBytes);
  const blocks = columnBlocks(nx, nz);
  // Progress by lines transformed: passes 1 and 3 a plane per row (x lines two at a time, and z lines), pass 2 a y line per column.
  const planeLines = nz / 2 + halfLength(nx);
  const columnsPerBlock = (halfLength(nx) * nz) / blocks;
  const total = 2 * ny * planeLines + blocks * columnsPerBlock;
  let done = 0;
  const step = async (count: number, stage: string) => {
    done += count;
    options.onProgress?.({ fraction: done / total, message: `${what}: ${stage}` });
    // A turn of the event loop, so that a cancel sent meanwhile is seen.
    await new Promise((resolve) => setTimeout(resolve, 0));
    throwIfAborted(options.signal);
  };
  const rowsPerRound = ROWS_PER_THREAD * pool.threads;
  throwIfAborted(options.signal);
  for (let y0 = 0; y0 < ny; y0 += rowsPerRound) {
    const rows = Math.min(rowsPerRound, ny - y0);
    await pool.run({ kernel: 'spectrumForward', y0, rows, slab: sharedCopy(slabVolume(tomogram, { y0, ny: rows })), spectrum });
    await step(rows * planeLines, 'transforming the x–z planes');
  }
  const blocksPerRound = BLOCKS_PER_THREAD * pool.threads;
  for (let b0 = 0; b0 < blocks; b0 += blocksPerRound) {
    const rows = Math.min(blocksPerRound, blocks - b0);
    await pool.run({ kernel: 'spectrumColumns', y0: b0, rows, spectrum, gain });
    await step(rows * columnsPerBlock, 'filtering along y');
  }
  for (let y0 = 0; y0 < ny; y0 += rowsPerRound) {
    const rows = Math.min(rowsPerRound, ny - y0);
    const slab = sharedFloats(nx * rows * nz);
    await pool.run({ kernel: 'spectrumInverse', y0, rows, slab, spectrum });
    placeSlabVolume(result, { y0, ny: rows }, slab);
    await step(rows * planeLines, 'transforming back');
  }
  return result;
}
