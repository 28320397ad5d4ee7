import { describe, expect, it } from 'vitest';
import { forwardProjectCpu } from '../reference/projector.ts';
import { ctf } from '../ctf.ts';
import { applyCtf, depthLayer, depthLayerEdges, drawDefocus, filterVolumeByCtf } from './ctf.ts';
import { Rng } from './random.ts';
import { simulateTiltSeries, transferThroughCtf } from './simulate.ts';
import { tiltRange } from './tiltScheme.ts';

describe('contrast transfer function of simulated tilts', () => {
  it('filters every tilt by −CTF at its own defocus: a cosine keeps its shape, a constant keeps Q of itself', () => {
    const [nx, ny, pixel] = [24, 10, 8];
    const k = 5; // cycles along x over the tilt
    const wave = Float32Array.from({ length: 2 * nx * ny }, (_, i) => Math.cos((2 * Math.PI * k * (i % nx)) / nx));
    const out = applyCtf(wave, nx, ny, pixel, [2, 4]);
    for (const [t, defocus] of [[0, 2], [1, 4]]) {
      const gain = -ctf(k / (nx * pixel), defocus);
      for (let i = 0; i < nx * ny; i++) expect(out[t * nx * ny + i]).toBeCloseTo(gain * wave[t * nx * ny + i], 5);
    }
    expect(Array.from(applyCtf(new Float32Array(nx * ny).fill(2), nx, ny, pixel, [3]))).toEqual(Array.from({ length: nx * ny }, () => expect.closeTo(0.14, 6)));
    expect(() => applyCtf(wave, nx, ny, pixel, [3])).toThrow(/1 defocus values for 2 tilts/);
    expect(() => applyCtf(wave, nx, ny, 0, [3, 3])).toThrow(/pixel size must be > 0/);
  });

  it('enters a simulation before the noise and leaves its ground truth alone', async () => {
    const options = { phantom: 'cell' as const, size: [32, 24, 12] as [number, number, number], tiltAngles: tiltRange(-30, 30, 15), seed: 2, pixelSize: 8 };
    const plain = await simulateTiltSeries({ ...options, snrDb: undefined });
    const defocusUm = [2, 2.5, 3, 3.5, 4];
    const filtered = await simulateTiltSeries({ ...options, snrDb: 0, defocusUm });
    expect(filtered.groundTruth.data).toEqual(plain.groundTruth.data);
    const expected = applyCtf(forwardProjectCpu(plain.groundTruth, options.tiltAngles).data, 32, 24, 8, defocusUm);
    expect(filtered.noiseFree.data).toEqual(expected);
  });

  it('filters a volume in 3-D so that its projections are the tilts through the CTF (projection-slice theorem)', () => {
    // A smooth blob in the middle of the slab, so that the filter's tails stay inside the box.
    const [nx, ny, nz, pixelSize] = [48, 40, 24, 16];
    const data = new Float32Array(nx * ny * nz);
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
      data[x + nx * (y + ny * z)] = Math.exp(-(((x - 23) / 5) ** 2 + ((y - 21) / 4) ** 2 + ((z - 12) / 3) ** 2) / 2);
    }
    const phantom = { nx, ny, nz, pixelSize, data };
    const filtered = filterVolumeByCtf(phantom, 3);
    expect(filtered.data).toHaveLength(data.length);
    // 0.05 % at 0° (the padded z's cropped tails), 1.7 % at 35° (the projector's interpolation); unfiltered: ≈ 100 %.
    for (const [angles, tolerance] of [[[0], 0.002], [[35], 0.03]] as const) {
      const tilts = applyCtf(forwardProjectCpu(phantom, angles).data, nx, ny, pixelSize, [3]);
      const projected = forwardProjectCpu(filtered, angles).data;
      const error = Math.hypot(...projected.map((v, i) => v - tilts[i])) / Math.hypot(...tilts);
      expect(error).toBeLessThan(tolerance);
    }
    expect(() => filterVolumeByCtf({ ...phantom, pixelSize: 0 }, 3)).toThrow(/pixel size must be > 0/);
  });

  it('cuts a tilted volume into depth layers of at most p/λ voxels, one wherever it is thinner than that', () => {
    // p/λ at 300 kV: 406 voxels at 8 Å, 101 at 2 Å, 609 at 12 Å.
    const demo = depthLayerEdges(256, 64, 8);
    expect(demo).toHaveLength(2);
    expect(demo[1]).toBeCloseTo(Math.hypot(128, 32), 9);
    expect(demo[0]).toBe(-demo[1]);
    expect(depthLayerEdges(160, 64, 12)).toHaveLength(2);
    const edges = depthLayerEdges(256, 64, 2);
    expect(edges).toHaveLength(4);
    for (let l = 1; l < edges.length; l++) expect(edges[l] - edges[l - 1]).toBeLessThan(101.6);
    // The layers partition the voxels at every angle.
    const [nx, ny, nz] = [30, 4, 10];
    const volume = { nx, ny, nz, pixelSize: 2, data: Float32Array.from({ length: nx * ny * nz }, (_, i) => 1 + (i % 7)) };
    for (const angle of [-60, 0, 35]) {
      const edges = [-20, -6, 3, 20];
      const sum = new Float32Array(volume.data.length);
      for (let l = 0; l + 1 < edges.length; l++) depthLayer(volume, angle, edges[l], edges[l + 1]).data.forEach((v, i) => (sum[i] += v));
      expect(sum).toEqual(volume.data);
    }
  });

  it("gives a tilted view the defocus gradient the phase flip assumes: a voxel whose shadow is at u is at defocus + u·p·tan θ", async () => {
    // One voxel 100 right of the axis (centred x 100.5, z 0.5) at 1 Å, tilted 60°: at depth t = −86.8 voxels, so
    // at 3 µm + 0.0087 µm, u·p·tan θ with u its shadow's place.
    const [nx, ny, nz, pixelSize, angle] = [256, 8, 8, 1, 60];
    const data = new Float32Array(nx * ny * nz);
    data[228 + nx * (4 + ny * 4)] = 1;
    const volume = { nx, ny, nz, pixelSize, data };
    const projected = forwardProjectCpu(volume, [angle]);
    const tilted = await transferThroughCtf(volume, projected, [3], pixelSize, forwardProjectCpu);
    const error = (defocus: number) => {
      const flat = applyCtf(projected.data, nx, ny, pixelSize, [defocus]);
      return Math.hypot(...tilted.map((v, i) => v - flat[i])) / Math.hypot(...tilted);
    };
    const [sin, cos] = [Math.sin(Math.PI / 3), Math.cos(Math.PI / 3)];
    const u = 100.5 * cos + 0.5 * sin;
    const own = 3 + (u * pixelSize * Math.tan(Math.PI / 3)) / 1e4;
    // Its layer (6 of 42.7 voxels: p/λ = 50.7 at 1 Å) is [−128.1, −85.4): filtered at its middle's defocus, which
    // lies within half a layer of its own; at one defocus for the tilt it would be far off (measured 1.04 and 1.38).
    const edges = depthLayerEdges(nx, nz, pixelSize);
    expect(edges).toHaveLength(7);
    const middle = (edges[0] + edges[1]) / 2;
    expect(-100.5 * sin + 0.5 * cos).toBeGreaterThanOrEqual(edges[0]);
    expect(-100.5 * sin + 0.5 * cos).toBeLessThan(edges[1]);
    expect(error(3 - (middle * pixelSize) / 1e4)).toBeLessThan(1e-5);
    expect(Math.abs(3 - (middle * pixelSize) / 1e4 - own) * 1e4).toBeLessThan((edges[1] - edges[0]) / 2);
    expect(error(3)).toBeGreaterThan(0.8);
    expect(error(3 - (own - 3))).toBeGreaterThan(1.2);
    await expect(transferThroughCtf(volume, projected, [3], 0, forwardProjectCpu)).rejects.toThrow(/needs the pixel size/);
  });

  it('draws one defocus of 1.5–5 µm per series, each tilt near it, deterministically', () => {
    const a = drawDefocus(new Rng(7), 41);
    expect(drawDefocus(new Rng(7), 41)).toEqual(a);
    expect(a).toHaveLength(41);
    const mean = a.reduce((s, d) => s + d, 0) / a.length;
    expect(mean).toBeGreaterThan(1.4);
    expect(mean).toBeLessThan(5.1);
    for (const d of a) expect(Math.abs(d - mean)).toBeLessThan(0.6);
  });
});
