/** Central sections of a tomogram's 3-D spectrum for display: log10(1 + |F|), zero frequency at the centre pixel. */
import { fft3d } from './fourier.ts';
import { volumePieces, type Tomogram } from '../../io/piecedVolume.ts';

export type FourierPlane = 'kx-kz' | 'kx-ky' | 'ky-kz';

export interface Section {
  width: number;
  height: number;
  data: Float32Array;
  /** Cycles/voxel per pixel along width and height. */
  step: [number, number];
}

/** Display position of DFT index j of an axis of length n: zero frequency lands at floor(n/2). */
function centredPosition(j: number, n: number): number {
  return (j + Math.floor(n / 2)) % n;
}

/**
 * The central section of a tomogram's 3-D DFT through `plane`, for display (kx–kz: ky = 0, width nx, height nz;
 * kx–ky: kz = 0, nx × ny; ky–kz: kx = 0, ny × nz). By the projection-slice theorem it is the 2-D DFT of the tomogram
 * summed along the axis the plane leaves out, so no 3-D transform is made and a tomogram in pieces of any size
 * (io/piecedVolume.ts) takes one pass over its voxels and one 2-D transform: the same values as the 3-D DFT's
 * (unnormalised, float64), at a fraction of the memory and time.
 */
export function fourierSection(tomogram: Tomogram, plane: FourierPlane): Section {
  const { nu, nv, re } = projectionAlong(tomogram, plane);
  const im = new Float64Array(re.length);
  fft3d(re, im, nu, nv, 1);
  const data = new Float32Array(nu * nv);
  for (let v = 0; v < nv; v++)
    for (let u = 0; u < nu; u++) {
      const i = u + nu * v;
      data[centredPosition(u, nu) + nu * centredPosition(v, nv)] = Math.log10(1 + Math.hypot(re[i], im[i]));
    }
  return { width: nu, height: nv, data, step: [1 / nu, 1 / nv] };
}

/** The tomogram summed along the axis `plane` leaves out, u fastest: x + nx·z (over y), x + nx·y (over z), y + ny·z (over x). */
function projectionAlong(tomogram: Tomogram, plane: FourierPlane): { nu: number; nv: number; re: Float64Array } {
  const { nx, ny, nz } = tomogram;
  const [nu, nv] = plane === 'kx-kz' ? [nx, nz] : plane === 'kx-ky' ? [nx, ny] : [ny, nz];
  const re = new Float64Array(nu * nv);
  for (const { y0, volume } of volumePieces(tomogram)) {
    for (let z = 0; z < nz; z++) {
      for (let y = 0; y < volume.ny; y++) {
        const row = nx * (y + volume.ny * z);
        if (plane === 'ky-kz') {
          let sum = 0;
          for (let x = 0; x < nx; x++) sum += volume.data[row + x];
          re[y0 + y + ny * z] += sum;
          continue;
        }
        const at = nx * (plane === 'kx-kz' ? z : y0 + y);
        for (let x = 0; x < nx; x++) re[at + x] += volume.data[row + x];
      }
    }
  }
  return { nu, nv, re };
}
