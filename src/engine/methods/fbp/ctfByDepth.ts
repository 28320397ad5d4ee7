/**
 * CTF correction by depth (docs/metadata.md#ctf-correction-by-depth), as novaCTF does for thick specimens: a point at
 * height z in the tomogram is z·p/cos θ further from focus along a tilt's beam than the tomogram's middle plane, on
 * top of the gradient across the tilted view that the 2-D flip corrects (../../phaseFlip.ts). Through 200 nm the
 * defocus spreads 0.2 µm (0.4 µm at 60°): several radians of phase at Nyquist at 2 Å. So the tomogram is cut into depth slabs; for
 * each, every tilt is phase flipped at its defocus less the slab's height (µm: −zCentre·p/cos θ·10⁻⁴, the sign the
 * 2-D flip's gradient has, geometry's u = x·cos θ + z·sin θ), and only the slab's sections are back-projected from
 * those tilts (the projector's zCentre). The slabs are planned from the thickness, the pixel size and the voltage
 * alone, never from which tilts are there, so the result stays a sum of one term per tilt (cross-validation's
 * linearity, evaluation/crossValidation.ts).
 */
import { cpuPoolOf, type EngineContext } from '../../context.ts';
import { phaseFlippedData, sharedSquaredFrequencies } from '../../cpu/phaseFlip.ts';
import { defocusStep, microscopeOf, type PhaseFlipOptions } from '../../phaseFlip.ts';
import { throwIfAborted, type TiltSeries } from '../../types.ts';
import type { Tomogram } from '../../../io/piecedVolume.ts';
import { allocateSlabbedTomogram, placeSections, stageOptions, type RunOptions } from '../slabs.ts';

/**
 * The steepest tilt the slabs are planned for (degrees): each slab is thin enough that at this tilt no voxel is
 * further than half a defocus step (p²/(2λ), a phase error ≤ π/8 at Nyquist, the 2-D flip's bound) from its slab's
 * middle. Steeper tilts (rare past ±70°) keep a looser bound, in proportion to 1/cos θ.
 */
export const DEPTH_PLAN_ANGLE = 70;

/** A run of consecutive sections [z0, z0 + nz) of the tomogram, its middle zCentre voxels above the tomogram's. */
export interface DepthSlab {
  z0: number;
  nz: number;
  zCentre: number;
}

/**
 * The depth slabs of a tomogram `thickness` sections thick at `pixelSize` Å and `voltage` kV: as few as keep each at
 * most p·cos(DEPTH_PLAN_ANGLE)/λ sections (the defocus step over p, at that tilt), of heights that differ by one at most.
 */
export function depthSlabs(thickness: number, pixelSize: number, voltage: number): DepthSlab[] {
  const tallest = Math.max(1, Math.floor((defocusStep(pixelSize, voltage) * 1e4 * Math.cos((DEPTH_PLAN_ANGLE * Math.PI) / 180)) / pixelSize));
  const count = Math.ceil(thickness / tallest);
  return Array.from({ length: count }, (_, j) => {
    const z0 = Math.floor((j * thickness) / count);
    const nz = Math.floor(((j + 1) * thickness) / count) - z0;
    return { z0, nz, zCentre: z0 + (nz - 1) / 2 - (thickness - 1) / 2 };
  });
}

/** Each tilt's defocus (µm) at a slab's middle: `defocus` less zCentre·p/cos θ (θ's sign does not matter). */
export function slabDefocus(defocus: readonly number[], tiltAngles: readonly number[], pixelSize: number, zCentre: number): number[] {
  return defocus.map((d, t) => d - (zCentre * pixelSize * 1e-4) / Math.cos((tiltAngles[t] * Math.PI) / 180));
}

/**
 * The tomogram of `ts` (thickness sections), each depth slab reconstructed by `sections` from the tilts flipped for
 * its height (on the engine's CPU pool), in place. `ts` must carry a defocus (phaseFlipUnavailable); `sections`
 * reconstructs the slab's nz sections whose middle is zCentre voxels above the tomogram's.
 */
export async function reconstructByDepth(
  engine: EngineContext,
  ts: TiltSeries,
  thickness: number,
  correction: PhaseFlipOptions,
  options: RunOptions,
  sections: (flipped: TiltSeries, slab: DepthSlab, options: RunOptions) => Promise<Tomogram>,
): Promise<Tomogram> {
  const microscope = microscopeOf(ts, correction.microscope);
  const slabs = depthSlabs(thickness, ts.pixelSize, microscope.voltage);
  const tomogram = allocateSlabbedTomogram(ts.nx, ts.ny, thickness, ts.pixelSize, options.pieceBytes);
  // Every slab flips the same stack's size: its frequencies made once.
  const f2 = sharedSquaredFrequencies(ts.nx, ts.ny, ts.pixelSize);
  for (const [j, slab] of slabs.entries()) {
    throwIfAborted(options.signal);
    const stage = `depth slab ${j + 1} of ${slabs.length}`;
    // Each slab's share of the progress: its flip the first half, its FBP the second.
    const [from, half, to] = [j, j + 0.5, j + 1].map((at) => at / slabs.length);
    const onFlip = (done: number, total: number) => options.onProgress?.({ fraction: from + ((half - from) * done) / total, message: `${stage}: phase flipping the tilts (${done} of ${total})` });
    onFlip(0, ts.nTilts);
    const defocus = slabDefocus(ts.defocus as number[], ts.tiltAngles, ts.pixelSize, slab.zCentre);
    // The flipped tilts stay in the pool's shared memory: the slab's FBP reads them there, and nothing else keeps them.
    const { data } = await phaseFlippedData({ ...ts, defocus }, cpuPoolOf(engine), { ...correction, f2, signal: options.signal, onProgress: onFlip });
    placeSections(tomogram, slab.z0, await sections({ ...ts, data }, slab, stageOptions(options, half, to, stage)));
  }
  return tomogram;
}
