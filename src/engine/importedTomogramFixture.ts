/**
 * Test data: a tomogram as another program might write it (engine/importedTomogram.ts), in IMOD's and AreTomo's XZY
 * layout or WedgeLab's own, with axes reversed. Written index by index from the definitions, not by the code under
 * test. Used by the unit tests and the end-to-end tests.
 */
import type { AxisFlips, TomogramLayout } from './importedTomogram.ts';
import type { Volume } from './types.ts';

/** The file another program would write of `tomogram` (x fastest): in `layout`, with the flipped axes reversed. */
export function tomogramFile(tomogram: Volume, layout: TomogramLayout, flips: AxisFlips): Volume {
  const { nx, ny, nz } = tomogram;
  const [fy, fz] = layout === 'xyz' ? [ny, nz] : [nz, ny];
  const data = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const [sx, sy, sz] = [flips.x ? nx - 1 - x : x, flips.y ? ny - 1 - y : y, flips.z ? nz - 1 - z : z];
        const [fileY, fileZ] = layout === 'xyz' ? [sy, sz] : [sz, sy];
        data[sx + nx * (fileY + fy * fileZ)] = tomogram.data[x + nx * (y + ny * z)];
      }
  return { nx, ny: fy, nz: fz, data, pixelSize: tomogram.pixelSize };
}

/** 2 × 2 block averages of every XY section (as binvol -z 1 would), floor sizes. */
export function binnedXy(volume: Volume): Volume {
  const [nx, ny] = [Math.floor(volume.nx / 2), Math.floor(volume.ny / 2)];
  const data = new Float32Array(nx * ny * volume.nz);
  for (let z = 0; z < volume.nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        let sum = 0;
        for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) sum += volume.data[2 * x + dx + volume.nx * (2 * y + dy + volume.ny * z)];
        data[x + nx * (y + ny * z)] = sum / 4;
      }
  return { nx, ny, nz: volume.nz, data, pixelSize: volume.pixelSize * 2 };
}

/**
 * `volume` as a program that reconstructs at any pixel size would write it (Warp, RELION): on a grid of `pixelSize`
 * Å about the same centre (⌊n / 2⌋), its sizes rounded, by trilinear interpolation (the edge voxel repeated).
 */
export function atPixelSize(volume: Volume, pixelSize: number): Volume {
  const step = pixelSize / volume.pixelSize;
  const [nx, ny, nz] = [volume.nx, volume.ny, volume.nz].map((n) => Math.round(n / step));
  const position = (i: number, length: number, n: number) => Math.min(n - 1, Math.max(0, (i - Math.floor(length / 2)) * step + Math.floor(n / 2)));
  const value = (x: number, y: number, z: number) => volume.data[x + volume.nx * (y + volume.ny * z)];
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const [x, y, z] = [position(i, nx, volume.nx), position(j, ny, volume.ny), position(k, nz, volume.nz)];
        const [x0, y0, z0] = [Math.floor(x), Math.floor(y), Math.floor(z)];
        const [x1, y1, z1] = [Math.min(x0 + 1, volume.nx - 1), Math.min(y0 + 1, volume.ny - 1), Math.min(z0 + 1, volume.nz - 1)];
        const [fx, fy, fz] = [x - x0, y - y0, z - z0];
        const alongX = (yy: number, zz: number) => value(x0, yy, zz) * (1 - fx) + value(x1, yy, zz) * fx;
        const alongY = (zz: number) => alongX(y0, zz) * (1 - fy) + alongX(y1, zz) * fy;
        data[i + nx * (j + ny * k)] = alongY(z0) * (1 - fz) + alongY(z1) * fz;
      }
  return { nx, ny, nz, data, pixelSize };
}
