/**
 * A tomogram too large for one buffer, held in pieces (docs/loading.md#results-larger-than-one-buffer). Chrome
 * gives one ArrayBuffer at most about 2 GiB, and a single allocation that large often fails long before, so a
 * tomogram larger than the piece limit is kept as slabs of rows along y, each at most the limit; a smaller one
 * stays the one Volume it always was.
 *
 * Why pieces along y, not z: every reconstruction works in slabs of rows along y (the tilt axis; detector row y
 * sees only tomogram row y, methods/slabs.ts), so a runner's slab lands in one or two pieces whole. Each piece is
 * itself an nx × rows × nz volume (x fastest, z slowest), and an XY section of the whole is its pieces' sections
 * in y order: an MRC file (XY sections along z) is written as each piece's section in turn, without copying, and
 * XZ slices (the views' default) come from one piece. Pieces along z would scatter every slab over all pieces.
 */
import type { Volume } from './types.ts';
import { formatBytes } from './bytes.ts';

/** A tomogram as slabs of rows along y: piece k holds rows [y0 + …) as its own nx × rows × nz volume, in y order. */
export interface PiecedVolume {
  nx: number;
  ny: number;
  nz: number;
  /** Å per voxel; 0 when unknown. */
  pixelSize: number;
  pieces: Volume[];
}

/** A reconstruction's result: one array when it fits in a piece, else pieces. */
export type Tomogram = Volume | PiecedVolume;

/** 256 MiB of float32 per piece: an eighth of Chrome's one-buffer cap, so allocations succeed on a crowded page. */
export const DEFAULT_PIECE_BYTES = 256 * 2 ** 20;

export function isPieced(tomogram: Tomogram): tomogram is PiecedVolume {
  return 'pieces' in tomogram;
}

/** The pieces with the first row of each (a one-array tomogram is its own only piece). */
export function volumePieces(tomogram: Tomogram): { y0: number; volume: Volume }[] {
  if (!isPieced(tomogram)) return [{ y0: 0, volume: tomogram }];
  let y0 = 0;
  return tomogram.pieces.map((volume) => {
    const piece = { y0, volume };
    y0 += volume.ny;
    return piece;
  });
}

/**
 * The row ranges [y0, y0 + ny) of the pieces of an nx × ny × nz tomogram: one range when its float32 voxels fit in
 * `pieceBytes`, else as many rows per piece as fit (at least one), rounded down to a multiple of `rowMultiple` where
 * one fits (a Zarr array's chunk rows: each chunk then falls in one piece and is decoded once).
 */
export function planPieces(nx: number, ny: number, nz: number, pieceBytes = DEFAULT_PIECE_BYTES, rowMultiple = 1): { y0: number; ny: number }[] {
  const fit = Math.max(1, Math.floor(pieceBytes / (4 * nx * nz)));
  const rows = fit >= ny || fit < rowMultiple ? fit : fit - (fit % rowMultiple);
  const ranges = [];
  for (let y0 = 0; y0 < ny; y0 += rows) ranges.push({ y0, ny: Math.min(rows, ny - y0) });
  return ranges;
}

/** The tomogram made of `pieces` (in y order, each nx × rows × nz): the one volume itself when there is one. */
export function tomogramOf(pieces: Volume[]): Tomogram {
  if (pieces.length === 1) return pieces[0];
  const { nx, nz, pixelSize } = pieces[0];
  if (pieces.some((p) => p.nx !== nx || p.nz !== nz)) throw new Error('tomogram pieces must share nx and nz');
  return { nx, ny: pieces.reduce((sum, p) => sum + p.ny, 0), nz, pixelSize, pieces };
}

/** A zero-filled tomogram, in pieces of at most `pieceBytes` when it needs more (planPieces). */
export function allocateTomogram(nx: number, ny: number, nz: number, pixelSize: number, pieceBytes = DEFAULT_PIECE_BYTES): Tomogram {
  return tomogramOf(planPieces(nx, ny, nz, pieceBytes).map((range) => ({ nx, ny: range.ny, nz, pixelSize, data: new Float32Array(nx * range.ny * nz) })));
}

/** A zero-filled tomogram of `like`'s size, held in the same pieces. */
export function allocateLike(like: Tomogram): Tomogram {
  return tomogramOf(volumePieces(like).map(({ volume }) => ({ ...volume, data: new Float32Array(volume.data.length) })));
}

/** Every row (y, z) of an ny × nz tomogram in file order (z slowest): the voxel order of one array. */
export function forEachRow({ ny, nz }: { ny: number; nz: number }, visit: (y: number, z: number) => void): void {
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) visit(y, z);
}

/** A reader of row y of XY section z (nx values, a view into the piece that holds it), for any tomogram. */
export function rowReader(tomogram: Tomogram): (y: number, z: number) => Float32Array {
  const pieces = volumePieces(tomogram);
  const pieceOfRow = new Uint32Array(tomogram.ny);
  pieces.forEach(({ y0, volume }, k) => pieceOfRow.fill(k, y0, y0 + volume.ny));
  const { nx } = tomogram;
  return (y, z) => {
    const { y0, volume } = pieces[pieceOfRow[y]];
    const from = nx * (y - y0 + volume.ny * z);
    return volume.data.subarray(from, from + nx);
  };
}

/**
 * The voxels in file order (XY sections along z, rows in y order) as views: for a pieced tomogram, each section's
 * rows in each piece; for one array, the array. What the MRC writer and the statistics read.
 */
export function* fileOrderRuns(tomogram: Tomogram): Generator<Float32Array> {
  if (!isPieced(tomogram)) {
    yield tomogram.data;
    return;
  }
  const { nx, nz } = tomogram;
  for (let z = 0; z < nz; z++) {
    for (const { ny, data } of tomogram.pieces) yield data.subarray(nx * ny * z, nx * ny * (z + 1));
  }
}

/** The refusal of work (`purpose`) that needs an nx × ny × nz tomogram in one array when it is in `pieces` pieces. */
function piecesText(nx: number, ny: number, nz: number, pieces: number, purpose: string): string {
  return (
    `${purpose} needs the tomogram in one array, but this ${nx} × ${ny} × ${nz} tomogram (${formatBytes(4 * nx * ny * nz)}) is held in ${pieces} pieces, ` +
    'more than one buffer holds: reconstruct it binned or thinner for this, or export it (MRC, OME-Zarr) and use another tool'
  );
}

/**
 * The tomogram as one array, for the work that needs it whole (a 3-D FFT, a network's input, a metric against
 * another volume): a one-array tomogram itself; a pieced one is refused with one message naming `purpose`.
 */
export function wholeVolume(tomogram: Tomogram, purpose: string): Volume {
  if (!isPieced(tomogram)) return tomogram;
  throw new Error(piecesText(tomogram.nx, tomogram.ny, tomogram.nz, tomogram.pieces.length, purpose));
}

/** wholeVolume's refusal, said before any work: its words when an nx × ny × nz tomogram will be held in pieces of `pieceBytes`, else null. */
export function notOneArray(nx: number, ny: number, nz: number, pieceBytes: number | undefined, purpose: string): string | null {
  const pieces = planPieces(nx, ny, nz, pieceBytes).length;
  return pieces > 1 ? piecesText(nx, ny, nz, pieces, purpose) : null;
}
