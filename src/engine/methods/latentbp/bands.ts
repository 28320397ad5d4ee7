/**
 * Bands of rows along the tilt axis, through the whole synthesis. Latent tilt row y back-projects only into latent
 * volume row y, and volume row y projects only into tilt row y (../../geometry.ts), so a band of rows needs only
 * the same rows at every step, plus the rows each ONNX part's convolutions reach across (its halo). A band keeps
 * the rows it decodes (`core`) and works on more at each earlier step, so that those come out as from the whole
 * series: the decoder's input is the core and the decoder's halo, the refined volume that and the refiner's, the
 * encoded tilts that and the encoder's. Rows are latent rows (1/4 of the tilt's; the tilt's rows 4y…4y + 3).
 */
import { planSlabs, type Slab } from '../../geometry.ts';
import { formatBytes } from '../../../io/bytes.ts';
import { DEFAULT_MEMORY_BUDGET, planSlabsForDevice } from '../slabs.ts';

/** Latent rows of context on each side that each part needs for its own rows to come out as from the whole series. */
export interface Halos {
  encoder: number;
  refiner: number;
  decoder: number;
}

/**
 * The halos of models/synth/train.py's architectures (every model it makes: only the width and C vary):
 * - encoder: two 4 × 4 stride-2 convolutions (padding 1), each followed by a residual block of two 3 × 3
 *   convolutions, then a 1 × 1: latent row j reads the quarter-resolution rows j ± 2 (block), so half-resolution
 *   rows 2j − 5 … 2j + 6, ± 2 (block), so tilt rows 2(2j − 7) − 1 … 2(2j + 8) + 2 = 4j − 15 … 4j + 18: its own four
 *   rows and 15 either side, 4 latent rows (a band's tilt rows start at a multiple of 4, so the strides align);
 * - refiner: two residual blocks of two 3 × 3 × 3 convolutions, one row each;
 * - decoder: a 3 × 3 convolution (± 1) and a residual block (± 2) at the latent grid, then two 2 × 2 stride-2
 *   transposed convolutions (no overlap) around a residual block at half resolution (± 2 half rows, ± 1 latent):
 *   the tilt rows of latent row j read latent rows j − 4 … j + 4.
 * latentbp.test.ts shows that one row fewer of any of them changes a banded run's tilts.
 */
export const HALOS: Halos = { encoder: 4, refiner: 4, decoder: 4 };

/** A band of latent rows: the rows decoded and kept, and the rows each step works on (clipped to the series). */
export interface Band {
  core: Slab;
  /** Projected at the new angles and decoded: core ± the decoder's halo. */
  projected: Slab;
  /** Back-projected and refined: projected ± the refiner's halo. */
  volume: Slab;
  /** Encoded: volume ± the encoder's halo. */
  encoded: Slab;
}

function grown(slab: Slab, halo: number, h: number): Slab {
  const y0 = Math.max(0, slab.y0 - halo);
  return { y0, ny: Math.min(h, slab.y0 + slab.ny + halo) - y0 };
}

/** Bands of `coreRows` latent rows (the last may be shorter) of h, with their halos. */
export function latentBands(h: number, coreRows: number, halos: Halos = HALOS): Band[] {
  return planSlabs(h, coreRows).map((core) => {
    const projected = grown(core, halos.decoder, h);
    const volume = grown(projected, halos.refiner, h);
    return { core, projected, volume, encoded: grown(volume, halos.encoder, h) };
  });
}

/** What the synthesis works on, in latent units: h × w latent tilts of C channels, a latent volume D deep. */
export interface LatentShape {
  h: number;
  w: number;
  depth: number;
  channels: number;
  nTilts: number;
  nNew: number;
}

/** The bands, and the tilts ORT takes per call (encoder and decoder alike). */
export interface BandPlan {
  bands: Band[];
  batch: number;
}

/** The limits a band must fit: the GPU's own, or those of the CPU path (CPU_LIMITS). */
export type DeviceLimits = Parameters<typeof planSlabsForDevice>[0]['limits'];

/**
 * The CPU path's: onnxruntime-web's wasm heap is at most 4 GiB (wasm32) and holds a part's input and output
 * together, so no tensor of more than 2 GiB.
 */
export const CPU_LIMITS: DeviceLimits = { maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 31 };

/** Latent-volume copies a row costs: the back-projected volume, the refined one, and about four activations inside the refiner. */
const VOLUME_COPIES = 6;

/**
 * Floats ORT holds per tilt pixel (full resolution) and latent channel in the encoder or the decoder: train.py's
 * encoder makes six tensors of `width` channels at half resolution (a strided convolution, its ReLU, a block's two
 * convolutions, their ReLU and the sum: 6 · width / 4 a tilt pixel) and six of 2 · width at quarter resolution
 * (6 · 2 · width / 16), 2.25 · width in all, and the decoder the same in reverse; ORT's allocators keep such
 * buffers for reuse rather than free them, so all are counted. With the input or output (1) and width ≤ C (train.py's
 * defaults: 12 and 16) that is under 3 · C a pixel.
 */
const ORT_FLOATS_PER_PIXEL_PER_CHANNEL = 3;

/** Tilt pixels per latent pixel. */
const PIXELS_PER_LATENT = 16;

/**
 * Bytes one latent row of a band costs with `batch` tilts through ORT at a time. In units of one latent row of one
 * tilt (C · w floats): K of latent tilts, 6 · D of latent volumes and, per tilt in ORT's call, 1 of its latent input
 * or output and 48 of ORT's activations (16 tilt pixels of 3 · C floats).
 */
export function bandRowBytes(s: LatentShape, batch: number): number {
  return 4 * s.channels * s.w * (s.nTilts + VOLUME_COPIES * s.depth + batch * (1 + PIXELS_PER_LATENT * ORT_FLOATS_PER_PIXEL_PER_CHANNEL));
}

/**
 * Bands and ORT's batch within the memory budget and the device's buffer limits (planSlabsForDevice), a row costing
 * bandRowBytes. Halos cost more than ORT calls, so ORT takes as many tilts at once as leave one band of all rows
 * when one tilt at a time would; else as many as leave a band of at least four halos' rows (so that at most half of
 * a band's work is halo); at least one. The bands then take what fits.
 */
export function planBands(limits: DeviceLimits, budget: number | undefined, s: LatentShape, halos: Halos = HALOS): BandPlan {
  const unit = 4 * s.channels * s.w;
  // The largest single buffers: the latent tilts, a latent volume, ORT's largest activation (width ≤ C channels at half resolution, 4 per latent pixel).
  const largestBytes = (batch: number) => unit * Math.max(s.nTilts, s.depth, 4 * batch);
  const memory = budget ?? DEFAULT_MEMORY_BUDGET;
  const binding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  const haloRows = 2 * (halos.encoder + halos.refiner + halos.decoder);
  const oneBand = s.h * bandRowBytes(s, 1) <= memory && s.h * largestBytes(1) <= binding;
  const wanted = oneBand ? s.h : Math.min(s.h, 2 * haloRows);
  const perTilt = bandRowBytes(s, 1) - bandRowBytes(s, 0);
  const byBudget = Math.floor((memory / wanted - bandRowBytes(s, 0)) / perTilt);
  const byBinding = Math.floor(binding / (4 * unit * wanted));
  const batch = Math.max(1, Math.min(byBudget, byBinding, Math.max(s.nTilts, s.nNew)));
  const rows = planSlabsForDevice({ limits }, s.h, bandRowBytes(s, batch), largestBytes(batch), budget)[0].ny;
  const bands = latentBands(s.h, rows >= s.h ? s.h : Math.max(1, rows - haloRows), halos);
  // A band of one core row with its halo may still exceed the budget (it goes ahead) or a buffer's limit (it cannot).
  const widest = Math.max(...bands.map((b) => unit * Math.max(s.nTilts * b.encoded.ny, s.depth * b.volume.ny, 4 * batch * b.encoded.ny)));
  if (widest > binding) {
    throw new Error(
      `a band of latent rows with its halo needs a ${formatBytes(widest)} buffer, more than this device's limit of ${formatBytes(binding)}: ` +
        'reduce the thickness or bin the tilts',
    );
  }
  return { bands, batch };
}
