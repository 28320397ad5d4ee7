/**
 * `wedgelab metrics`: compare two volumes (docs/conventions.md#metrics). FSC between A and B (with tilt
 * angles: also over the measured and missing regions and the two sides of the wedge cone),
 * PSNR and SSIM of A against B as ground truth after an affine fit of A to B, and the FSC
 * resolution at 0.143 and 0.5.
 *
 * With tilt angles, psnrWedge and psnrWedgeMissing split the PSNR's error between the two sides of the
 * wedge cone (engine/metrics/wedgePsnr.ts). JSON numbers that are not finite are written as null: psnr
 * (and either side's) is null for a perfect fit (infinite PSNR), res0143/res05 are null when the FSC
 * never drops below the threshold, and ssim is null when a dimension is below the 11-voxel Gaussian window.
 *
 * With --tilts (and --angles), B is a tomogram made elsewhere of that tilt series (another simulator's ground truth,
 * IMOD's or AreTomo's tomogram): lined up with the tilts first, its layout and axis directions told from them
 * (engine/importedTomogram.ts, docs/loading.md#tomograms-made-elsewhere), as the page does.
 *
 * Volumes of any size: each is read section by section into pieces of rows past the engine's piece size (as
 * `refine` reads one), and the scores take them in pieces (the FSC on the CPU threads).
 */
import { basename } from 'node:path';
import { lineUpTomogram } from '../engine/importedTomogram.ts';
import { plainProjector } from '../engine/projectionMatch.ts';
import { SSIM_WINDOW, truthScores } from '../engine/metrics/truthScores.ts';
import { resolutionLength, resolutionUnit } from '../engine/metrics/fsc.ts';
import { DEFAULT_PIECE_BYTES, type Tomogram } from '../io/piecedVolume.ts';
import { readAngleFile } from '../io/angles.ts';
import { readMrcStack } from '../io/mrcStream.ts';
import { requireFlag } from '../engine/methods/flags.ts';
import { openFile, readTextFile } from './openFile.ts';
import { checkTomogramMemory } from './outputs.ts';
import { readTomogramPath } from './readTomogram.ts';
import { cliPool } from './pool.ts';
import { parseOptions } from './options.ts';
import { progressPrinter } from './progress.ts';

const OPTIONS = {
  a: { type: 'string' },
  b: { type: 'string' },
  angles: { type: 'string' },
  tilts: { type: 'string' },
  'invert-angles': { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

/** Warnings of the permissive reader, each naming the file. */
function warnAbout(path: string, warnings: string[]): void {
  for (const warning of warnings) process.stderr.write(`warning: ${basename(path)}: ${warning}\n`);
}

/**
 * A volume (an MRC file, or an OME-Zarr folder) read section by section or band by band, held in pieces of rows past
 * `pieceBytes` (a file larger than one buffer reads).
 */
async function readVolume(path: string, pieceBytes: number): Promise<Tomogram> {
  // A and B (or B lined up), then the FSC's two half spectra or SSIM's band copies and rings, with Node's own: a
  // 640 × 640 × 200 pair peaked at 7.4 volumes' float32 size.
  const checkShape = (shape: { nx: number; ny: number; nz: number }) =>
    checkTomogramMemory(path, shape, { copies: 8, remedy: "bin both volumes (IMOD's binvol) or cut the same subvolume out of each (trimvol) first" });
  const file = await readTomogramPath(path, { pieceBytes, checkShape });
  warnAbout(path, file.warnings);
  return file.volume;
}

/** B (named `name`) lined up with the tilt stack at `stackPath` and its angles, held in pieces past `pieceBytes`, with how it was read. */
async function linedUp(b: Tomogram, name: string, stackPath: string, tiltAngles: number[], pieceBytes: number): Promise<{ volume: Tomogram; reading: string; binning: number }> {
  const stack = await readMrcStack((await openFile(stackPath)).blob, { permissive: true, name: basename(stackPath) });
  warnAbout(stackPath, stack.warnings);
  if (stack.nz !== tiltAngles.length) throw new Error(`${basename(stackPath)} has ${stack.nz} sections but the angle file has ${tiltAngles.length} angles`);
  const tilts = { nx: stack.nx, ny: stack.ny, nTilts: stack.nz, data: stack.data, tiltAngles, pixelSize: stack.pixelSize[0] };
  return lineUpTomogram(b, tilts, name, plainProjector, { pieceBytes });
}

/** The flags that make a tomogram of the series the size of one lined up with it: "--thickness 64 --bin 2". */
export const linedUpSizeFlags = (linedUp: { volume: { nz: number }; binning: number }) => `--thickness ${linedUp.volume.nz} --bin ${linedUp.binning}`;

const size = (v: Tomogram) => `${v.nx}×${v.ny}×${v.nz}`;
/** A number JSON can hold: Infinity (a perfect fit's PSNR) and NaN as null. */
export const finiteOrNull = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);

/** `pieceBytes`: the largest piece a volume is held in (the engine's; tests make it small). */
export async function metricsCommand(args: string[], pieceBytes = DEFAULT_PIECE_BYTES): Promise<void> {
  const { values } = parseOptions(args, OPTIONS);
  const aPath = requireFlag(values, 'a');
  const bPath = requireFlag(values, 'b');
  const a = await readVolume(aPath, pieceBytes);
  let b = await readVolume(bPath, pieceBytes);
  let tiltAngles: number[] | undefined;
  if (values.angles !== undefined) {
    const anglesPath = requireFlag(values, 'angles');
    tiltAngles = readAngleFile(anglesPath, await readTextFile(anglesPath)).tiltAngles;
    if (values['invert-angles'] === true) tiltAngles = tiltAngles.map((t) => -t);
  }
  let bReading: string | undefined;
  let bBinning = 1;
  if (values.tilts !== undefined) {
    if (!tiltAngles) throw new Error('--tilts needs --angles: B is lined up with the tilts at their angles');
    ({ volume: b, reading: bReading, binning: bBinning } = await linedUp(b, basename(bPath), requireFlag(values, 'tilts'), tiltAngles, pieceBytes));
    process.stderr.write(`${basename(bPath)}: ${bReading}\n`);
  }
  if (a.nx !== b.nx || a.ny !== b.ny || a.nz !== b.nz) {
    // Its y and z swapped: most likely IMOD's or AreTomo's XZY layout, which --tilts lines up.
    const xzy = !bReading && a.nx === b.nx && a.ny === b.nz && a.nz === b.ny;
    // Lined up, B is a tomogram of the series at a binning and thickness A can be made at.
    const hint = xzy
      ? `; ${basename(bPath)} looks like a tomogram in the XZY layout of IMOD's tilt and AreTomo: --tilts STACK (with --angles) lines it up`
      : bReading
        ? `; make ${basename(aPath)} at its size (${linedUpSizeFlags({ volume: b, binning: bBinning })})`
        : '';
    throw new Error(`${basename(aPath)} is ${size(a)} but ${basename(bPath)} is ${size(b)}${bReading ? ' as lined up with the tilts' : ''}: the volumes must have the same size${hint}`);
  }

  // Progress on stderr (a bar, or a line per tenth in a log): large volumes take a minute or more.
  const progress = progressPrinter(values.quiet === true);
  const scores = await truthScores(a, b, tiltAngles, cliPool(), { onProgress: progress });
  progress.end();
  const { curves } = scores;
  const bySide = tiltAngles ? scores : undefined;
  const pixelSize = a.pixelSize > 0 ? a.pixelSize : 0;
  const unitOfLength = resolutionUnit(pixelSize);
  const { ssim } = scores;
  if (ssim === null) process.stderr.write(`warning: SSIM needs every dimension ≥ ${SSIM_WINDOW} voxels, and the volumes are ${size(a)}; ssim is null\n`);

  const report = {
    a: aPath,
    b: bPath,
    size: [a.nx, a.ny, a.nz],
    pixelSize,
    shells: curves.shells,
    counts: curves.counts,
    fsc: curves.fsc,
    ...(tiltAngles
      ? {
          fscMeasured: curves.fscMeasured,
          fscMissing: curves.fscMissing,
          fscWedge: curves.fscWedge,
          fscWedgeMissing: curves.fscWedgeMissing,
          // Voxels behind each directional curve: the lowest missing shells hold only a handful.
          countsMeasured: curves.countsMeasured,
          countsMissing: curves.countsMissing,
          countsWedge: curves.countsWedge,
          countsWedgeMissing: curves.countsWedgeMissing,
        }
      : {}),
    psnr: finiteOrNull(scores.psnr),
    // The PSNR's mean square error split by the wedge cone: the two parts add up to the whole.
    ...(bySide ? { psnrWedge: finiteOrNull(bySide.psnrWedge), psnrWedgeMissing: finiteOrNull(bySide.psnrWedgeMissing) } : {}),
    ssim: finiteOrNull(ssim),
    fit: 'PSNR and SSIM after a least-squares affine fit of A to B (B is the ground truth)',
    ...(bReading !== undefined && { bReading }),
    res0143: resolutionLength(scores.res0143, pixelSize),
    res05: resolutionLength(scores.res05, pixelSize),
    resolutionUnit: unitOfLength,
  };

  if (values.json === true) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const fmt = (v: number | null, digits: number) => (v === null ? '—' : v.toFixed(digits));
  const dB = (v: number | null) => (v === null ? '∞' : `${v.toFixed(2)} dB`);
  const unit = unitOfLength === 'Å' ? ' Å' : ' voxels';
  const lines = [
    `${basename(aPath)} vs ${basename(bPath)} (ground truth), ${size(a)}${pixelSize > 0 ? `, ${pixelSize} Å/voxel` : ''}`,
    `FSC resolution: ${fmt(report.res0143, 2)}${report.res0143 === null ? '' : unit} at 0.143, ${fmt(report.res05, 2)}${report.res05 === null ? '' : unit} at 0.5`,
    `PSNR (after affine fit): ${dB(report.psnr)}`,
    ...(bySide ? [`PSNR of the error on each side of the wedge cone: measured ${dB(finiteOrNull(bySide.psnrWedge))}, missing ${dB(finiteOrNull(bySide.psnrWedgeMissing))}`] : []),
    `SSIM (after affine fit): ${fmt(report.ssim, 4)}`,
    `shell  freq     FSC${tiltAngles ? '      measured missing  wedge    wedge-missing' : ''}`,
    ...curves.shells.map((s, r) => {
      const cols = [curves.fsc[r], ...(tiltAngles ? [curves.fscMeasured, curves.fscMissing, curves.fscWedge, curves.fscWedgeMissing].map((c) => c?.[r] ?? 0) : [])];
      return `${String(r).padStart(5)}  ${s.toFixed(4)}  ${cols.map((v) => v.toFixed(4).padStart(7)).join('  ')}`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
