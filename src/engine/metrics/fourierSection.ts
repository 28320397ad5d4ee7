/** Central sections of a 3-D spectrum for display: log10(1 + |F|), zero frequency at the centre pixel. */

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

/** kx–kz (ky = 0): width nx, height nz; kx–ky (kz = 0): nx × ny; ky–kz (kx = 0): ny × nz. */
export function fourierSection(
  spectrum: { nx: number; ny: number; nz: number; re: ArrayLike<number>; im: ArrayLike<number> },
  plane: FourierPlane,
): Section {
  const { nx, ny, nz, re, im } = spectrum;
  const [nu, nv] = plane === 'kx-kz' ? [nx, nz] : plane === 'kx-ky' ? [nx, ny] : [ny, nz];
  const index = (u: number, v: number): number =>
    plane === 'kx-kz' ? u + nx * ny * v : plane === 'kx-ky' ? u + nx * v : nx * (u + ny * v);
  const data = new Float32Array(nu * nv);
  for (let v = 0; v < nv; v++)
    for (let u = 0; u < nu; u++) {
      const i = index(u, v);
      data[centredPosition(u, nu) + nu * centredPosition(v, nv)] = Math.log10(1 + Math.hypot(re[i], im[i]));
    }
  return { width: nu, height: nv, data, step: [1 / nu, 1 / nv] };
}
