/**
 * Test data for the end-to-end tests, made in memory by the project's own simulator and MRC codec
 * (the CPU projector, so no GPU is needed in the test process). Nothing is read from disk.
 */
import { simulateTiltSeries } from '../src/engine/sim/simulate.ts';
import { tiltRange } from '../src/engine/sim/tiltScheme.ts';
import { formatTlt } from '../src/io/angles.ts';
import { readMrc, writeMrc } from '../src/io/mrc.ts';

export { tiltRange as tiltAngles };

/**
 * An MRC tilt stack (float32) of a simulated 'mixed' phantom, nx × ny per tilt, 8 px thick specimen, with `offset`
 * added to every pixel (as a detector's or a converter's constant would be).
 */
export async function simulatedStack(nx: number, ny: number, angles: number[], offset = 0): Promise<Buffer> {
  const { tiltSeries } = await simulateTiltSeries({ phantom: 'mixed', size: [nx, ny, 12], tiltAngles: angles, snrDb: 10, seed: 5, pixelSize: 10 });
  const data = tiltSeries.data.map((v) => v + offset);
  const stack = { nx, ny, nz: tiltSeries.nTilts, data, pixelSize: tiltSeries.pixelSize };
  return Buffer.from(writeMrc(stack, { labels: ['e2e fixture'], stack: true }));
}

export function writeTlt(angles: number[]): Buffer {
  return Buffer.from(formatTlt(angles), 'latin1');
}

/** Exported MRC bytes re-read by the project's strict reader (sizes, mode, map id, data length all checked). */
export function parseMrcHeader(bytes: Uint8Array): { nx: number; ny: number; nz: number; mode: number; map: string; stamp: [number, number] } {
  const { header } = readMrc(bytes);
  return { nx: header.nx, ny: header.ny, nz: header.nz, mode: header.mode, map: header.mapId, stamp: [bytes[212], bytes[213]] };
}
