import { describe, expect, it } from 'vitest';
import { detectOrientation, lineUpTomogram, orientationText, orientTomogram, tiltSeriesInstead, tomogramFits, type AxisFlips, type TomogramLayout } from './importedTomogram.ts';
import { openNodeGpu } from './gpu/node.ts';
import { forwardProjectGpu } from './methods/projection.ts';
import { plainProjector, type Projector } from './projectionMatch.ts';
import { atPixelSize, binnedXy, tomogramFile } from './importedTomogramFixture.ts';
import { Rng } from './sim/random.ts';
import { simulateTiltSeries } from './sim/simulate.ts';
import { tiltRange } from './sim/tiltScheme.ts';
import { CancelledError, type Volume } from './types.ts';
import { downsampleVolume } from './volume.ts';
import { allocateTomogram, volumePieces } from '../io/piecedVolume.ts';

const project = plainProjector;

const simulation = simulateTiltSeries({ phantom: 'mixed', size: [64, 48, 16], tiltAngles: tiltRange(-60, 60, 3), snrDb: 5, seed: 11, pixelSize: 10 });

describe('tomogramFits', () => {
  it('finds the layout and binning by the sizes, xyz first', () => {
    const size = (nx: number, ny: number) => ({ nx, ny });
    expect(tomogramFits({ nx: 64, ny: 48, nz: 16 }, { nx: 64, ny: 48 })).toEqual([{ binning: 1, layout: 'xyz', size: size(64, 48) }]);
    expect(tomogramFits({ nx: 64, ny: 16, nz: 48 }, { nx: 64, ny: 48 })).toEqual([{ binning: 1, layout: 'xzy', size: size(64, 48) }]);
    // IMOD's floor(n / b): 1023 × 1000 tilts binned 4 are 255 × 250.
    expect(tomogramFits({ nx: 255, ny: 80, nz: 250 }, { nx: 1023, ny: 1000 })).toEqual([{ binning: 4, layout: 'xzy', size: size(255, 250) }]);
    expect(tomogramFits({ nx: 32, ny: 32, nz: 32 }, { nx: 64, ny: 64 })).toEqual([
      { binning: 2, layout: 'xyz', size: size(32, 32) },
      { binning: 2, layout: 'xzy', size: size(32, 32) },
    ]);
    // AreTomo's binned sizes rounded down to even: a K3's 5760 × 4092 at bin 4 is 1440 × 1022, not 1023.
    expect(tomogramFits({ nx: 1440, ny: 300, nz: 1022 }, { nx: 5760, ny: 4092 })).toEqual([{ binning: 4, layout: 'xzy', size: size(1440, 1023) }]);
    expect(tomogramFits({ nx: 20, ny: 16, nz: 5 }, { nx: 64, ny: 48 })).toEqual([{ binning: 3, layout: 'xyz', size: size(21, 16) }]);
  });

  it('finds none for a trimmed or larger volume', () => {
    expect(tomogramFits({ nx: 60, ny: 48, nz: 16 }, { nx: 64, ny: 48 })).toEqual([]);
    // One short only where the binned size is odd, and by one.
    expect(tomogramFits({ nx: 63, ny: 48, nz: 16 }, { nx: 64, ny: 48 })).toEqual([]);
    expect(tomogramFits({ nx: 19, ny: 16, nz: 5 }, { nx: 64, ny: 48 })).toEqual([]);
    expect(tomogramFits({ nx: 128, ny: 96, nz: 16 }, { nx: 64, ny: 48 })).toEqual([]);
  });
});

describe('detectOrientation', () => {
  const cases: { layout: TomogramLayout; flips: AxisFlips }[] = [];
  for (const layout of ['xyz', 'xzy'] as const)
    for (const x of [false, true]) for (const y of [false, true]) for (const z of [false, true]) cases.push({ layout, flips: { x, y, z } });

  it.each(cases)('undoes a $layout file with flips $flips.x $flips.y $flips.z exactly', async ({ layout, flips }) => {
    const { groundTruth, tiltSeries } = await simulation;
    const file = tomogramFile(groundTruth, layout, flips);
    const fits = tomogramFits(file, tiltSeries);
    const report = await detectOrientation(file, fits, tiltSeries, project);
    expect(report.confident).toBe(true);
    expect([report.chosen.layout, report.chosen.flips]).toEqual([layout, flips]);
    expect(report.chosen.score).toBeGreaterThan(0.6);
    expect(report.angles).toEqual([0, -60, 60]);
    const oriented = orientTomogram(file, report.chosen) as Volume;
    expect([oriented.nx, oriented.ny, oriented.nz]).toEqual([64, 48, 16]);
    expect(oriented.data).toEqual(groundTruth.data);
  });

  it('orients a binned tomogram of opposite contrast and says so', async () => {
    const { groundTruth, tiltSeries } = await simulation;
    const binned = binnedXy(groundTruth);
    const negated = { ...binned, data: binned.data.map((v) => -v) };
    const file = tomogramFile(negated, 'xzy', { x: false, y: true, z: true });
    const report = await detectOrientation(file, tomogramFits(file, tiltSeries), tiltSeries, project);
    expect(report.confident).toBe(true);
    expect([report.chosen.binning, report.chosen.layout, report.chosen.flips]).toEqual([2, 'xzy', { x: false, y: true, z: true }]);
    expect(report.chosen.score).toBeLessThan(-0.6);
    expect(orientationText(report)).toMatch(/^read in XZY layout .* at the tilts' binning 2; y, z reversed to match the tilts \(correlation .*: -0\.\d\d; next best orientation .*\); its contrast is opposite/);
  });

  it('keeps a volume unrelated to the tilts as read, and says the data could not tell', async () => {
    const { tiltSeries } = await simulation;
    let state = 7;
    const noise = new Float32Array(64 * 48 * 16).map(() => ((state = (state * 48271) % 2147483647) / 2147483647) - 0.5);
    const file = { nx: 64, ny: 48, nz: 16, data: noise, pixelSize: 10 };
    const report = await detectOrientation(file, tomogramFits(file, tiltSeries), tiltSeries, project);
    expect(report.confident).toBe(false);
    expect([report.chosen.layout, report.chosen.flips]).toEqual(['xyz', { x: false, y: false, z: false }]);
    expect(orientationText(report)).toContain('orientation not told apart by the data');
  });
});

describe('orientTomogram', () => {
  it('turns a pieced XZY file into pieces of the same values as a whole one', async () => {
    const { groundTruth } = await simulation;
    const flips = { x: true, y: false, z: true };
    const file = tomogramFile(groundTruth, 'xzy', flips);
    const size = { nx: 64, ny: 48 };
    const whole = orientTomogram(file, { layout: 'xzy', flips, size }) as Volume;
    const pieced = orientTomogram(file, { layout: 'xzy', flips, size }, 4 * 64 * 16 * 10);
    const pieces = volumePieces(pieced);
    expect(pieces.length).toBe(5);
    const expected = allocateTomogram(64, 48, 16, 10, 4 * 64 * 16 * 10);
    expect(volumePieces(expected).map((p) => p.volume.ny)).toEqual(pieces.map((p) => p.volume.ny));
    for (const { y0, volume } of pieces)
      for (let z = 0; z < 16; z++)
        for (let y = 0; y < volume.ny; y++)
          expect(volume.data.subarray(64 * (y + volume.ny * z), 64 * (y + 1 + volume.ny * z))).toEqual(whole.data.subarray(64 * (y0 + y + 48 * z), 64 * (y0 + y + 1 + 48 * z)));
    expect(whole.data).toEqual(groundTruth.data);
  });
});

describe('lineUpTomogram', () => {
  it("gives the tilts' pixel size × binning, noting a header that differs, and refuses a file that fits nothing by name", async () => {
    const { groundTruth, tiltSeries } = await simulation;
    const file = { ...binnedXy(groundTruth), pixelSize: 15 };
    const { volume, binning, reading } = await lineUpTomogram(file, tiltSeries, 'rec.mrc', project, { remarks: ['a reader remark'] });
    expect([binning, volume.pixelSize, [volume.nx, volume.ny, volume.nz]]).toEqual([2, 20, [32, 24, 16]]);
    expect(reading).toMatch(/; no axis reversed to match the tilts .*; its header's pixel size 15\.000 Å differs from the tilts' 10\.000 Å × 2: the tilts' is used; a reader remark$/);
    // The file's own volume, untouched (nothing to turn), now in the tilts' pixel size.
    expect(volume).toBe(file);
    // Cut down, with no pixel size to tell its binning by.
    const trimmed = { nx: 60, ny: 48, nz: 16, data: new Float32Array(60 * 48 * 16), pixelSize: 0 };
    await expect(lineUpTomogram(trimmed, tiltSeries, 'trimmed.mrc', project)).rejects.toThrow(
      "trimmed.mrc: 60 × 48 × 16 voxels fits no tomogram of these 64 × 48 tilts: its x and y, or its x and z (the XZY layout of IMOD's tilt and AreTomo), must be the tilts' binned by a whole number b, floor(64 / b) × floor(48 / b), or, for a tomogram cut down in x or y (trimvol) or made at another pixel size (Warp, RELION), be placed or resampled by the pixel sizes in both headers",
    );
  });
});

describe('lineUpTomogram, step by step', () => {
  it('tells each step as it starts, and a cancel ends it before the next', async () => {
    const { groundTruth, tiltSeries } = await simulation;
    const thicker = new Float32Array(64 * 48 * 32);
    thicker.set(groundTruth.data, 64 * 48 * 12);
    const file = () => atPixelSize({ nx: 64, ny: 48, nz: 32, data: thicker, pixelSize: 10 }, 15);
    const steps: string[] = [];
    await lineUpTomogram(file(), tiltSeries, 'rec.mrc', project, { onStep: (step) => steps.push(step) });
    expect(steps).toEqual([
      "resampling it onto the tilts' grid",
      'telling its orientation from the tilts',
      "turning it into WedgeLab's layout",
      'finding where its content sits',
      'moving its content back',
    ]);
    const controller = new AbortController();
    const seen: string[] = [];
    const onStep = (step: string) => {
      seen.push(step);
      if (step === 'telling its orientation from the tilts') controller.abort();
    };
    await expect(lineUpTomogram(file(), tiltSeries, 'rec.mrc', project, { onStep, signal: controller.signal })).rejects.toThrow(CancelledError);
    expect(seen).toEqual(["resampling it onto the tilts' grid", 'telling its orientation from the tilts']);
  });
});

describe('a tomogram reconstructed about another centre', () => {
  it('is read the right way round when thicker and its content off centre in z, and moved back', async () => {
    const { groundTruth, tiltSeries } = await simulation;
    // 16 voxels of content in a 32-voxel volume, 4 above its middle (IMOD's SHIFT, a specimen centred in the volume).
    const data = new Float32Array(64 * 48 * 32);
    data.set(groundTruth.data, 64 * 48 * 12);
    const thicker = { nx: 64, ny: 48, nz: 32, data, pixelSize: 10 };
    for (const flips of [{ x: false, y: false, z: true }, { x: true, y: false, z: false }]) {
      const file = tomogramFile(thicker, 'xzy', flips);
      const report = await detectOrientation(file, tomogramFits(file, tiltSeries), tiltSeries, project);
      expect([report.confident, report.chosen.flips]).toEqual([true, flips]);
      const { volume, reading } = await lineUpTomogram(file, tiltSeries, 'thick.mrc', project);
      expect(reading).toMatch(/; its content sat off where the tilts put it by z (3\.9\d|4\.0\d) voxels: moved by z -4 \(by whole voxels, its mean filled in where it moved in\)$/);
      // Centred now: sections 8 … 23 hold the content.
      expect((volume as Volume).data.subarray(64 * 48 * 8, 64 * 48 * 24)).toEqual(groundTruth.data);
    }
  });
});

describe("a pipeline's two half tomograms", () => {
  it('line the second up as the first was, finding nothing again, and refuse a second of another size', async () => {
    const { groundTruth, tiltSeries } = await simulation;
    // The content 4 sections above the middle of a 32-voxel volume, in XZY with z reversed; the halves differ by noise.
    const rng = new Rng(21);
    const half = () => {
      const data = new Float32Array(64 * 48 * 32).map(() => rng.normal(0, 0.1));
      groundTruth.data.forEach((v, i) => (data[64 * 48 * 12 + i] += v));
      return tomogramFile({ nx: 64, ny: 48, nz: 32, data, pixelSize: 10 }, 'xzy', { x: false, y: false, z: true });
    };
    const [even, odd] = [half(), half()];
    const first = await lineUpTomogram(even, tiltSeries, 'TS_1_EVN_Vol.mrc', project);
    let projected = 0;
    const counting: Projector = (volume, angles) => {
      projected++;
      return project(volume, angles);
    };
    const second = await lineUpTomogram(odd, tiltSeries, 'TS_1_ODD_Vol.mrc', counting, { like: first.lineUp });
    expect(projected).toBe(0);
    expect(second.lineUp.orientation).toBe(first.lineUp.orientation);
    expect(second.lineUp.position).toBe(first.lineUp.position);
    expect(first.reading).toMatch(/moved by z -4/);
    expect(second.reading).toMatch(/^turned and moved as TS_1_EVN_Vol\.mrc \(its other half\), which was lined up with the tilts; .*moved by z -4/);
    // The same turn and move: the odd half's noise where the even half's was, sections 8 … 23 the content.
    const content = (v: Volume) => v.data.subarray(64 * 48 * 8, 64 * 48 * 24);
    const mean = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + (v - groundTruth.data[i]) * (b[i] - groundTruth.data[i]), 0) / a.length;
    // Independent noise: its products average near 0, each half's own near its variance.
    expect(Math.abs(mean(content(first.volume as Volume), content(second.volume as Volume)))).toBeLessThan(0.0005);
    expect(mean(content(second.volume as Volume), content(second.volume as Volume))).toBeCloseTo(0.01, 3);
    const smaller = tomogramFile({ nx: 64, ny: 48, nz: 30, data: new Float32Array(64 * 48 * 30), pixelSize: 10 }, 'xzy', { x: false, y: false, z: true });
    await expect(lineUpTomogram(smaller, tiltSeries, 'TS_1_ODD_Vol.mrc', project, { like: first.lineUp })).rejects.toThrow(
      'TS_1_ODD_Vol.mrc (64×30×48 voxels of 10.00 Å) is not made as TS_1_EVN_Vol.mrc (64×32×48 of 10.00 Å): the two halves of a tomogram are the same size',
    );
  });
});

describe('a tomogram displaced across and along the tilt axis', () => {
  it('is oriented all the same, and moved back', async () => {
    const { groundTruth, tiltSeries } = await simulation;
    // Its content 5 voxels along x and 3 against y from where the tilts put it (what moved out is lost).
    const data = new Float32Array(64 * 48 * 16);
    for (let z = 0; z < 16; z++) for (let y = 3; y < 48; y++) data.set(groundTruth.data.subarray(64 * (y + 48 * z), 64 * (y + 48 * z) + 59), 64 * (y - 3 + 48 * z) + 5);
    const displaced = { nx: 64, ny: 48, nz: 16, data, pixelSize: 10 };
    for (const flips of [{ x: true, y: false, z: false }, { x: false, y: true, z: true }]) {
      const file = tomogramFile(displaced, 'xzy', flips);
      const report = await detectOrientation(file, tomogramFits(file, tiltSeries), tiltSeries, project);
      expect([report.confident, report.chosen.flips]).toEqual([true, flips]);
      const { volume, reading } = await lineUpTomogram(file, tiltSeries, 'displaced.mrc', project);
      expect(reading).toMatch(/; its content sat off where the tilts put it by x (4\.9\d|5\.0\d), y -(2\.9\d|3\.0\d) voxels: moved by x -5, y 3 \(by whole voxels/);
      const at = (v: Volume, x: number, y: number, z: number) => v.data[x + v.nx * (y + v.ny * z)];
      for (const [x, y, z] of [[0, 3, 0], [30, 20, 8], [58, 44, 15]]) expect(at(volume as Volume, x, y, z)).toBe(at(groundTruth, x, y, z));
    }
  });
});

describe('tiltSeriesInstead', () => {
  it('names a stack of images with as many sections as the series has tilts, and nothing else', () => {
    const tilts = { nx: 64, ny: 48, nTilts: 41 };
    expect(tiltSeriesInstead('TS_01.mrc', { nx: 64, ny: 48, nz: 41, ispg: 0 }, tilts)).toBe(
      "TS_01.mrc: its header marks it a stack of images (MRC space group 0) and its 41 sections are as many as the series has tilts: it looks like a tilt series, not a tomogram; add the reconstruction (IMOD's _rec.mrc, AreTomo's _Vol.mrc)",
    );
    // A volume (space group 1) of that size, or a stack of another count or size: not this.
    for (const header of [{ nx: 64, ny: 48, nz: 41, ispg: 1 }, { nx: 64, ny: 48, nz: 40, ispg: 0 }, { nx: 32, ny: 24, nz: 41, ispg: 0 }]) expect(tiltSeriesInstead('rec.mrc', header, tilts)).toBeNull();
  });
});

describe('a tomogram cut down in x and y (trimvol)', () => {
  it('fits at the binning its pixel size gives, is put where the tilts have it, its mean around it', async () => {
    const { groundTruth, tiltSeries } = await simulation;
    expect(tomogramFits({ nx: 48, ny: 40, nz: 40, pixelSize: 10 }, tiltSeries)).toEqual([
      { binning: 1, layout: 'xyz', size: { nx: 64, ny: 48 }, trimmed: true },
      { binning: 1, layout: 'xzy', size: { nx: 64, ny: 48 }, trimmed: true },
    ]);
    // Less than half the tilts' width, or no pixel size in its header: none.
    expect(tomogramFits({ nx: 30, ny: 40, nz: 16, pixelSize: 10 }, tiltSeries)).toEqual([]);
    expect(tomogramFits({ nx: 48, ny: 40, nz: 16, pixelSize: 0 }, tiltSeries)).toEqual([]);
    // x 6 … 53 and y 4 … 43 kept, written as trimvol -rx leaves it: its z the thickness, y the other way.
    const [x0, y0, w, h] = [6, 4, 48, 40];
    const cut = { nx: w, ny: h, nz: 16, data: new Float32Array(w * h * 16), pixelSize: 10 };
    for (let z = 0; z < 16; z++) for (let y = 0; y < h; y++) cut.data.set(groundTruth.data.subarray(64 * (y0 + y + 48 * z) + x0, 64 * (y0 + y + 48 * z) + x0 + w), w * (y + h * z));
    const flips = { x: false, y: true, z: false };
    const { volume, binning, reading } = await lineUpTomogram(tomogramFile(cut, 'xyz', flips), tiltSeries, 'TS_rec.mrc', project);
    expect(reading).toMatch(/^read in XYZ layout .* binning 1; y reversed to match the tilts .*; its 48 × 40 cut down from the tilts' 64 × 48 \(IMOD's trimvol\), its binning from the pixel sizes: put at x 6, y 4 of theirs, its mean around it; its content where the tilts put it/);
    const lined = volume as Volume;
    expect([binning, lined.nx, lined.ny, lined.nz]).toEqual([1, 64, 48, 16]);
    const at = (v: Volume, x: number, y: number, z: number) => v.data[x + v.nx * (y + v.ny * z)];
    for (const [x, y, z] of [[6, 4, 0], [30, 20, 8], [53, 43, 15]]) expect(at(lined, x, y, z)).toBe(at(groundTruth, x, y, z));
    const mean = cut.data.reduce((sum, v) => sum + v, 0) / cut.data.length;
    for (const [x, y, z] of [[0, 0, 0], [5, 20, 3], [54, 20, 3], [30, 44, 9]]) expect(at(lined, x, y, z)).toBeCloseTo(mean, 5);
  });

  it('puts one the data cannot place in the middle, and says so', async () => {
    const { tiltSeries } = await simulation;
    const rng = new Rng(8);
    const noise = { nx: 48, ny: 40, nz: 16, data: new Float32Array(48 * 40 * 16).map(() => rng.normal()), pixelSize: 10 };
    const { volume, reading } = await lineUpTomogram(noise, tiltSeries, 'noise_rec.mrc', project);
    expect(reading).toMatch(/: kept as read, no axis reversed; its 48 × 40 cut down from the tilts' 64 × 48 \(IMOD's trimvol\), its binning from the pixel sizes: its place not told apart by the data either: put in the middle of theirs, its mean around it$/);
    const at = (v: Volume, x: number, y: number, z: number) => v.data[x + v.nx * (y + v.ny * z)];
    expect(at(volume as Volume, 8, 4, 3)).toBe(at(noise, 0, 0, 3));
  });
});

describe("with the GPU's projector (Dawn), as the page lines a tomogram up", () => {
  it('reads, places and moves as with the plain one', async () => {
    const gpu = await openNodeGpu();
    const onGpu: Projector = (volume, angles) => forwardProjectGpu(gpu, volume, angles);
    const { groundTruth, tiltSeries } = await simulation;
    // Thicker than its content and off centre in z, XZY with z reversed; and cut down (trimvol), y reversed.
    const data = new Float32Array(64 * 48 * 32);
    data.set(groundTruth.data, 64 * 48 * 12);
    const cut = { nx: 48, ny: 40, nz: 16, data: new Float32Array(48 * 40 * 16), pixelSize: 10 };
    for (let z = 0; z < 16; z++) for (let y = 0; y < 40; y++) cut.data.set(groundTruth.data.subarray(64 * (4 + y + 48 * z) + 6, 64 * (4 + y + 48 * z) + 54), 48 * (y + 40 * z));
    const files = [tomogramFile({ nx: 64, ny: 48, nz: 32, data, pixelSize: 10 }, 'xzy', { x: false, y: false, z: true }), tomogramFile(cut, 'xyz', { x: false, y: true, z: false })];
    for (const file of files) {
      const [plain, gpuRead] = [await lineUpTomogram(file, tiltSeries, 'rec.mrc', project), await lineUpTomogram(file, tiltSeries, 'rec.mrc', onGpu)];
      // The same flips, place and move; the scores to the second decimal or so.
      const words = (reading: string) => reading.replace(/-?\d\.\d\d/g, '#');
      expect(words(gpuRead.reading)).toBe(words(plain.reading));
      expect((gpuRead.volume as Volume).data).toEqual((plain.volume as Volume).data);
    }
  });
});

describe("AreTomo's sizes rounded down to even", () => {
  it('lines up a tomogram one short in x and y of odd-sized tilts, its last column and row repeated', async () => {
    const { groundTruth, tiltSeries } = await simulateTiltSeries({ phantom: 'mixed', size: [63, 47, 12], tiltAngles: tiltRange(-60, 60, 3), snrDb: 5, seed: 12, pixelSize: 10 });
    const cut = { nx: 62, ny: 46, nz: 12, data: new Float32Array(62 * 46 * 12), pixelSize: 10 };
    for (let z = 0; z < 12; z++) for (let y = 0; y < 46; y++) cut.data.set(groundTruth.data.subarray(63 * (y + 47 * z), 63 * (y + 47 * z) + 62), 62 * (y + 46 * z));
    const flips = { x: true, y: false, z: true };
    const { volume, binning, reading } = await lineUpTomogram(tomogramFile(cut, 'xzy', flips), tiltSeries, 'TS_Vol.mrc', project);
    expect(reading).toMatch(/^read in XZY layout .* binning 1; x, z reversed to match the tilts .*; its x and y \(62 × 46\) are the tilts' 63 × 47 rounded down to even, as AreTomo's Fourier cropping makes a binned size: its last column and row repeated to fill it$/);
    const lined = volume as Volume;
    expect([binning, lined.nx, lined.ny, lined.nz]).toEqual([1, 63, 47, 12]);
    const at = (v: Volume, x: number, y: number, z: number) => v.data[x + v.nx * (y + v.ny * z)];
    for (const [x, y, z] of [[0, 0, 0], [61, 45, 11], [30, 20, 5]]) expect(at(lined, x, y, z)).toBe(at(cut, x, y, z));
    for (const [x, y, z] of [[62, 10, 3], [62, 46, 7]]) expect(at(lined, x, y, z)).toBe(at(cut, 61, Math.min(y, 45), z));
    expect(at(lined, 5, 46, 2)).toBe(at(cut, 5, 45, 2));
  });
});

describe('a tomogram made at another pixel size (Warp, RELION)', () => {
  const pearson = (a: Float32Array, b: Float32Array) => {
    const mean = (v: Float32Array) => v.reduce((sum, x) => sum + x, 0) / v.length;
    const [ma, mb] = [mean(a), mean(b)];
    let [ab, aa, bb] = [0, 0, 0];
    for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + (a[i] - ma) * (b[i] - mb), aa + (a[i] - ma) ** 2, bb + (b[i] - mb) ** 2];
    return ab / Math.sqrt(aa * bb);
  };

  it('is resampled to the nearest whole binning of the tilts, then oriented', async () => {
    const { groundTruth, tiltSeries } = await simulation;
    // 15 Å: 1.5 × the tilts' 10 Å, so binning 2 (20 Å); written XZY with z reversed. Its voxel i sits at 10 Å voxel
    // 2i, a binned voxel's middle at 2i + 0.5: a quarter of a voxel off in x and y, and three quarters in z once z is
    // reversed back (⌊n / 2⌋ is no middle of an even n). Found, and moved back by a whole voxel and fractions.
    const file = tomogramFile(atPixelSize(groundTruth, 15), 'xzy', { x: false, y: false, z: true });
    expect([file.nx, file.ny, file.nz]).toEqual([43, 11, 32]);
    const { volume, binning, reading } = await lineUpTomogram(file, tiltSeries, 'TS_01_15.00Apx.mrc', project);
    expect(reading).toMatch(
      /^read in XZY layout .* binning 2; z reversed to match the tilts .*; its 43 × 11 × 32 voxels of 15\.00 Å, no whole binning of the tilts' 10\.00 Å \(as Warp, RELION and AreTomo may make them\), resampled to their 10\.00 Å × 2: 32 × 8 × 24 \(Lanczos interpolation\); its content sat off where the tilts put it by x 0\.\d\d, y 0\.\d\d, z -0\.\d\d voxels: moved by x -0\.\d\d, y -0\.\d\d, z 0\.\d\d \(by whole voxels, its mean filled in where it moved in; a fraction of a voxel by Lanczos interpolation\)$/,
    );
    const lined = volume as Volume;
    expect([binning, lined.nx, lined.ny, lined.nz, lined.pixelSize]).toEqual([2, 32, 24, 8, 20]);
    expect(pearson(lined.data, (downsampleVolume(groundTruth, 2) as Volume).data)).toBeGreaterThan(0.9);
  });

  it('is made coarser when finer than the tilts as loaded', async () => {
    const { groundTruth, tiltSeries } = await simulation;
    const file = atPixelSize(groundTruth, 5);
    expect([file.nx, file.ny, file.nz]).toEqual([128, 96, 32]);
    const { volume, binning, reading } = await lineUpTomogram(file, tiltSeries, 'fine.mrc', project);
    expect(reading).toMatch(/; its 128 × 96 × 32 voxels of 5\.00 Å, .* resampled to their 10\.00 Å × 1: 64 × 48 × 16 \(Lanczos interpolation\)/);
    const lined = volume as Volume;
    expect([binning, lined.nx, lined.ny, lined.nz, lined.pixelSize]).toEqual([1, 64, 48, 16, 10]);
    expect(pearson(lined.data, groundTruth.data)).toBeGreaterThan(0.9);
  });

  it('is cut to the tilts\' field of view about its centre when larger: value for value at a whole binning, resampled first at another', async () => {
    const { groundTruth, tiltSeries } = await simulation;
    const binned = downsampleVolume(groundTruth, 2) as Volume;
    // 4 more voxels either side in x, 3 in y, about the same centre (⌊40 / 2⌋ − ⌊32 / 2⌋ = 4, ⌊30 / 2⌋ − ⌊24 / 2⌋ = 3).
    const wide = { nx: 40, ny: 30, nz: 8, data: new Float32Array(40 * 30 * 8).fill(0.5), pixelSize: 20 };
    for (let z = 0; z < 8; z++) for (let y = 0; y < 24; y++) wide.data.set(binned.data.subarray(32 * (y + 24 * z), 32 * (y + 1 + 24 * z)), 40 * (y + 3 + 30 * z) + 4);
    const { volume, reading } = await lineUpTomogram(wide, tiltSeries, 'wide.mrc', project);
    expect(reading).toMatch(/; its 40 × 30 × 8 larger than the tilts' 32 × 24 at binning 2: 32 × 24 × 8 about its centre kept; its content where the tilts put it/);
    expect((volume as Volume).data).toEqual(binned.data);
    // At 15 Å, as Warp writes a tomogram larger than the images: resampled, then cut.
    const padded = { nx: 80, ny: 60, nz: 16, data: new Float32Array(80 * 60 * 16), pixelSize: 10 };
    for (let z = 0; z < 16; z++) for (let y = 0; y < 48; y++) padded.data.set(groundTruth.data.subarray(64 * (y + 48 * z), 64 * (y + 1 + 48 * z)), 80 * (y + 6 + 60 * z) + 8);
    const warp = atPixelSize(padded, 15);
    const lined = await lineUpTomogram(warp, tiltSeries, 'warp.mrc', project);
    expect(lined.reading).toMatch(/; its 53 × 40 × 11 voxels of 15\.00 Å, .* resampled to their 10\.00 Å × 2: 32 × 24 × 8 \(Lanczos interpolation, its field of view cut to the tilts' about its centre\)/);
    expect(pearson((lined.volume as Volume).data, binned.data)).toBeGreaterThan(0.9);
  });

  it('is refused, naming the file and its pixel size, when it is no field of view of the tilts', async () => {
    const { tiltSeries } = await simulation;
    const other = { nx: 5, ny: 9, nz: 3, data: new Float32Array(5 * 9 * 3), pixelSize: 26.5 };
    await expect(lineUpTomogram(other, tiltSeries, 'other.mrc', project)).rejects.toThrow(
      "other.mrc: 5 × 9 × 3 voxels fits no tomogram of these 64 × 48 tilts: its x and y, or its x and z (the XZY layout of IMOD's tilt and AreTomo), must be the tilts' binned by a whole number b, floor(64 / b) × floor(48 / b), or, for a tomogram cut down in x or y (trimvol) or made at another pixel size (Warp, RELION), be placed or resampled by the pixel sizes in both headers; at its 26.50 Å, 2.65 × the tilts' 10.00 Å, its x and y are not within half to 1½ times theirs in either layout: not the same field of view",
    );
  });
});
