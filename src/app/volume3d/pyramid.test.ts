import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DISPLAY_VOXELS,
  SOFTWARE_DISPLAY_VOXELS,
  chooseFormat,
  describeTexture,
  displayBudget,
  extractRegion,
  floatToHalf,
  intersectBoxes,
  isSoftwareRenderer,
  overviewRequest,
  planDetail,
  pyramidFactor,
  quantize8,
  regionOfBox,
  toHalfZScores,
  voxelsAtFactor,
  type DeviceLimits,
} from './pyramid.ts';

const gpu: DeviceLimits = { webgl2: true, maxTextureSize: 16384, max3dTextureSize: 2048, renderer: 'ANGLE (NVIDIA)', software: false, deviceMemoryGb: 8 };
const swiftshader: DeviceLimits = { ...gpu, renderer: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)))', software: true };

describe('display budget', () => {
  it('is 256³ on a GPU and 128³ on a software renderer', () => {
    expect(displayBudget(gpu)).toBe(DEFAULT_DISPLAY_VOXELS);
    expect(displayBudget(swiftshader)).toBe(SOFTWARE_DISPLAY_VOXELS);
    expect(isSoftwareRenderer(swiftshader.renderer)).toBe(true);
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer(gpu.renderer)).toBe(false);
  });

  it('shrinks with little device memory', () => {
    expect(displayBudget({ software: false, deviceMemoryGb: 0.5 })).toBeLessThan(DEFAULT_DISPLAY_VOXELS);
    expect(displayBudget({ software: false, deviceMemoryGb: 0.5 })).toBeGreaterThanOrEqual(32 ** 3);
  });
});

describe('overview request', () => {
  it('mirrors the worker: the smallest factor within the budget', () => {
    expect(pyramidFactor([128, 128, 32], 128 ** 3)).toBe(1);
    expect(pyramidFactor([512, 512, 128], 128 ** 3)).toBe(3);
    const { maxVoxels, factor } = overviewRequest([512, 512, 128], swiftshader);
    expect(factor).toBe(3);
    expect(maxVoxels).toBe(voxelsAtFactor([512, 512, 128], 3));
    // The worker picks the same level for that maxVoxels.
    expect(pyramidFactor([512, 512, 128], maxVoxels)).toBe(3);
  });

  it('goes coarser until every side fits the 3-D texture limit', () => {
    const small3d = { ...gpu, max3dTextureSize: 256 };
    const { factor, maxVoxels } = overviewRequest([4096, 300, 10], small3d);
    expect(Math.ceil(4096 / factor)).toBeLessThanOrEqual(256);
    expect(pyramidFactor([4096, 300, 10], maxVoxels)).toBe(factor);
  });
});

describe('full resolution for the clip box', () => {
  it('picks factor 1 when the clip region fits', () => {
    const plan = planDetail([512, 512, 256], { min: [0.25, 0.25, 0], max: [0.5, 0.5, 1] }, gpu, 4);
    expect(plan?.factor).toBe(1);
    expect(plan?.region).toEqual({ start: [128, 128, 0], end: [256, 256, 256] });
    expect(plan?.levelRegion).toEqual(plan?.region);
  });

  it('falls back to a coarser level, aligned to it, when the region is too big', () => {
    const plan = planDetail([1024, 1024, 256], { min: [0, 0, 0], max: [1, 1, 1] }, swiftshader, 8);
    expect(plan).not.toBeNull();
    const f = plan!.factor;
    expect(f).toBeGreaterThan(1);
    const size = plan!.levelRegion.end.map((e, i) => e - plan!.levelRegion.start[i]);
    expect(size[0] * size[1] * size[2]).toBeLessThanOrEqual(4 * SOFTWARE_DISPLAY_VOXELS);
    expect(plan!.region.start.every((s) => s % f === 0)).toBe(true);
  });

  it('never fetches more than the page budget', () => {
    // 1024 × 1024 × 256 floats are 1 GiB: more than 1/16 of 8 GiB, so not at factor 1.
    const plan = planDetail([1024, 1024, 256], { min: [0.25, 0.25, 0], max: [0.3, 0.3, 1] }, gpu, 4);
    expect(plan?.factor).toBe(2);
  });

  it('is null when nothing finer than the overview fits', () => {
    expect(planDetail([128, 128, 32], { min: [0, 0, 0], max: [1, 1, 1] }, gpu, 1)).toBeNull();
  });

  it('regions cover at least one voxel and boxes intersect', () => {
    expect(regionOfBox({ min: [0.5, 0.5, 0.5], max: [0.5, 0.5, 0.5] }, [10, 10, 10])).toEqual({ start: [5, 5, 5], end: [6, 6, 6] });
    expect(intersectBoxes({ min: [0, 0, 0], max: [1, 1, 1] }, { min: [0.2, 0, 0.5], max: [0.4, 2, 0.6] })).toEqual({ min: [0.2, 0, 0.5], max: [0.4, 1, 0.6] });
  });

  it('extracts a block x-fastest', () => {
    const data = Float32Array.from({ length: 4 * 3 * 2 }, (_, i) => i);
    const block = extractRegion(data, [4, 3, 2], { start: [1, 1, 1], end: [3, 3, 2] });
    expect([...block]).toEqual([17, 18, 21, 22]);
  });
});

describe('texture data', () => {
  it('converts to IEEE half floats', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(0.5)).toBe(0x3800);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(1e6)).toBe(0x7c00);
    expect(floatToHalf(2 ** -24)).toBe(0x0001);
    expect(floatToHalf(1e-9)).toBe(0);
    expect(floatToHalf(0.1)).toBe(0x2e66);
  });

  it('stores z-scores as half floats and windows 8-bit', () => {
    const data = Float32Array.from([10, 12, 8]);
    expect([...toHalfZScores(data, 10, 2)]).toEqual([0, 0x3c00, 0xbc00]);
    expect([...quantize8(Float32Array.from([0, 5, 10, 20]), 5, 5, -1, 1)]).toEqual([0, 128, 255, 255]);
  });

  it('chooses and describes the format', () => {
    expect(chooseFormat('auto', 128 ** 3)).toBe('half');
    expect(chooseFormat('auto', 1024 ** 3)).toBe('u8');
    expect(chooseFormat('u8', 10)).toBe('u8');
    expect(describeTexture('u8', 2)).toBe('8-bit, 1/2 resolution');
    expect(describeTexture('half', 1, true)).toBe('half-float, full resolution, clip region');
  });
});
