/**
 * The work a CPU pool thread can be given: plain data (numbers and typed arrays, the large ones shared), so
 * that a task crosses to a worker thread by postMessage. Each task covers rows [y0, y0 + rows) of its arrays;
 * runTask does the part [r0, r1) of those rows.
 */
import type { RowGeometry } from './projector.ts';
import { backProjectRowOnCpu, forwardProjectRowOnCpu } from './wasmProjector.ts';
import { extractPatchRows, type PatchRows } from './patches.ts';
import { filterRowsInPlace } from './rowFilter.ts';
import { sirtIterationRows, type SirtRows } from './sirt.ts';
import { doseWeightTilts } from '../doseWeighting.ts';
import { phaseFlipTilts, type PhaseFlipGeometry } from '../phaseFlip.ts';
import {
  fscColumnBlocks,
  spectrumColumnBlocks,
  spectrumForwardRows,
  spectrumInverseRows,
  type FscColumnsTask,
  type SpectrumColumnsTask,
  type SpectrumForwardTask,
  type SpectrumInverseTask,
} from './volumeSpectrum.ts';
import { ssimBandRows, type SsimBandsTask } from './ssimBands.ts';
import { decodeChunkBlockRows, type ChunkBlocksTask } from './chunkBlocks.ts';
import { alignSectionRows, type AlignSectionsTask } from './alignSections.ts';

/** Filter detector rows in place (the rows of every tilt, counted together). */
export interface FilterTask {
  kernel: 'filter';
  y0: number;
  rows: number;
  data: Float32Array;
  nx: number;
  response: Float32Array;
}

/** volume rows y ← volume rows y + weight·Aᵀ(tilts rows y); tilts and volume have `ny` rows. */
export interface BackProjectTask {
  kernel: 'backProject';
  y0: number;
  rows: number;
  g: RowGeometry;
  ny: number;
  tilts: Float32Array;
  volume: Float32Array;
  weight: number;
}

/** tilts rows y ← tilts rows y + A(volume rows y). */
export interface ForwardProjectTask {
  kernel: 'forwardProject';
  y0: number;
  rows: number;
  g: RowGeometry;
  ny: number;
  volume: Float32Array;
  tilts: Float32Array;
}

/** One SIRT iteration on rows (sirt.ts). */
export interface SirtTask extends SirtRows {
  kernel: 'sirtIteration';
  y0: number;
  rows: number;
}

/** The local network's patches of grid points [y0, y0 + rows) (patches.ts; here y0 and rows count points). */
export interface PatchesTask extends PatchRows {
  kernel: 'patches';
  y0: number;
  rows: number;
}

/** Dose weight tilts in place (../doseWeighting.ts; here y0 and rows count tilts). */
export interface DoseWeightTask {
  kernel: 'doseWeight';
  y0: number;
  rows: number;
  data: Float32Array;
  nx: number;
  ny: number;
  /** e/Å², every tilt of the stack. */
  exposures: Float64Array;
  /** 1 / (2·Ne(|k|)) at every DFT index of a tilt (shared: it is as large as a tilt, in float64). */
  inverseCritical: Float64Array;
}

/** Phase flip tilts in place (../phaseFlip.ts; here y0 and rows count tilts). */
export interface PhaseFlipTask {
  kernel: 'phaseFlip';
  y0: number;
  rows: number;
  data: Float32Array;
  geometry: PhaseFlipGeometry;
  /** |k|² at every DFT index of a tilt (shared: it is as large as a tilt, in float64). */
  f2: Float64Array;
}

export type CpuTask =
  | FilterTask
  | BackProjectTask
  | ForwardProjectTask
  | SirtTask
  | PatchesTask
  | DoseWeightTask
  | PhaseFlipTask
  | SpectrumForwardTask
  | SpectrumColumnsTask
  | SpectrumInverseTask
  | FscColumnsTask
  | SsimBandsTask
  | ChunkBlocksTask
  | AlignSectionsTask;

export function runTask(task: CpuTask, r0: number, r1: number): void {
  const from = task.y0 + r0;
  const to = task.y0 + r1;
  switch (task.kernel) {
    case 'filter':
      return filterRowsInPlace(task.data, task.nx, task.response, from, to);
    case 'backProject':
      for (let y = from; y < to; y++) backProjectRowOnCpu(task.g, task.tilts, task.ny, y, task.volume, task.ny, y, task.weight);
      return;
    case 'forwardProject':
      for (let y = from; y < to; y++) forwardProjectRowOnCpu(task.g, task.volume, task.ny, y, task.tilts, task.ny, y);
      return;
    case 'sirtIteration':
      return sirtIterationRows(task, from, to);
    case 'patches':
      return extractPatchRows(task, from, to);
    case 'doseWeight':
      return doseWeightTilts(task.data, task.data, task.nx, task.ny, from, to, task.exposures, task.inverseCritical);
    case 'phaseFlip':
      return phaseFlipTilts(task.data, task.geometry, task.f2, from, to);
    case 'spectrumForward':
      return spectrumForwardRows(task, from, to);
    case 'spectrumColumns':
      return spectrumColumnBlocks(task, from, to);
    case 'spectrumInverse':
      return spectrumInverseRows(task, from, to);
    case 'fscColumns':
      return fscColumnBlocks(task, from, to);
    case 'ssimBands':
      return ssimBandRows(task, from, to);
    case 'chunkBlocks':
      return decodeChunkBlockRows(task, from, to);
    case 'alignSections':
      return alignSectionRows(task, from, to);
  }
}
