/**
 * SIRT on the GPU: x ← x + λ·C·Aᵀ·R·(b − A·x) from x = 0, with R the row weights of ./weights.ts and C one over the
 * column sums of the rays that meet the tomogram. Rows are independent, so each slab runs all of its iterations on
 * its own; the residual per iteration, over the rays that meet the tomogram, is summed over the slabs done.
 */
import { readFloats, storageBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import { assertDeviceAlive, type GpuContext } from '../../gpu/device.ts';
import { SlabProjector, type SlabShape } from '../../gpu/kernels/projector.ts';
import { GpuScope, withGpuScope } from '../../gpu/scope.ts';
import { ElementwiseOp } from './ops.ts';
import { doseWeightOnDevice } from '../../doseWeightingGpu.ts';
import { tiltTrig, type Slab } from '../../geometry.ts';
import { untilAborted, type TiltSeries } from '../../types.ts';
import type { Tomogram } from '../../../io/piecedVolume.ts';
import type { ReconstructionRunner } from '../runner.ts';
import { allocateSlabbedTomogram, forEachSlab, planSlabsForDevice, placeSlabVolume, slabTilts, type RunOptions } from '../slabs.ts';
import type { SirtParams } from './base.ts';
import { sirtRowWeights } from './weights.ts';
import { reconstructSirtCpu } from './cpu.ts';

export interface SirtResult {
  /** In pieces when larger than options.pieceBytes. */
  volume: Tomogram;
  /** ‖b − A·x‖/‖b‖ after each iteration, over the whole tomogram. */
  residuals: number[];
}

function sumOf(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum;
}

/** Buffers and bound operations for one slab. */
class SirtSlab {
  private readonly scope = new GpuScope();
  readonly x: GPUBuffer;
  private readonly forward: SlabProjector;
  private readonly backward: SlabProjector;
  private readonly residual: ElementwiseOp;
  private readonly update: ElementwiseOp;

  constructor(private readonly gpu: GpuContext, shape: SlabShape, trig: GPUBuffer, tilts: Float32Array, weights: Float32Array, params: SirtParams) {
    const voxels = shape.nx * shape.ny * shape.nz;
    const pixels = shape.nDet * shape.ny * shape.nTilts;
    const keep = <T extends { destroy(): void }>(r: T): T => this.scope.own(r);
    const b = keep(uploadBuffer(gpu, tilts, 'sirt.b'));
    const projection = keep(storageBuffer(gpu, pixels * 4, 'sirt.Ax'));
    const rowWeights = keep(uploadBuffer(gpu, weights, 'sirt.R'));
    const columnWeights = keep(storageBuffer(gpu, voxels * 4, 'sirt.C'));
    const gradient = keep(storageBuffer(gpu, voxels * 4, 'sirt.g'));
    this.x = keep(storageBuffer(gpu, voxels * 4, 'sirt.x'));
    const projector = (t: GPUBuffer, v: GPUBuffer) => keep(new SlabProjector(gpu, shape, trig, t, v));
    this.forward = projector(projection, this.x);
    this.backward = projector(projection, gradient);
    this.residual = keep(new ElementwiseOp(gpu, 'residual', pixels, { a: projection, b, c: rowWeights }));
    this.update = keep(new ElementwiseOp(gpu, 'update', voxels, { a: this.x, b: gradient, c: columnWeights }, params));

    // C = 1/(Aᵀ·m), m = 1 on the rays that meet the tomogram (R > 0), back-projected by the projector itself.
    gpu.device.queue.writeBuffer(projection, 0, weights.map((w) => (w > 0 ? 1 : 0)));
    const encoder = gpu.device.createCommandEncoder({ label: 'sirt.weights' });
    projector(projection, columnWeights).encodeBackProject(encoder);
    keep(new ElementwiseOp(gpu, 'reciprocal', voxels, { a: columnWeights })).encode(encoder);
    gpu.device.queue.submit([encoder.finish()]);
  }

  /** Forward-project x and form R·(b − A·x); returns ‖b − A·x‖². With `step`, also update x. */
  async iterate(step: boolean): Promise<number> {
    const encoder = this.gpu.device.createCommandEncoder({ label: 'sirt.iteration' });
    this.forward.encodeForwardProject(encoder);
    this.residual.encode(encoder);
    if (step) {
      this.backward.encodeBackProject(encoder);
      this.update.encode(encoder);
    }
    this.gpu.device.queue.submit([encoder.finish()]);
    return sumOf(await readFloats(this.gpu, this.residual.partials, this.residual.partialCount));
  }

  destroy(): void {
    this.scope.dispose();
  }
}

/** SIRT of an already binned tilt series, dose weighted first when params ask. */
export async function reconstructSirt(gpu: GpuContext, tiltSeries: TiltSeries, params: SirtParams, options: RunOptions = {}): Promise<SirtResult> {
  if (params.doseWeighting) options.onProgress?.({ fraction: 0, message: 'SIRT: dose weighting the tilts' });
  const ts = params.doseWeighting ? await doseWeightOnDevice(gpu, tiltSeries, options.signal) : tiltSeries;
  const { nx, ny, nTilts } = ts;
  const nz = params.thickness;
  const K = params.iterations;
  const tiltBytes = nTilts * nx * 4;
  const volumeBytes = nx * nz * 4;
  const slabs = planSlabsForDevice(gpu, ny, 3 * tiltBytes + 4 * volumeBytes, Math.max(tiltBytes, volumeBytes), options.memoryBudgetBytes);
  const volume = allocateSlabbedTomogram(nx, ny, nz, ts.pixelSize, options.pieceBytes);
  // Squared residuals per iteration over the slabs done, and over the slab in progress.
  const done = new Float64Array(K);
  const current = new Float64Array(K);
  let normDone = 0;
  let normCurrent = 0;
  /** ‖b − A·x‖/‖b‖ over the rows seen so far: iterations done in this slab include it, later ones only earlier slabs. */
  const curve = (itDone: number): number[] =>
    Array.from(done, (r, j) => (j < itDone ? Math.sqrt((r + current[j]) / (normDone + normCurrent || 1)) : Math.sqrt(r / (normDone || 1)))).slice(
      0,
      normDone > 0 ? K : itDone,
    );
  const report = (index: number, it: number, slab: Slab) => {
    const rows = `rows ${slab.y0}–${slab.y0 + slab.ny - 1} of ${ny}`;
    options.onProgress?.({ fraction: (index + it / K) / slabs.length, message: `SIRT: iteration ${it}/${K}, ${rows}`, residuals: curve(it) });
  };
  await withGpuScope(async (run) => {
    const trig = run.own(uploadBuffer(gpu, tiltTrig(ts.tiltAngles, params.invertAngles), 'sirt.trig'));
    await forEachSlab(gpu, slabs, options.signal, async (slab, index, scope) => {
      const tilts = slabTilts(ts, slab);
      const weights = sirtRowWeights(ts.tiltAngles, nx, slab.ny, nz, params.textbookWeights);
      normCurrent = 0;
      current.fill(0);
      tilts.forEach((v, i) => (normCurrent += weights[i] > 0 ? v * v : 0));
      const state = scope.own(new SirtSlab(gpu, { nx, ny: slab.ny, nz, nTilts, nDet: nx }, trig, tilts, weights, params));
      await untilAborted(state.iterate(true), options.signal); // x₀ = 0: the first residual is ‖b‖, known already
      for (let it = 1; it <= K; it++) {
        assertDeviceAlive(gpu);
        current[it - 1] = await untilAborted(state.iterate(it < K), options.signal);
        report(index, it, slab);
      }
      placeSlabVolume(volume, slab, await readFloats(gpu, state.x, nx * slab.ny * nz));
      for (let j = 0; j < K; j++) done[j] += current[j];
      normDone += normCurrent;
      normCurrent = 0;
      current.fill(0);
    });
  });
  return { volume, residuals: curve(K) };
}

export const SIRT_RUNNER: ReconstructionRunner<SirtParams, never> = {
  run: (engine, ts, params, options) => (engine.path === 'gpu' ? reconstructSirt(engine.gpu, ts, params, options) : reconstructSirtCpu(engine.pool, ts, params, options)),
};
