/**
 * The command's CPU pool (worker threads, one per core) for the work that runs on the CPU whichever engine path
 * is in use: the phase flip beside a GPU engine, decoding an OME-Zarr tomogram's chunks. Made at its first need and
 * shared; its threads start with their first part and hold the process open only while they work.
 */
import { nodePool } from '../engine/cpu/nodePool.ts';
import type { CpuPool } from '../engine/cpu/pool.ts';

let shared: CpuPool | null = null;

export function cliPool(): CpuPool {
  return (shared ??= nodePool());
}
