/**
 * A raw stack dropped with its IMOD .xf comes out of the loader and alignLoadedTiltSeries as the aligned stack:
 * raw sections made by shifting an aligned stack by whole (even) pixels, so bilinear resampling is exact, at
 * load binning 1 and 2. A stack whose tilt axis lies at ±90° or 30° from Y, given at load, comes out with the
 * axis along Y, on the GPU and the CPU path.
 */
import { cpuEngine, gpuEngine, type EngineContext } from '../context.ts';
import { callerPool } from '../cpu/pool.ts';
import { describe, expect, it } from 'vitest';
import { formatTlt } from '../../io/angles.ts';
import { writeMrc } from '../../io/mrc.ts';
import { readTiltSeriesFiles } from '../../io/tiltSeriesFiles.ts';
import { binTiltSeries } from '../methods/preprocess.ts';
import { openNodeGpu } from '../gpu/node.ts';
import { alignLoadedTiltSeries, rawCentreColumn, turnedAstigmatism } from './loaded.ts';
import { xfToSampling } from '../../io/alignmentFiles.ts';

const [nx, ny, nz] = [48, 40, 5];
const tiltAngles = [-40, -20, 0, 20, 40];
/** Whole-pixel shifts (DX, DY) of each raw section, even so that they stay whole at bin 2. */
const shifts = [[4, -2], [0, 6], [-8, 2], [2, 0], [6, 4]];
const scene = (x: number, y: number, k: number): number => Math.sin(0.37 * x + 0.11 * k) * Math.cos(0.23 * y) + 0.01 * x;

/** The aligned section k at pixel (i, j), and the raw one: aligned = raw shifted by (DX, DY), so raw(p) = aligned(p + D). */
function stacks(): { aligned: Float32Array; raw: Float32Array } {
  const aligned = new Float32Array(nx * ny * nz);
  const raw = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        aligned[(k * ny + j) * nx + i] = scene(i, j, k);
        raw[(k * ny + j) * nx + i] = scene(i + shifts[k][0], j + shifts[k][1], k);
      }
  return { aligned, raw };
}

const blob = (text: string | Uint8Array) => new Blob([typeof text === 'string' ? text : new Uint8Array(text)]);

describe('alignLoadedTiltSeries', () => {
  it.each([1, 2])('a raw stack with its .xf (bin %i at load) equals the aligned stack away from the filled edges', async (bin) => {
    const gpu = await openNodeGpu();
    const { aligned, raw } = stacks();
    const xf = shifts.map(([dx, dy]) => `1 0 0 1 ${dx} ${dy}`).join('\n');
    const loaded = await readTiltSeriesFiles(
      [
        { name: 'ts.st', blob: blob(writeMrc({ nx, ny, nz, data: raw, pixelSize: 3 }, { stack: true })) },
        { name: 'ts.tlt', blob: blob(formatTlt(tiltAngles)) },
        { name: 'ts.xf', blob: blob(xf) },
      ],
      { bin },
    );
    const ts = await alignLoadedTiltSeries(gpuEngine(gpu), loaded);
    const expected = binTiltSeries({ nx, ny, nTilts: nz, data: aligned, tiltAngles, pixelSize: 3 }, bin);
    expect([ts.nx, ts.ny, ts.nTilts, ts.pixelSize]).toEqual([expected.nx, expected.ny, nz, 3 * bin]);
    // Pixels whose raw sample lies inside the raw image (8 px margin covers every shift).
    const margin = 8 / bin;
    let worst = 0;
    for (let k = 0; k < nz; k++)
      for (let j = margin; j < ts.ny - margin; j++)
        for (let i = margin; i < ts.nx - margin; i++) {
          const at = (k * ts.ny + j) * ts.nx + i;
          worst = Math.max(worst, Math.abs(ts.data[at] - expected.data[at]));
        }
    expect(worst).toBeLessThan(1e-5);
  });
});

/** The stack as it would be with its axis along Y: a smooth scene, different in every section. */
const axisScene = (u: number, v: number, k: number): number => Math.sin(0.21 * u + 0.3 * k) * Math.cos(0.17 * v) + 0.02 * v;

/** A stack of nz sections whose centred pixel (u, v) holds f(u, v, k). */
function renderStack(width: number, height: number, f: (u: number, v: number, k: number) => number): Float32Array {
  const data = new Float32Array(width * height * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < height; j++)
      for (let i = 0; i < width; i++) data[(k * height + j) * width + i] = f(i - (width - 1) / 2, j - (height - 1) / 2, k);
  return data;
}

async function loadWithTiltAxis(engine: EngineContext, raw: { nx: number; ny: number; data: Float32Array }, tiltAxis: number) {
  const loaded = await readTiltSeriesFiles(
    [
      { name: 'rot.st', blob: blob(writeMrc({ ...raw, nz, pixelSize: 2 }, { stack: true })) },
      { name: 'rot.tlt', blob: blob(formatTlt(tiltAngles)) },
    ],
    { tiltAxis },
  );
  return alignLoadedTiltSeries(engine, loaded);
}

describe('a tilt axis given at load', () => {
  const engines: [string, () => Promise<EngineContext>][] = [
    ['GPU', async () => gpuEngine(await openNodeGpu())],
    ['CPU', async () => cpuEngine(callerPool())],
  ];

  it.each(engines)('±90°: the stack turned a quarter, exactly, width and height swapped (%s path)', async (_, open) => {
    const engine = await open();
    // The axis at α from Y, counter-clockwise: the raw image at centred r holds the upright scene at R(−α)·r.
    const turns: [number, (u: number, v: number) => [number, number]][] = [
      [90, (u, v) => [v, -u]],
      [-90, (u, v) => [-v, u]],
    ];
    for (const [alpha, turn] of turns) {
      const raw = { nx: ny, ny: nx, data: renderStack(ny, nx, (u, v, k) => axisScene(...turn(u, v), k)) };
      const ts = await loadWithTiltAxis(engine, raw, alpha);
      expect([ts.nx, ts.ny, ts.nTilts]).toEqual([nx, ny, nz]);
      const upright = renderStack(nx, ny, axisScene);
      let worst = 0;
      for (let i = 0; i < upright.length; i++) worst = Math.max(worst, Math.abs(ts.data[i] - upright[i]));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it.each(engines)('30°: the rotated scene comes back upright within the bilinear error, size kept (%s path)', async (_, open) => {
    const engine = await open();
    const c = Math.cos(Math.PI / 6);
    const s = Math.sin(Math.PI / 6);
    const raw = { nx, ny, data: renderStack(nx, ny, (u, v, k) => axisScene(c * u + s * v, -s * u + c * v, k)) };
    const ts = await loadWithTiltAxis(engine, raw, 30);
    expect([ts.nx, ts.ny]).toEqual([nx, ny]);
    const upright = renderStack(nx, ny, axisScene);
    let worst = 0;
    // Inside the circle whose rotation stays within the raw image.
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) {
          const [u, v] = [i - (nx - 1) / 2, j - (ny - 1) / 2];
          if (u * u + v * v > ((ny - 2) / 2) ** 2) continue;
          const at = (k * ny + j) * nx + i;
          worst = Math.max(worst, Math.abs(ts.data[at] - upright[at]));
        }
    // Bilinear error of a scene with |∇²| ≤ 0.21² + 0.17²: h²/8 · that, about 0.01.
    expect(worst).toBeLessThan(0.012);
    expect(worst).toBeGreaterThan(0);
  });
  it("turns an estimate's astigmatism with each section's image: the raw axis' angle plus the alignment's rotation", () => {
    // Raw → aligned turns by ρ (an .xf's [cos ρ, −sin ρ; sin ρ, cos ρ]); each section's sampling map is its inverse.
    const sampling = (degrees: number) => {
      const r = (degrees * Math.PI) / 180;
      return { xx: Math.cos(r), xy: Math.sin(r), yx: -Math.sin(r), yy: Math.cos(r), x0: 3, y0: -2 };
    };
    const axis = (half: number, degrees: number) => [half * Math.cos((2 * degrees * Math.PI) / 180), half * Math.sin((2 * degrees * Math.PI) / 180)];
    const raw = [axis(0.1, 10), axis(0.05, -80)];
    const turned = turnedAstigmatism({ cos2: raw.map((v) => v[0]), sin2: raw.map((v) => v[1]) }, [sampling(30), sampling(-95)]);
    // 10° + 30° = 40°; −80° − 95° = −175°, the same axis as 5°.
    const expected = [axis(0.1, 40), axis(0.05, 5)];
    expect(turned.cos2).toEqual(expected.map((v) => expect.closeTo(v[0], 12)));
    expect(turned.sin2).toEqual(expected.map((v) => expect.closeTo(v[1], 12)));
    // A magnification changes no angle.
    const magnified = turnedAstigmatism({ cos2: [raw[0][0]], sin2: [raw[0][1]] }, [{ ...sampling(30), xx: 1.02 * Math.cos(Math.PI / 6), yy: 1.02 * Math.cos(Math.PI / 6), xy: 1.02 * 0.5, yx: -1.02 * 0.5 }]);
    expect([magnified.cos2[0], magnified.sin2[0]]).toEqual(expected[0].map((v) => expect.closeTo(v, 12)));
  });
  it("puts the estimate's defocus where the alignment puts the raw image's centre: the .xf's shift (ctfphaseflip's centre)", () => {
    // aligned = A·raw + D: the raw centre lands at D whatever A is.
    for (const [a11, a12, a21, a22] of [[1, 0, 0, 1], [0, -1, 1, 0], [0.98, -0.17, 0.17, 0.98]]) {
      expect(rawCentreColumn(xfToSampling({ a11, a12, a21, a22, dx: 12.5, dy: -4 }))).toBeCloseTo(12.5, 9);
    }
  });
});
