/**
 * Unsupervised coordinate-network reconstruction (docs/background.md#coordinate-network): a SIREN maps voxel
 * coordinates to density and is fitted so that the forward projection of its voxel grid matches
 * the measured tilts (L1, optional TV). Slabs of rows along the tilt axis each get their own
 * network, initialised from the previous slab's trained weights; Adam, log-linear lr decay.
 *
 * The tilts are scaled to about [0, 1] by one affine map for the whole stack, (b − lo)/(hi − lo)
 * with lo, hi its 0.1 and 99.9 percentiles; the offset lo is dropped (no finite slab can
 * project to a constant), the volume is multiplied back by hi − lo at the end.
 * Coordinates run over [0, 1] per axis in each slab: x/(nx − 1), row/(slabRows − 1), z/(nz − 1).
 * A cancelled run throws CancelledError, like SIRT; the slabs it finished were already handed to
 * RunOptions.onSlabDone, so a caller can keep them.
 */
import { readFloats, storageBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import { assertDeviceAlive, type GpuContext } from '../../gpu/device.ts';
import { GpuScope, withGpuScope } from '../../gpu/scope.ts';
import { LossOp } from './l1tv.ts';
import { SlabProjector } from '../../gpu/kernels/projector.ts';
import { SirenNetwork, sirenChunkVoxels } from './siren.ts';
import { planSlabs, tiltTrig } from '../../geometry.ts';
import { initSiren, type SirenGrid, type SirenShape } from './network.ts';
import { untilAborted, type TiltSeries } from '../../types.ts';
import type { Tomogram } from '../../../io/piecedVolume.ts';
import { percentiles } from '../../volume.ts';
import { requireGpu } from '../../context.ts';
import type { ReconstructionRunner } from '../runner.ts';
import type { CoordnetParams } from './base.ts';
import { allocateSlabbedTomogram, DEFAULT_MEMORY_BUDGET, forEachSlab, placeSlabVolume, slabTilts, type RunOptions } from '../slabs.ts';

export interface CoordnetResult {
  /** In pieces when larger than RunOptions.pieceBytes: each slab is placed into the pieces that hold its rows. */
  volume: Tomogram;
  /** Loss (mean |A·x − b| on the scaled tilts, plus TV) before every step, all slabs in turn. */
  losses: number[];
}

/** The one affine map of the whole stack to about [0, 1]: b ↦ (b − offset)/scale. */
export function tiltScaling(data: Float32Array): { offset: number; scale: number } {
  const [offset, top] = percentiles(data, [0.1, 99.9]);
  const range = top - offset;
  return { offset, scale: range > 0 ? range : Math.max(1e-30, Math.abs(offset)) };
}

function sum(values: Float32Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s;
}

/** Buffers and bound operations for one slab: network → grid → projection → loss → gradient → Adam. */
export class CoordnetSlab {
  readonly network: SirenNetwork;
  private readonly scope = new GpuScope();
  private readonly volume: GPUBuffer;
  private readonly forward: SlabProjector;
  private readonly backward: SlabProjector;
  private readonly l1: LossOp;
  private readonly tv?: LossOp;
  readonly voxels: number;
  readonly pixels: number;

  /** `tilts`: the slab's scaled [tilt][row][x] data; `trig`: (cos, sin) per tilt. */
  constructor(
    private readonly gpu: GpuContext,
    shape: SirenShape,
    grid: SirenGrid,
    trig: GPUBuffer,
    tilts: Float32Array,
    nTilts: number,
    tv: number,
    chunkVoxels: number,
  ) {
    const keep = <R extends { destroy(): void }>(r: R): R => this.scope.own(r);
    const { nx, ny, nz } = grid;
    this.voxels = nx * ny * nz;
    const pixels = (this.pixels = nx * ny * nTilts);
    const b = keep(uploadBuffer(gpu, tilts, 'coordnet.b'));
    const projection = keep(storageBuffer(gpu, pixels * 4, 'coordnet.Ax'));
    this.volume = keep(storageBuffer(gpu, this.voxels * 4, 'coordnet.x'));
    const gVolume = keep(storageBuffer(gpu, this.voxels * 4, 'coordnet.dL/dx'));
    const shapeOf = { nx, ny, nz, nTilts, nDet: nx };
    this.forward = keep(new SlabProjector(gpu, shapeOf, trig, projection, this.volume));
    this.backward = keep(new SlabProjector(gpu, shapeOf, trig, projection, gVolume));
    this.l1 = keep(new LossOp(gpu, 'l1Residual', grid, projection, b, pixels, 1 / pixels));
    if (tv > 0) this.tv = keep(new LossOp(gpu, 'tvGradient', grid, gVolume, this.volume, this.voxels, tv / this.voxels));
    this.network = keep(new SirenNetwork(gpu, shape, grid, this.volume, gVolume, chunkVoxels));
  }

  /** One Adam step (number t ≥ 1) at learning rate lr; returns the loss before it. */
  async step(lr: number, t: number): Promise<number> {
    const encoder = this.gpu.device.createCommandEncoder({ label: 'coordnet.step' });
    this.network.encodeForward(encoder);
    this.forward.encodeForwardProject(encoder);
    this.l1.encode(encoder);
    this.backward.encodeBackProject(encoder);
    this.tv?.encode(encoder);
    this.network.encodeBackward(encoder);
    this.network.encodeAdam(encoder, lr, t);
    this.gpu.device.queue.submit([encoder.finish()]);
    const [l1, tv] = await Promise.all([this.l1, this.tv].map((op) => (op ? readFloats(this.gpu, op.partials, op.partialCount) : null)));
    return sum(l1!) / this.pixels + (tv ? sum(tv) : 0);
  }

  /** The voxel grid of the latest step's forward pass, [z][row][x]. */
  latest(): Promise<Float32Array> {
    return readFloats(this.gpu, this.volume, this.voxels);
  }

  /** The network's voxel grid, [z][row][x]. */
  async evaluate(): Promise<Float32Array> {
    const encoder = this.gpu.device.createCommandEncoder({ label: 'coordnet.evaluate' });
    this.network.encodeForward(encoder);
    this.gpu.device.queue.submit([encoder.finish()]);
    return readFloats(this.gpu, this.volume, this.voxels);
  }

  destroy(): void {
    this.scope.dispose();
  }
}

/** Voxels per network chunk for a slab: what the memory budget leaves after the slab's tilts and grids. */
export function slabChunkVoxels(gpu: GpuContext, shape: SirenShape, grid: SirenGrid, nTilts: number, budgetBytes: number): number {
  const pixels = grid.nx * grid.ny * nTilts;
  const voxels = grid.nx * grid.ny * grid.nz;
  return sirenChunkVoxels(gpu, shape, voxels, Math.max(budgetBytes - 4 * (2 * pixels + 2 * voxels), 0));
}

/** lr at step s of `steps`, from lr[0] to lr[1] log-linearly. */
export function learningRate(lr: [number, number], s: number, steps: number): number {
  return lr[0] * (lr[1] / lr[0]) ** (steps > 1 ? s / (steps - 1) : 0);
}

/** Every how many steps the live XZ section of the slab is read back. */
const PREVIEW_EVERY = 50;

/** XZ section at the slab's middle row of a [z][row][x] grid, times `scale`. */
function slabSection(grid: Float32Array, nx: number, rows: number, nz: number, scale: number): Float32Array {
  const row = Math.floor(rows / 2);
  const out = new Float32Array(nx * nz);
  for (let z = 0; z < nz; z++) {
    for (let x = 0; x < nx; x++) out[x + nx * z] = grid[x + nx * (row + rows * z)] * scale;
  }
  return out;
}

function formatSeconds(s: number): string {
  return s >= 90 ? `${Math.round(s / 60)} min` : `${Math.round(s)} s`;
}

export async function reconstructCoordnet(gpu: GpuContext, ts: TiltSeries, params: CoordnetParams, options: RunOptions = {}): Promise<CoordnetResult> {
  const { nx, ny, nTilts } = ts;
  const nz = params.thickness;
  const shape: SirenShape = { width: params.width, layers: params.layers, omega0: params.omega0 };
  const slabs = planSlabs(ny, Math.min(params.slabRows, ny));
  const { offset, scale } = tiltScaling(ts.data);
  const volume = allocateSlabbedTomogram(nx, ny, nz, ts.pixelSize, options.pieceBytes);
  const losses: number[] = [];
  const totalSteps = params.stepsFirst + (slabs.length - 1) * params.stepsNext;
  const budget = options.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET;
  const started = performance.now();
  let stepsDone = 0;
  let theta = initSiren(shape, params.seed);
  await withGpuScope(async (run) => {
    const trig = run.own(uploadBuffer(gpu, tiltTrig(ts.tiltAngles, params.invertAngles), 'coordnet.trig'));
    // Slabs run in turn, each from the previous one's trained weights.
    await forEachSlab(gpu, slabs, options.signal, async (slab, index, scope) => {
      const steps = index === 0 ? params.stepsFirst : params.stepsNext;
      const lr = index === 0 ? params.lrFirst : params.lrNext;
      const tilts = slabTilts(ts, slab);
      for (let i = 0; i < tilts.length; i++) tilts[i] = (tilts[i] - offset) / scale;
      const grid: SirenGrid = { nx, ny: slab.ny, nz, rowStep: 1 / Math.max(1, params.slabRows - 1) };
      const chunk = slabChunkVoxels(gpu, shape, grid, nTilts, budget);
      const state = scope.own(new CoordnetSlab(gpu, shape, grid, trig, tilts, nTilts, params.tv, chunk));
      state.network.load(theta);
      for (let s = 0; s < steps; s++) {
        assertDeviceAlive(gpu);
        losses.push(await untilAborted(state.step(learningRate(lr, s, steps), s + 1), options.signal));
        stepsDone++;
        if (options.onProgress && (s % 10 === 9 || s === steps - 1)) {
          const elapsed = (performance.now() - started) / 1000;
          const eta = (elapsed / stepsDone) * (totalSteps - stepsDone);
          const preview =
            s % PREVIEW_EVERY === PREVIEW_EVERY - 1 || s === steps - 1
              ? { row: slab.y0 + Math.floor(slab.ny / 2), nx, nz, data: slabSection(await untilAborted(state.latest(), options.signal), nx, slab.ny, nz, scale) }
              : undefined;
          options.onProgress({
            fraction: stepsDone / totalSteps,
            message: `Coordinate network: slab ${index + 1}/${slabs.length}, step ${s + 1}/${steps}, loss ${losses.at(-1)!.toPrecision(3)}, about ${formatSeconds(eta)} left`,
            loss: losses.slice(),
            preview,
          });
        }
      }
      theta = await readFloats(gpu, state.network.theta, state.network.count);
      const values = await untilAborted(state.evaluate(), options.signal);
      for (let i = 0; i < values.length; i++) values[i] *= scale;
      placeSlabVolume(volume, slab, values);
      options.onSlabDone?.(volume, slab.y0 + slab.ny);
    });
  });
  return { volume, losses };
}

export const COORDNET_RUNNER: ReconstructionRunner<CoordnetParams, never> = {
  async run(engine, ts, params, options) {
    const { volume, losses } = await reconstructCoordnet(requireGpu(engine, 'The coordinate network'), ts, params, options);
    return { volume, loss: losses };
  },
};
