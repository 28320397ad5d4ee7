import { describe, expect, it } from 'vitest';
import { gzipSync } from 'fflate';
import { binTiltSeries } from '../engine/methods/preprocess.ts';
import { formatTlt } from './angles.ts';
import { writeMrc } from './mrc.ts';
import { readTiltSeriesFiles, type NamedBlob } from './tiltSeriesFiles.ts';

const [nx, ny, nz] = [37, 30, 7];
const tiltAngles = [-60, -40, -20, 0, 20, 40, 60];
const values = Float32Array.from({ length: nx * ny * nz }, (_, i) => Math.sin(i * 0.3) * 100 + (i % 11));
const stackBytes = writeMrc({ nx, ny, nz, data: values, pixelSize: 2.2 }, { stack: true });

const file = (name: string, content: Uint8Array | string): NamedBlob => ({ name, blob: new Blob([typeof content === 'string' ? content : new Uint8Array(content)]) });
const stack = file('tilt.st', stackBytes);
const angles = file('tilt.tlt', formatTlt(tiltAngles));

async function failure(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('readTiltSeriesFiles', () => {
  it('reads a stack and its angles as stored: values, size, pixel size, statistics', async () => {
    const loaded = await readTiltSeriesFiles([angles, stack]);
    expect(loaded.tiltSeries.data).toEqual(values);
    expect([loaded.tiltSeries.nx, loaded.tiltSeries.ny, loaded.tiltSeries.nTilts]).toEqual([nx, ny, nz]);
    expect(loaded.tiltSeries.pixelSize).toBeCloseTo(2.2, 5);
    expect(loaded.tiltSeries.tiltAngles).toEqual(tiltAngles);
    expect([loaded.bin, loaded.original]).toEqual([1, { nx, ny }]);
    expect(loaded.stats.min).toBe(Math.min(...values));
    expect(loaded.warnings).toEqual([]);
  });

  it.each([2, 4, 8])('bin %i at load is, value for value, the methods’ binning of the stack loaded as stored', async (bin) => {
    const full = (await readTiltSeriesFiles([stack, angles])).tiltSeries;
    for (const dropped of [stack, file('tilt.mrc.gz', gzipSync(stackBytes))]) {
      const loaded = await readTiltSeriesFiles([dropped, angles], { bin });
      const binned = binTiltSeries(full, bin);
      expect(loaded.tiltSeries.data).toEqual(binned.data);
      expect([loaded.tiltSeries.nx, loaded.tiltSeries.ny]).toEqual([Math.floor(nx / bin), Math.floor(ny / bin)]);
      expect(loaded.tiltSeries.pixelSize).toBe(binned.pixelSize);
      expect([loaded.bin, loaded.original]).toEqual([bin, { nx, ny }]);
    }
  });

  it('takes the angle file’s pixel size (of the stack as stored) when the header has none, binned with the stack', async () => {
    const noPixel = file('np.mrc', writeMrc({ nx, ny, nz, data: values, pixelSize: 0 }, { stack: true }));
    const mdoc = file('np.mdoc', ['PixelSpacing = 3.5', ...tiltAngles.map((a, k) => `[ZValue = ${k}]\nTiltAngle = ${a}\n`)].join('\n'));
    const loaded = await readTiltSeriesFiles([noPixel, mdoc], { bin: 2 });
    expect(loaded.tiltSeries.pixelSize).toBe(7);
    expect(loaded.warnings).toContain('pixel size 3.5 Å taken from np.mdoc (the MRC header says nothing)');
  });

  it('keeps other files of the drop aside with a warning (side files a later reader may use), refuses a second stack', async () => {
    const loaded = await readTiltSeriesFiles([stack, angles, file('tilt.xf', '1 0 0 1 0 0\n')]);
    expect(loaded.warnings).toEqual(['ignored tilt.xf: not an MRC stack or a tilt-angle file']);
    expect(await failure(readTiltSeriesFiles([stack, file('other.mrc', stackBytes), angles]))).toBe(
      'several MRC stack (.mrc, .st, .ali, .mrcs, optionally .gz)s (tilt.st, other.mrc): drop one tilt series at a time',
    );
    expect(await failure(readTiltSeriesFiles([stack]))).toBe('no tilt-angle file (.tlt, .rawtlt or .mdoc) to go with the stack among tilt.st');
  });

  it('names the file in every refusal: a count mismatch, a truncated stack', async () => {
    expect(await failure(readTiltSeriesFiles([stack, file('short.tlt', formatTlt(tiltAngles.slice(1)))]))).toMatch(/short\.tlt.*6.*tilt\.st.*7|tilt\.st.*7.*short\.tlt.*6/);
    expect(await failure(readTiltSeriesFiles([file('cut.st', stackBytes.subarray(0, 3000)), angles]))).toMatch(/^cut\.st: truncated MRC data/);
  });
});
