/**
 * A microscope's contrast transfer function for simulated tilts (issue #15: real micrographs are filtered by it,
 * and a model that never saw it loses its lead on data that are; docs/localnet-history.md, "A contrast transfer function
 * on the independent simulator"). The CTF itself is engine/ctf.ts's, which makes a denser object darker, as in a
 * micrograph. The simulator applies −CTF instead, which keeps its dense objects bright at low frequency as in its
 * tilts without a CTF: a series of the other contrast is the same negated, which the contrast detection and the odd
 * models handle (docs/localnet.md, "Polarity and offset").
 */
import { ctfCurve, MICROSCOPE_300KV, type Microscope } from '../ctf.ts';
import { frequency } from '../metrics/fourier.ts';
import { defocusStep } from '../phaseFlip.ts';
import { filterTilts, radialFrequencyMap } from '../tiltFourierFilter.ts';
import { filterVolume } from '../volumeFourierFilter.ts';
import type { Volume } from '../types.ts';
import type { Rng } from './random.ts';

/**
 * A NEW array: each nx × ny tilt of `data` filtered by −CTF at its own defocus (µm, stack order), through the DFT
 * of the whole tilt (periodic). `pixelSize` in Å sets the frequencies.
 */
export function applyCtf(data: Float32Array, nx: number, ny: number, pixelSize: number, defocusUm: readonly number[], m: Microscope = MICROSCOPE_300KV): Float32Array {
  const plane = nx * ny;
  if (defocusUm.length * plane !== data.length) throw new RangeError(`applyCtf: ${defocusUm.length} defocus values for ${data.length / plane} tilts`);
  if (!(pixelSize > 0)) throw new RangeError(`applyCtf: the pixel size must be > 0 Å (got ${pixelSize})`);
  const radius = radialFrequencyMap(nx, ny, pixelSize);
  const curves = defocusUm.map((defocus) => ctfCurve(defocus, m));
  return filterTilts(data, nx, ny, defocusUm.length, (t, gain) => {
    for (let i = 0; i < plane; i++) gain[i] = -curves[t](radius[i]);
  });
}

/**
 * Where a tilted specimen's CTF changes defocus: the edges (voxels along the beam d = (−sin θ, 0, cos θ), from the
 * plane through the volume's centre normal to it) of the layers it is applied in, from −R to R, R the half-diagonal
 * of the volume's xz section (no voxel lies further from that plane at any tilt). Each layer is at most p/λ voxels
 * thick: p²/λ Å of defocus, the spacing of the phase flip's levels (phaseFlip.ts defocusStep), a phase error at
 * Nyquist of at most π/8 about its middle. One layer wherever the volume is thinner than that, as at the pixel
 * sizes training sets use (12 Å and up: 609 voxels at 300 kV).
 */
export function depthLayerEdges(nx: number, nz: number, pixelSize: number, m: Microscope = MICROSCOPE_300KV): number[] {
  const reach = Math.hypot(nx, nz) / 2;
  const layers = Math.max(1, Math.ceil((2 * reach) / ((defocusStep(pixelSize, m.voltage) * 1e4) / pixelSize)));
  return Array.from({ length: layers + 1 }, (_, l) => -reach + (2 * reach * l) / layers);
}

/** A NEW volume: `volume` where its voxels' depth along the beam at `angle` degrees lies in [from, to) voxels (depthLayerEdges' t), 0 elsewhere. */
export function depthLayer(volume: Volume, angle: number, from: number, to: number): Volume {
  const { nx, ny, nz, data } = volume;
  const [sin, cos] = [Math.sin((angle * Math.PI) / 180), Math.cos((angle * Math.PI) / 180)];
  const layer = new Float32Array(data.length);
  for (let z = 0; z < nz; z++) {
    for (let x = 0; x < nx; x++) {
      const t = -(x - (nx - 1) / 2) * sin + (z - (nz - 1) / 2) * cos;
      if (t < from || t >= to) continue;
      for (let y = 0; y < ny; y++) layer[x + nx * (y + ny * z)] = data[x + nx * (y + ny * z)];
    }
  }
  return { ...volume, data: layer };
}

/**
 * A NEW volume: `volume` filtered in 3-D by −CTF(|k|) at one defocus (µm), the density as far as tilts through that
 * CTF can show it. A tilt's 2-D frequency lies on a central plane of the 3-D spectrum with the same |k|
 * (projection-slice theorem), so this volume's projections are its tilts filtered as applyCtf does: as a training
 * target it asks a network to fill the missing wedge of what the microscope passed, not to restore the
 * frequencies the CTF removed (which an 11-pixel patch cannot see). z is zero-padded to twice the slab so that the
 * filter's tails do not wrap around through it; x and y stay periodic, as the tilts' filter is.
 */
export function filterVolumeByCtf(volume: Volume, defocusUm: number, m: Microscope = MICROSCOPE_300KV): Volume {
  const { nx, ny, nz, pixelSize } = volume;
  if (!(pixelSize > 0)) throw new RangeError(`filterVolumeByCtf: the pixel size must be > 0 Å (got ${pixelSize})`);
  const radius = radialFrequencyMap(nx, ny, pixelSize);
  const transfer = ctfCurve(defocusUm, m);
  const depth = 2 * nz;
  const gainAt = (jx: number, jy: number, jz: number) => -transfer(Math.hypot(radius[jx + nx * jy], frequency(jz, depth) / pixelSize));
  return { ...volume, data: filterVolume(volume.data, nx, ny, nz, gainAt, depth) };
}

/** The range (µm under focus) a training series' defocus is drawn from: what tomograms are usually recorded at. */
export const TRAINING_DEFOCUS_UM = [1.5, 5] as const;

/** A random defocus per tilt for training data: one of TRAINING_DEFOCUS_UM for the series, each tilt within about ±0.1 µm of it (µm, 0.01 steps). */
export function drawDefocus(rng: Rng, nTilts: number): number[] {
  const base = rng.uniform(...TRAINING_DEFOCUS_UM);
  return Array.from({ length: nTilts }, () => Math.round((base + 0.1 * rng.normal()) * 100) / 100);
}
