import { describe, expect, it } from 'vitest';
import { binnedStackBytes, suggestBinning } from './loadBinning.ts';

const GIB = 2 ** 30;
const k3 = { nx: 4096, ny: 4096, nz: 61 }; // 4 GiB as float32

describe('suggestBinning', () => {
  it('float32 bytes of the binned stack, edge pixels dropped', () => {
    expect(binnedStackBytes(k3, 1)).toBe(4 * 4096 * 4096 * 61);
    expect(binnedStackBytes(k3, 4)).toBe(4 * 1024 * 1024 * 61);
    expect(binnedStackBytes({ nx: 37, ny: 29, nz: 3 }, 8)).toBe(4 * 4 * 3 * 3);
  });

  it('the smallest binning within a quarter of the device memory and the GPU’s largest buffer', () => {
    // 8 GiB device: 2 GiB budget; a 4 GiB stack needs bin 2 (1 GiB).
    expect(suggestBinning(k3, { deviceMemoryGiB: 8, maxBufferSize: 4 * GIB })).toBe(2);
    // A 256 MiB buffer (WebGPU's default limit): bin 4 (244 MiB) is the first that fits.
    expect(suggestBinning(k3, { deviceMemoryGiB: 8, maxBufferSize: 256 * 2 ** 20 })).toBe(4);
    // 2 GiB device: 512 MiB budget.
    expect(suggestBinning(k3, { deviceMemoryGiB: 2 })).toBe(4);
    // Unknown memory: 2 GiB, what one ArrayBuffer holds in Chrome.
    expect(suggestBinning(k3, {})).toBe(2);
    // A small stack loads as stored; nothing fits: 8.
    expect(suggestBinning({ nx: 64, ny: 64, nz: 21 }, { deviceMemoryGiB: 1, maxBufferSize: 2 ** 20 })).toBe(1);
    expect(suggestBinning({ nx: 65536, ny: 65536, nz: 200 }, { deviceMemoryGiB: 1 })).toBe(8);
  });
});
