import { describe, expect, it } from 'vitest';
import { plainProjector } from './projectionMatch.ts';
import { simulateTiltSeries } from './sim/simulate.ts';
import { Rng } from './sim/random.ts';
import { tiltRange } from './sim/tiltScheme.ts';
import { findPosition, moveContent, positionText, zFractionOfRow, zMoveOfRow } from './tomogramPosition.ts';
import { moveByFraction } from './resample.ts';
import type { Volume } from './types.ts';
import { allocateTomogram, volumePieces } from '../io/piecedVolume.ts';

/** `volume` in a volume `nz` thick, its content displaced by (dx, dy, dz) from the centre, zeros around it (index by index). */
function displaced(volume: Volume, nz: number, [dx, dy, dz]: number[]): Volume {
  const data = new Float32Array(volume.nx * volume.ny * nz);
  const z0 = (nz - volume.nz) / 2 + dz;
  for (let z = 0; z < volume.nz; z++)
    for (let y = 0; y < volume.ny; y++)
      for (let x = 0; x < volume.nx; x++) {
        const [tx, ty] = [x + dx, y + dy];
        if (tx >= 0 && tx < volume.nx && ty >= 0 && ty < volume.ny) data[tx + volume.nx * (ty + volume.ny * (z + z0))] = volume.data[x + volume.nx * (y + volume.ny * z)];
      }
  return { ...volume, nz, data };
}

describe('findPosition', () => {
  it('finds a content displaced along x, y and z, at either contrast, and moving it back restores it', async () => {
    const { groundTruth, tiltSeries } = await simulateTiltSeries({ phantom: 'mixed', size: [64, 48, 16], tiltAngles: tiltRange(-60, 60, 3), snrDb: 5, seed: 21, pixelSize: 10 });
    for (const sign of [1, -1] as const) {
      const moved = displaced(groundTruth, 32, [3, -2, 5]);
      if (sign < 0) moved.data.forEach((v, i) => (moved.data[i] = -v));
      const position = await findPosition(moved, tiltSeries, 1, sign, plainProjector);
      expect(position).not.toBeNull();
      expect(position!.offset.x).toBeCloseTo(3, 0);
      expect(position!.offset.y).toBeCloseTo(-2, 0);
      expect(position!.offset.z).toBeCloseTo(5, 0);
      expect(position!.moved).toEqual({ x: -3, y: 2, z: -5 });
      // Whole voxels: nothing left to interpolate.
      expect(position!.fraction).toEqual({ x: 0, y: 0, z: 0 });
      moveContent(moved, position!.moved);
      // Back in the middle 16 sections, but for the columns and rows that moved in from the edge.
      const at = (v: Volume, x: number, y: number, z: number) => v.data[x + v.nx * (y + v.ny * z)];
      for (let z = 0; z < 16; z++) for (let y = 2; y < 48; y++) for (let x = 0; x < 61; x++) expect(at(moved, x, y, z + 8)).toBe(sign * at(groundTruth, x, y, z));
    }
  });

  it('finds a content off by a fraction of a voxel, and moving it back by the fraction too restores it better than by whole voxels', async () => {
    const { groundTruth, tiltSeries } = await simulateTiltSeries({ phantom: 'mixed', size: [64, 48, 16], tiltAngles: tiltRange(-60, 60, 3), snrDb: 5, seed: 23, pixelSize: 10 });
    // Displaced by (2, 0, 3), then half a voxel further along x and z: each voxel the mean of itself and its lower
    // neighbours (linear interpolation at half a voxel), so by (2.5, 0, 3.5) in all.
    const whole = displaced(groundTruth, 32, [2, 0, 3]);
    const { nx, ny } = whole;
    const at = (v: Volume, x: number, y: number, z: number) => v.data[Math.max(0, x) + nx * (y + ny * Math.max(0, z))];
    const halfOff = { ...whole, data: whole.data.map((_, i) => {
      const [x, y, z] = [i % nx, Math.floor(i / nx) % ny, Math.floor(i / (nx * ny))];
      return (at(whole, x, y, z) + at(whole, x - 1, y, z) + at(whole, x, y, z - 1) + at(whole, x - 1, y, z - 1)) / 4;
    }) };
    const position = await findPosition(halfOff, tiltSeries, 1, 1, plainProjector);
    const truth = { x: 2.5, y: 0, z: 3.5 };
    for (const axis of ['x', 'y', 'z'] as const) {
      expect(Math.abs(position!.offset[axis] - truth[axis])).toBeLessThan(0.15);
      expect(Math.abs(position!.moved[axis] + position!.fraction[axis] + truth[axis])).toBeLessThan(0.15);
    }
    expect(Math.abs(position!.fraction.x)).toBeGreaterThan(0.3);
    // Against the content where it belongs (the middle 16 sections; away from the edges moved in).
    const pearson = (v: Volume) => {
      const [a, b]: number[][] = [[], []];
      for (let z = 2; z < 14; z++)
        for (let y = 0; y < 48; y++)
          for (let x = 4; x < 58; x++) {
            a.push(at(v, x, y, z + 8));
            b.push(groundTruth.data[x + nx * (y + ny * z)]);
          }
      const mean = (u: number[]) => u.reduce((sum, w) => sum + w, 0) / u.length;
      const [ma, mb] = [mean(a), mean(b)];
      const dot = (u: number[], mu: number, w: number[], mw: number) => u.reduce((sum, ui, i) => sum + (ui - mu) * (w[i] - mw), 0);
      return dot(a, ma, b, mb) / Math.sqrt(dot(a, ma, a, ma) * dot(b, mb, b, mb));
    };
    const byWholeVoxels = { ...halfOff, data: halfOff.data.slice() };
    moveContent(byWholeVoxels, position!.moved);
    moveContent(halfOff, position!.moved);
    moveByFraction(halfOff, position!.fraction);
    expect(pearson(halfOff)).toBeGreaterThan(pearson(byWholeVoxels) + 0.05);
  });

  it('finds it to a voxel at the fine step of a tomogram wider than 512, odd-sized, binned', async () => {
    // 1202 × 96 tilts binned 2 are 601 × 48: block averages of 7 and then of 2, neither dividing 601 or 27.
    const { groundTruth } = await simulateTiltSeries({ phantom: 'mixed', size: [601, 48, 15], tiltAngles: [0], snrDb: 40, seed: 22, pixelSize: 10 });
    const tomogram = displaced(groundTruth, 27, [-6, 1, 4]);
    const angles = tiltRange(-60, 60, 3);
    // The tilts as measured: the centred content projected, each pixel repeated 2 × 2 (binned 2, it is the projection again).
    const projected = await plainProjector(displaced(groundTruth, 27, [0, 0, 0]), angles);
    const tilts = { ...projected, nx: 1202, ny: 96, data: new Float32Array(1202 * 96 * angles.length) };
    tilts.data.forEach((_, i) => {
      const [x, y, k] = [i % 1202, Math.floor(i / 1202) % 96, Math.floor(i / (1202 * 96))];
      tilts.data[i] = projected.data[Math.floor(x / 2) + 601 * (Math.floor(y / 2) + 48 * k)];
    });
    const position = await findPosition(tomogram, tilts, 2, 1, plainProjector);
    expect(position!.moved).toEqual({ x: 6, y: -1, z: -4 });
    for (const [axis, value] of [['x', -6], ['y', 1], ['z', 4]] as const) expect(Math.abs(position!.offset[axis] - value)).toBeLessThan(0.25);
  });

  it('reads a tomogram held in pieces as one held whole', async () => {
    const { groundTruth, tiltSeries } = await simulateTiltSeries({ phantom: 'mixed', size: [64, 48, 16], tiltAngles: tiltRange(-60, 60, 3), snrDb: 5, seed: 24, pixelSize: 10 });
    const whole = displaced(groundTruth, 24, [-1, 2, 3]);
    const pieced = allocateTomogram(64, 48, 24, 10, 64 * 5 * 24 * 4);
    for (const { y0, volume } of volumePieces(pieced)) for (let z = 0; z < 24; z++) volume.data.set(whole.data.subarray(64 * (y0 + 48 * z), 64 * (y0 + volume.ny + 48 * z)), 64 * volume.ny * z);
    const [fromWhole, fromPieces] = [await findPosition(whole, tiltSeries, 1, 1, plainProjector), await findPosition(pieced, tiltSeries, 1, 1, plainProjector)];
    expect(fromWhole!.moved).toEqual({ x: 1, y: -2, z: -3 });
    expect(fromPieces).toEqual(fromWhole);
  });

  it("finds a tilt about x (IMOD's XAXISTILT) from bands near the top and the bottom and undoes it row by row; nothing for one without", async () => {
    const { groundTruth, tiltSeries } = await simulateTiltSeries({ phantom: 'mixed', size: [64, 200, 16], tiltAngles: tiltRange(-60, 60, 3), snrDb: 10, seed: 25, pixelSize: 10 });
    // Each row's content moved along z by its distance from the middle row × tan 3° (whole voxels), in a volume 32 thick.
    const tilted = { nx: 64, ny: 200, nz: 32, data: new Float32Array(64 * 200 * 32), pixelSize: 10 };
    for (let y = 0; y < 200; y++) {
      const dz = 8 + Math.round((y - 99.5) * Math.tan((3 * Math.PI) / 180));
      for (let z = 0; z < 16; z++) tilted.data.set(groundTruth.data.subarray(64 * (y + 200 * z), 64 * (y + 200 * z + 1)), 64 * (y + 200 * (z + dz)));
    }
    const position = await findPosition(tilted, tiltSeries, 1, 1, plainProjector);
    expect(position!.xTilt!.degrees).toBeGreaterThan(2.5);
    expect(position!.xTilt!.degrees).toBeLessThan(3.5);
    expect(Math.abs(position!.offset.z)).toBeLessThan(0.75);
    expect(positionText(position)).toMatch(/; its content tilted about x by [23]\.\d° against the tilts \(IMOD's XAXISTILT\): undone, each row moved along z by its own distance \(whole voxels, then the fraction\)$/);
    // Undone row by row: every row's content back in sections 8 … 23 to a voxel, most exactly (the tilt found is
    // 3.1°, and both shears are whole voxels, so some rows round the other way).
    moveContent(tilted, position!.moved, zMoveOfRow(position!));
    const backBy = (y: number) =>
      [0, -1, 1].find((off) => {
        for (let z = 0; z < 16; z++)
          for (let x = 0; x < 64; x++) if (tilted.data[x + 64 * (y + 200 * (z + 8 + off))] !== groundTruth.data[x + 64 * (y + 200 * z)]) return false;
        return true;
      });
    const rows = Array.from({ length: 200 }, (_, y) => backBy(y));
    expect(rows.every((off) => off !== undefined)).toBe(true);
    expect(rows.filter((off) => off === 0).length).toBeGreaterThanOrEqual(160);
    const flat = await findPosition(displaced(groundTruth, 32, [0, 0, 0]), tiltSeries, 1, 1, plainProjector);
    expect(flat!.xTilt).toBeUndefined();
  });

  it('undoes a tilt about x that is no whole-voxel shear (a rotation, as IMOD applies it) row by row to a fraction of a voxel', async () => {
    const { groundTruth, tiltSeries } = await simulateTiltSeries({ phantom: 'mixed', size: [64, 200, 16], tiltAngles: tiltRange(-60, 60, 3), snrDb: 10, seed: 26, pixelSize: 10 });
    // Each row's content moved along z by (y − 99.5) · tan 2.5° + 8, linearly interpolated (written out here).
    const tan = Math.tan((2.5 * Math.PI) / 180);
    const tilted = { nx: 64, ny: 200, nz: 32, data: new Float32Array(64 * 200 * 32), pixelSize: 10 };
    const source = (x: number, y: number, z: number) => (z >= 0 && z < 16 ? groundTruth.data[x + 64 * (y + 200 * z)] : 0);
    for (let y = 0; y < 200; y++) {
      const dz = 8 + (y - 99.5) * tan;
      for (let z = 0; z < 32; z++) {
        const [z0, f] = [Math.floor(z - dz), z - dz - Math.floor(z - dz)];
        for (let x = 0; x < 64; x++) tilted.data[x + 64 * (y + 200 * z)] = (1 - f) * source(x, y, z0) + f * source(x, y, z0 + 1);
      }
    }
    const position = await findPosition(tilted, tiltSeries, 1, 1, plainProjector);
    expect(Math.abs(position!.xTilt!.degrees - 2.5)).toBeLessThan(0.3);
    // Each row's fraction is what its own move leaves after whole voxels.
    const [whole, fraction] = [zMoveOfRow(position!), zFractionOfRow(position!)];
    const rows = Array.from({ length: 200 }, (_, y) => whole(y) + fraction(y));
    expect(new Set(rows.map((r) => r.toFixed(3))).size).toBeGreaterThan(100);
    // Content 8 sections down sits where a 32-thick reconstruction puts 16: off by (y − 99.5) · tan 2.5° alone.
    for (const y of [10, 100, 190]) expect(Math.abs(rows[y] + (y - 99.5) * tan)).toBeLessThan(0.35);
    // Back by whole voxels only, and then by each row's fraction: the second nearer the content where it belongs.
    const nearness = (v: Volume) => {
      let sum = 0;
      for (let y = 0; y < 200; y++) for (let z = 2; z < 14; z++) for (let x = 0; x < 64; x++) sum += (v.data[x + 64 * (y + 200 * (z + 8))] - groundTruth.data[x + 64 * (y + 200 * z)]) ** 2;
      return sum;
    };
    const byWholeVoxels = { ...tilted, data: tilted.data.slice() };
    moveContent(byWholeVoxels, position!.moved, whole);
    moveContent(tilted, position!.moved, whole);
    moveByFraction(tilted, position!.fraction, fraction);
    expect(nearness(tilted)).toBeLessThan(0.5 * nearness(byWholeVoxels));
  });

  it('says nothing of a volume unrelated to the tilts', async () => {
    const { tiltSeries } = await simulateTiltSeries({ phantom: 'mixed', size: [64, 48, 16], tiltAngles: tiltRange(-60, 60, 3), snrDb: 5, seed: 23, pixelSize: 10 });
    const rng = new Rng(5);
    const noise = { nx: 64, ny: 48, nz: 16, data: new Float32Array(64 * 48 * 16).map(() => rng.normal()), pixelSize: 10 };
    const position = await findPosition(noise, tiltSeries, 1, 1, plainProjector);
    expect(position).toBeNull();
    expect(positionText(position)).toBe('its position against the tilts not told apart by the data: not moved');
  });
});

describe('moveContent', () => {
  it('moves a whole and a pieced volume alike, its mean filled in where content moves in', () => {
    const [nx, ny, nz] = [7, 9, 5];
    const rng = new Rng(1);
    const whole = { nx, ny, nz, data: new Float32Array(nx * ny * nz).map(() => rng.uniform(0, 1)), pixelSize: 1 };
    const original = whole.data.slice();
    const mean = Math.fround(original.reduce((sum, v) => sum + v, 0) / original.length);
    const pieced = allocateTomogram(nx, ny, nz, 1, nx * 2 * nz * 4);
    for (const { y0, volume } of volumePieces(pieced))
      for (let z = 0; z < nz; z++) for (let y = 0; y < volume.ny; y++) for (let x = 0; x < nx; x++) volume.data[x + nx * (y + volume.ny * z)] = original[x + nx * (y0 + y + ny * z)];
    const moved = { x: 2, y: -3, z: 1 };
    moveContent(whole, moved);
    moveContent(pieced, moved);
    const inside = (i: number, n: number) => i >= 0 && i < n;
    for (let z = 0; z < nz; z++)
      for (let y = 0; y < ny; y++)
        for (let x = 0; x < nx; x++) {
          const [fx, fy, fz] = [x - 2, y + 3, z - 1];
          const expected = inside(fx, nx) && inside(fy, ny) && inside(fz, nz) ? original[fx + nx * (fy + ny * fz)] : mean;
          expect(whole.data[x + nx * (y + ny * z)]).toBeCloseTo(expected, 6);
        }
    for (const { y0, volume } of volumePieces(pieced))
      for (let z = 0; z < nz; z++) for (let y = 0; y < volume.ny; y++) for (let x = 0; x < nx; x++) expect(volume.data[x + nx * (y + volume.ny * z)]).toBe(whole.data[x + nx * (y0 + y + ny * z)]);
  });

  it('says how far and what was moved, and a remainder under a voxel', () => {
    const none = { x: 0, y: 0, z: 0 };
    expect(positionText({ offset: { x: 0.05, y: 0, z: -0.08 }, moved: none, fraction: none })).toBe('its content where the tilts put it (within a tenth of a voxel)');
    expect(positionText({ offset: { x: 0.4, y: 0, z: 0 }, moved: none, fraction: { x: -0.4, y: 0, z: 0 } })).toBe(
      'its content sat off where the tilts put it by x 0.40 voxels: moved by x -0.40 (a fraction of a voxel by Lanczos interpolation)',
    );
    expect(positionText({ offset: { x: 0, y: 2.1, z: -3.4 }, moved: { x: 0, y: -2, z: 3 }, fraction: { x: 0, y: -0.1, z: 0.4 } })).toBe(
      'its content sat off where the tilts put it by y 2.10, z -3.40 voxels: moved by y -2.10, z 3.40 (by whole voxels, its mean filled in where it moved in; a fraction of a voxel by Lanczos interpolation)',
    );
    // With a tilt about x, each row moves by its own distance: the middle row's is said.
    expect(positionText({ offset: { x: 0, y: 0, z: -3.4 }, moved: { x: 0, y: 0, z: 3 }, fraction: { x: 0, y: 0, z: 0.4 }, xTilt: { degrees: 1.5, aboutRow: 20 } })).toBe(
      "its content sat off where the tilts put it by z -3.40 voxels: moved by z 3.40 (by whole voxels, its mean filled in where it moved in; a fraction of a voxel by Lanczos interpolation); its content tilted about x by 1.5° against the tilts (IMOD's XAXISTILT): undone, each row moved along z by its own distance (whole voxels, then the fraction)",
    );
  });
});
