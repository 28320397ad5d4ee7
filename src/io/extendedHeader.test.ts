import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { formatTlt } from './angles.ts';
import { extendedHeaderAngles } from './extendedHeader.ts';
import { withAreTomoTiltAngles, withSerialEmTiltAngles } from './extendedHeaderFixture.ts';
import { readMrc, writeMrc } from './mrc.ts';
import { readTiltSeriesFiles } from './tiltSeriesFiles.ts';
import type { NamedBlob } from './types.ts';

const [nx, ny] = [6, 5];
const tiltAngles = [-60, -41.25, -20.5, 0, 19.75, 40, 60];
const stackBytes = writeMrc({ nx, ny, nz: tiltAngles.length, data: Float32Array.from({ length: nx * ny * tiltAngles.length }, (_, i) => Math.sin(i)), pixelSize: 3 }, { stack: true });
const file = (name: string, content: Uint8Array | string): NamedBlob => ({ name, blob: new Blob([typeof content === 'string' ? content : new Uint8Array(content)]) });

describe('tilt angles in the extended header', () => {
  it("reads SerialEM's: the angle × 100 first in each section's items, which the flags must account for", () => {
    const bytes = withSerialEmTiltAngles(stackBytes, tiltAngles);
    const { header, extendedHeader } = readMrc(bytes);
    expect([header.exttyp, header.nint, header.nreal, extendedHeader.length]).toEqual(['SERI', 6, 5, 42]);
    expect(extendedHeaderAngles(header, extendedHeader, 'tilt.st')).toEqual({ tiltAngles, kind: 'SerialEM', source: 'tilt.st (SerialEM extended header)' });
    // IMOD's older files leave the type blank: the flags decide.
    expect(extendedHeaderAngles({ ...header, exttyp: '' }, extendedHeader, 'tilt.st')?.tiltAngles).toEqual(tiltAngles);
    // Flags that do not add up to the bytes per section (tilt 2 + stage 4 ≠ 8), no tilt flag, another kind, too short: none.
    expect(extendedHeaderAngles({ ...header, nint: 8 }, extendedHeader, 'tilt.st')).toBeNull();
    expect(extendedHeaderAngles({ ...header, nreal: 4, nint: 4 }, extendedHeader, 'tilt.st')).toBeNull();
    expect(extendedHeaderAngles({ ...header, exttyp: 'AGAR' }, extendedHeader, 'tilt.st')).toBeNull();
    expect(extendedHeaderAngles(header, extendedHeader.subarray(0, 40), 'tilt.st')).toBeNull();
  });

  it("reads AreTomo's (Agard's layout: nint integers, then nreal floats, the first the angle), not a block of zeros or of non-angles", async () => {
    const bytes = withAreTomoTiltAngles(stackBytes, tiltAngles);
    const { header, extendedHeader } = readMrc(bytes);
    expect([header.exttyp, header.nint, header.nreal, extendedHeader.length]).toEqual(['', 0, 32, 7 * 128]);
    expect(extendedHeaderAngles(header, extendedHeader, 'TS_01.mrc')).toEqual({ tiltAngles, kind: 'Agard', source: 'TS_01.mrc (Agard extended header)' });
    expect((await readTiltSeriesFiles([file('TS_01.mrc', bytes)])).tiltSeries.tiltAngles).toEqual(tiltAngles);
    // Two integers before the floats move the angle; nothing that is not an angle is taken.
    const shifted = new Uint8Array(extendedHeader.length + 7 * 8);
    tiltAngles.forEach((_, k) => shifted.set(extendedHeader.subarray(k * 128, (k + 1) * 128), k * 136 + 8));
    expect(extendedHeaderAngles({ ...header, nint: 2, exttyp: 'AGAR' }, shifted, 'a.mrc')?.tiltAngles).toEqual(tiltAngles);
    expect(extendedHeaderAngles(header, new Uint8Array(extendedHeader.length), 'zeros.mrc')).toBeNull();
    const huge = new Uint8Array(extendedHeader.length);
    new DataView(huge.buffer).setFloat32(0, 1e9, true);
    expect(extendedHeaderAngles(header, huge, 'huge.mrc')).toBeNull();
    expect(extendedHeaderAngles(header, extendedHeader.subarray(0, 800), 'short.mrc')).toBeNull();
  });

  it('loads a stack dropped alone with its own angles, plain or gzipped; an angle file beside it wins', async () => {
    const bytes = withSerialEmTiltAngles(stackBytes, tiltAngles);
    for (const stack of [file('tilt.st', bytes), file('tilt.st.gz', gzipSync(bytes))]) {
      const loaded = await readTiltSeriesFiles([stack]);
      expect(loaded.tiltSeries.tiltAngles).toEqual(tiltAngles);
      expect(loaded.angleName).toBe(`${stack.name} (SerialEM extended header)`);
      expect(loaded.metadata).toContainEqual({ label: 'Tilt angles', value: '7 angles', source: `${stack.name} (SerialEM extended header)` });
      expect(Array.from(loaded.tiltSeries.data)).toEqual(Array.from(readMrc(stackBytes).data));
    }
    const typed = tiltAngles.map((a) => a + 0.5);
    const withFile = await readTiltSeriesFiles([file('tilt.st', bytes), file('tilt.tlt', formatTlt(typed))]);
    expect([withFile.tiltSeries.tiltAngles, withFile.angleName]).toEqual([typed, 'tilt.tlt']);
  });

  it('refuses header angles as any angle file’s would be refused, naming the header', async () => {
    const flat = withSerialEmTiltAngles(stackBytes, tiltAngles.map(() => 0));
    await expect(readTiltSeriesFiles([file('flat.st', flat)])).rejects.toThrow('flat.st (SerialEM extended header): all 7 tilts are at 0°: a tomogram needs tilts at different angles');
  });

  const python = spawnSync('/usr/bin/python3', ['-c', 'import mrcfile, numpy'], { encoding: 'utf8' }).status === 0;
  const dir = mkdtempSync(join(tmpdir(), 'wedgelab-exthdr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it.skipIf(!python)('reads the alpha tilt of each section of a Thermo Fisher (FEI1, FEI2) header as python mrcfile writes it', async () => {
    for (const kind of ['FEI1', 'FEI2']) {
      const path = join(dir, `${kind}.mrc`);
      // mrcfile's own layout of the FEI metadata blocks (mrcfile.dtypes), filled with the alpha tilts and a dose.
      const script = [
        'import sys, numpy as np, mrcfile',
        'from mrcfile.dtypes import get_ext_header_dtype',
        'kind, path, angles = sys.argv[1], sys.argv[2], [float(a) for a in sys.argv[3:]]',
        'dtype = get_ext_header_dtype(kind.encode())',
        'ext = np.zeros(len(angles), dtype=dtype)',
        "ext['Metadata size'] = dtype.itemsize",
        "ext['Alpha tilt'] = angles",
        "ext['Dose'] = 1e20",
        'with mrcfile.new(path, overwrite=True) as m:',
        `    m.set_data(np.arange(len(angles) * ${ny} * ${nx}, dtype=np.float32).reshape(len(angles), ${ny}, ${nx}))`,
        '    m.set_extended_header(ext)',
        '    m.header.exttyp = kind.encode()',
      ].join('\n');
      const run = spawnSync('/usr/bin/python3', ['-c', script, kind, path, ...tiltAngles.map(String)], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const loaded = await readTiltSeriesFiles([file(`${kind}.mrc`, readFileSync(path))]);
      expect(loaded.tiltSeries.tiltAngles).toEqual(tiltAngles);
      expect(loaded.angleName).toBe(`${kind}.mrc (${kind} extended header)`);
    }
  });
});
