/**
 * The demo data: phantom → projections → noise.
 *
 * The projector is injected so the engine can pass its WebGPU projector; the default is the CPU
 * reference (geometry of docs/conventions.md#geometry). The phantom and the noise draw from different
 * streams derived from the one seed, so changing the SNR never changes the specimen.
 */
import { forwardProjectCpu } from '../reference/projector.ts';
import type { TiltSeries, Volume } from '../types.ts';
import { applyCtf, depthLayer, depthLayerEdges, filterVolumeByCtf } from './ctf.ts';
import { addGaussianNoise } from './noise.ts';
import { makePhantom, type PhantomName } from './phantoms.ts';
import { deriveSeed } from './random.ts';
import { tiltRange } from './tiltScheme.ts';
import { blurTilts, type TiltVariation } from './tiltVariation.ts';

export interface SimulationOptions {
  phantom: PhantomName;
  /** [nx, ny, nz] voxels; the tilts are nx × ny pixels, nz is the specimen thickness. */
  size: [number, number, number];
  /** Degrees, stack order. */
  tiltAngles: number[];
  /** Gaussian noise at this SNR in dB (docs/conventions.md#noise-level); undefined = noise-free. */
  snrDb?: number;
  seed: number;
  /** Å per pixel of the tilts and voxel of the ground truth; 0 or undefined = unknown. */
  pixelSize?: number;
  /** Per-tilt blur and noise level (training data); undefined = every tilt alike. */
  variation?: TiltVariation;
  /**
   * Defocus of each tilt in µm, stack order: the tilts filtered by a microscope's CTF (sim/ctf.ts; needs pixelSize), the
   * defocus following each voxel's depth along the beam about it (transferThroughCtf); undefined = none.
   */
  defocusUm?: number[];
  /**
   * With defocusUm: return as ground truth the phantom filtered in 3-D by the CTF at the tilts' mean defocus
   * (sim/ctf.ts filterVolumeByCtf, training targets that leave the CTF in); false or undefined = the phantom itself.
   */
  groundTruthThroughCtf?: boolean;
}

export const DEMO_DEFAULTS: SimulationOptions = {
  phantom: 'cell',
  size: [256, 256, 64],
  tiltAngles: tiltRange(-60, 60, 2),
  snrDb: 5,
  seed: 1,
  pixelSize: 8,
};

/**
 * The demo on a software adapter (SwiftShader): a quarter of the voxels and 41 tilts, so that
 * simulating and reconstructing stay within seconds on a CPU. Same phantom family and seed.
 */
export const DEMO_DEFAULTS_SOFTWARE_GPU: SimulationOptions = {
  ...DEMO_DEFAULTS,
  size: [128, 128, 32],
  tiltAngles: tiltRange(-60, 60, 3),
};

export type Projector = (volume: Volume, tiltAngles: number[]) => Promise<TiltSeries> | TiltSeries;

/** Stream of the noise's random numbers (the phantom uses PHANTOM_STREAM = 1). */
export const NOISE_STREAM = 2;

export async function simulateTiltSeries(
  options: SimulationOptions,
  project: Projector = forwardProjectCpu,
): Promise<{ groundTruth: Volume; tiltSeries: TiltSeries; noiseFree: TiltSeries }> {
  const { phantom, size, tiltAngles, snrDb, seed } = options;
  const pixelSize = options.pixelSize ?? 0;
  if (tiltAngles.length === 0) throw new Error('Simulation needs at least one tilt angle');
  const phantomVolume = makePhantom(phantom, size[0], size[1], size[2], seed, pixelSize);
  const projected = await project(phantomVolume, [...tiltAngles]);
  const { variation, defocusUm } = options;
  const groundTruth =
    defocusUm && options.groundTruthThroughCtf ? filterVolumeByCtf(phantomVolume, defocusUm.reduce((s, d) => s + d, 0) / defocusUm.length) : phantomVolume;
  // The CTF and the blur are the microscope's and the specimen's, before the detector's noise: "noise-free" has both.
  const transferred = defocusUm ? await transferThroughCtf(phantomVolume, projected, defocusUm, pixelSize, project) : projected.data;
  const signal = variation ? blurTilts(transferred, projected.nx, projected.ny, variation.blurSigma) : transferred;
  const noiseFree: TiltSeries = { ...projected, data: signal, tiltAngles: [...tiltAngles], pixelSize };
  const data =
    snrDb === undefined ? noiseFree.data.slice() : addGaussianNoise(noiseFree.data, snrDb, deriveSeed(seed, NOISE_STREAM), variation?.noiseScale);
  const tiltSeries: TiltSeries = { ...noiseFree, data, tiltAngles: [...tiltAngles] };
  return { groundTruth, tiltSeries, noiseFree };
}

/**
 * `volume`'s tilts (`projected`, at `pixelSize` Å) through the CTF of a tilted specimen: each tilt's defocus belongs
 * to the plane through the volume's centre normal to the beam, and a voxel a depth t voxels further along the beam is
 * t·p Å nearer focus, so that a voxel of the plane z = 0 at detector u is at defocus + u·p·tan θ, the gradient the
 * phase flip assumes across a view (engine/phaseFlip.ts). Each depth layer (depthLayerEdges) is projected alone and filtered at its
 * middle's defocus, and the layers summed; with one layer that is `projected` filtered at each tilt's defocus.
 */
export async function transferThroughCtf(volume: Volume, projected: TiltSeries, defocusUm: readonly number[], pixelSize: number, project: Projector): Promise<Float32Array> {
  const { nx, ny } = projected;
  if (!(pixelSize > 0)) throw new RangeError(`a CTF needs the pixel size (got ${pixelSize} Å)`);
  const edges = depthLayerEdges(volume.nx, volume.nz, pixelSize);
  if (edges.length === 2) return applyCtf(projected.data, nx, ny, pixelSize, defocusUm);
  const plane = nx * ny;
  const out = new Float32Array(projected.data.length);
  for (const [t, angle] of projected.tiltAngles.entries()) {
    const tilt = out.subarray(t * plane, (t + 1) * plane);
    for (let l = 0; l + 1 < edges.length; l++) {
      const layer = await project(depthLayer(volume, angle, edges[l], edges[l + 1]), [angle]);
      const middle = (edges[l] + edges[l + 1]) / 2;
      const filtered = applyCtf(layer.data, nx, ny, pixelSize, [defocusUm[t] - (middle * pixelSize) / 1e4]);
      for (let i = 0; i < plane; i++) tilt[i] += filtered[i];
    }
  }
  return out;
}
