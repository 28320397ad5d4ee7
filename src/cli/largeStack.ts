/**
 * A real-size tilt series on disk without writing gigabytes: an int16 MRC stack (mode 1) whose file is sparse, with
 * a band of non-constant rows in every section (a sum of waves that turns with the tilt, so a reconstruction has
 * something to show) and zeros elsewhere, plus its .tlt. For the load bench (bench.ts) and the large-stack tests.
 * The header is what IMOD writes for a stack: 'MAP ', stamp 44 44, ispg 0, pixel size in cella, statistics unset.
 * The same series can be written as RELION's one image per tilt with its STAR table (writeLargeTiltImages).
 */
import { mkdir, open, writeFile } from 'node:fs/promises';
import { formatTlt } from '../io/angles.ts';

export interface LargeStack {
  stack: string;
  angles: string;
  nx: number;
  ny: number;
  nz: number;
  /** The file's size, bytes. */
  bytes: number;
}

/** Rows of every section that hold values (the rest are a hole in the sparse file), centred. */
const BAND_ROWS = 256;

/** The 1024-byte MRC2014 header of an int16 stack (mode 1), little-endian. */
function int16StackHeader(nx: number, ny: number, nz: number, pixelSize: number): Uint8Array {
  const header = new Uint8Array(1024);
  const view = new DataView(header.buffer);
  [nx, ny, nz, 1, 0, 0, 0, nx, ny, nz].forEach((v, i) => view.setInt32(4 * i, v, true)); // sizes, mode, starts, m
  [nx * pixelSize, ny * pixelSize, nz * pixelSize, 90, 90, 90].forEach((v, i) => view.setFloat32(40 + 4 * i, v, true)); // cella Å, cellb°
  [1, 2, 3].forEach((v, i) => view.setInt32(64 + 4 * i, v, true)); // axis order
  [0, -1, -2].forEach((v, i) => view.setFloat32(76 + 4 * i, v, true)); // dmin > dmax, dmean < both: "not set"
  view.setInt32(108, 20141, true); // nversion
  header.set([0x4d, 0x41, 0x50, 0x20], 208); // 'MAP '
  header.set([0x44, 0x44, 0, 0], 212); // little-endian
  view.setFloat32(216, -1, true); // rms unset
  return header;
}

/** Section k's band of rows (int16), the first of them at `firstRow`: a sum of waves that turns with the tilt. */
function bandOf(k: number, nx: number, ny: number): { rows: Int16Array; firstRow: number } {
  const band = Math.min(BAND_ROWS, ny);
  const firstRow = Math.floor((ny - band) / 2);
  const rows = new Int16Array(nx * band);
  for (let y = 0; y < band; y++) {
    for (let x = 0; x < nx; x++) rows[y * nx + x] = Math.round(800 * Math.sin((x + 3 * k) / 37) * Math.cos((y + firstRow) / 53) + 200 * Math.sin(x / 11 + k));
  }
  return { rows, firstRow };
}

/** Write an int16 MRC file of the sections `from` to `from + nz − 1` of the series, sparse: holes but for each band. */
async function writeSections(path: string, nx: number, ny: number, from: number, nz: number, pixelSize: number): Promise<number> {
  const sectionBytes = 2 * nx * ny;
  const bytes = 1024 + sectionBytes * nz;
  const file = await open(path, 'w');
  try {
    await file.write(int16StackHeader(nx, ny, nz, pixelSize), 0, 1024, 0);
    await file.truncate(bytes); // a hole: zeros that take no disk
    for (let k = 0; k < nz; k++) {
      const { rows, firstRow } = bandOf(from + k, nx, ny);
      await file.write(new Uint8Array(rows.buffer), 0, rows.byteLength, 1024 + k * sectionBytes + firstRow * 2 * nx);
    }
  } finally {
    await file.close();
  }
  return bytes;
}

/** −60° … 60° in even steps. */
function evenAngles(nz: number): number[] {
  return Array.from({ length: nz }, (_, k) => (nz === 1 ? 0 : -60 + (120 * k) / (nz - 1)));
}

/** Write `{dir}/{name}.st` (nx × ny × nz int16, sparse) and `{dir}/{name}.tlt` (−60° … 60°, even steps). */
export async function writeLargeStack(dir: string, name: string, nx: number, ny: number, nz: number, pixelSize = 1): Promise<LargeStack> {
  const stack = `${dir}/${name}.st`;
  const angles = `${dir}/${name}.tlt`;
  const bytes = await writeSections(stack, nx, ny, 0, nz, pixelSize);
  await writeFile(angles, formatTlt(evenAngles(nz)));
  return { stack, angles, nx, ny, nz, bytes };
}

/**
 * The same series as writeLargeStack's, as RELION 5 keeps it: one image file per tilt (`{dir}/frames/{name}_NNN.mrc`)
 * and the tilt-series table `{dir}/{name}.star` naming them, aligned already (rlnTomoZRot and shifts 0). Returns
 * the table's path and the images' bytes in all.
 */
export async function writeLargeTiltImages(dir: string, name: string, nx: number, ny: number, nz: number, pixelSize = 1): Promise<{ star: string; bytes: number }> {
  await mkdir(`${dir}/frames`, { recursive: true });
  const images = Array.from({ length: nz }, (_, k) => `frames/${name}_${String(k + 1).padStart(3, '0')}.mrc`);
  let bytes = 0;
  for (const [k, image] of images.entries()) bytes += await writeSections(`${dir}/${image}`, nx, ny, k, 1, pixelSize);
  const columns = ['rlnMicrographName', 'rlnTomoNominalStageTiltAngle', 'rlnTomoYTilt', 'rlnTomoZRot', 'rlnTomoXShiftAngst', 'rlnTomoYShiftAngst'];
  const angles = evenAngles(nz);
  const rows = images.map((image, k) => [image, angles[k], angles[k], 0, 0, 0].join('\t'));
  const star = `${dir}/${name}.star`;
  await writeFile(star, [`data_${name}`, '', 'loop_', ...columns.map((c, i) => `_${c} #${i + 1}`), ...rows, ''].join('\n'));
  return { star, bytes };
}
