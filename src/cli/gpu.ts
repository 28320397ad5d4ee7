/**
 * The GPU for the command line: Dawn finds a real GPU when the machine has one; otherwise
 * the process re-executes itself once with Debian chromium's SwiftShader Vulkan driver,
 * whose library path must be set before the process starts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import type { GpuContext } from '../engine/gpu/device.ts';
import { openNodeGpu } from '../engine/gpu/node.ts';

const CHROMIUM_LIB = '/usr/lib/chromium';
const SWIFTSHADER_ICD = `${CHROMIUM_LIB}/vk_swiftshader_icd.json`;
const FALLBACK_FLAG = 'WEDGELAB_SOFTWARE_GPU';

/** Thrown when this process should be replaced by one with the software GPU's environment. */
export class RespawnWithSoftwareGpu extends Error {}

/** GPU device nodes (NVIDIA, or DRM render nodes of AMD/Intel): without any, Dawn can only find SwiftShader. */
export function hasGpuDeviceNode(): boolean {
  if (existsSync('/dev/nvidia0') || existsSync('/dev/dxg')) return true;
  try {
    return readdirSync('/dev/dri').some((name) => name.startsWith('renderD'));
  } catch {
    return process.platform !== 'linux';
  }
}

export async function openCliGpu(): Promise<GpuContext> {
  const canFallBack = process.env[FALLBACK_FLAG] !== '1' && existsSync(SWIFTSHADER_ICD);
  // No GPU at all: go straight to the software driver rather than let Dawn fail noisily first.
  if (canFallBack && !process.env.VK_ICD_FILENAMES && !hasGpuDeviceNode()) throw new RespawnWithSoftwareGpu();
  try {
    return await openNodeGpu();
  } catch (error) {
    if (canFallBack) throw new RespawnWithSoftwareGpu();
    const hint = existsSync(SWIFTSHADER_ICD) ? '' : " (no GPU found, and no software fallback: install Debian's chromium for SwiftShader)";
    throw new Error(`${(error as Error).message}${hint}`, { cause: error });
  }
}

/** Run this same command again with SwiftShader; returns its exit code. */
export function respawnWithSoftwareGpu(): number {
  const env = {
    ...process.env,
    [FALLBACK_FLAG]: '1',
    LD_LIBRARY_PATH: [CHROMIUM_LIB, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    VK_ICD_FILENAMES: SWIFTSHADER_ICD,
  };
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  return child.status ?? 1;
}
