import { describe, expect, it } from 'vitest';
import { browserBudget, machineBudget, outOfMemory, pageDefaultBinning, pageTomogramProblem, tomogramMemoryProblem } from './memoryBudget.ts';

const GIB = 2 ** 30;

describe('memory budget of a tomogram', () => {
  it('lets a tomogram up to the share through and refuses one voxel more, naming its size and the memory', () => {
    const budget = machineBudget(16 * GIB); // 12 GiB: 3 × 2^30 float32 voxels
    expect(tomogramMemoryProblem({ nx: 1024, ny: 1024, nz: 3072 }, budget)).toBeNull();
    expect(tomogramMemoryProblem({ nx: 1024, ny: 1024, nz: 3073 }, budget)).toBe("a 1024 × 1024 × 3073 tomogram is 12.00 GiB of float32, more than 75 % of this machine's 16.00 GiB of memory");
    expect(tomogramMemoryProblem({ nx: 1024, ny: 1024, nz: 1537 }, budget, 2)).toBe("a 1024 × 1024 × 1537 tomogram and its result are 12.01 GiB of float32, more than 75 % of this machine's 16.00 GiB of memory");
  });

  it("gives the page a quarter of the memory the browser reports, or of 8 GiB where it does not say", () => {
    expect(browserBudget(16)).toEqual({ memoryBytes: 16 * GIB, share: 0.25, described: 'the 16.00 GiB of memory this browser reports' });
    expect(browserBudget(undefined)).toEqual({ memoryBytes: 8 * GIB, share: 0.25, described: 'the 8.00 GiB of memory assumed where the browser does not say' });
  });

  it("refuses in the form's words a reconstruction whose binned tomogram is past the page's share", () => {
    // 2048 × 2048 at bin 1: 256 deep is 4 GiB (a quarter of 16 GiB, the measured case that ran); 512 deep, 8 GiB, failed.
    expect(pageTomogramProblem({ nx: 2048, ny: 2048 }, { binning: 1, thickness: 256 }, 16)).toBeNull();
    expect(pageTomogramProblem({ nx: 2048, ny: 2048 }, { binning: 1, thickness: 512 }, 16)).toBe(
      'A 2048 × 2048 × 512 tomogram is 8.00 GiB of float32, more than 25 % of the 16.00 GiB of memory this browser reports: raise Binning (2 makes it a quarter) or lower Thickness',
    );
    expect(pageTomogramProblem({ nx: 2049, ny: 2048 }, { binning: 2, thickness: 512 }, 16)).toBeNull(); // 1024 × 1024 × 512
  });

  it('opens a series at the smallest power-of-two Binning whose default tomogram (a quarter of the binned width deep) fits, saying why', () => {
    expect(pageDefaultBinning({ nx: 1024, ny: 1024 }, 16)).toEqual({ binning: 1, thickness: 256, why: null });
    // 2048 × 2048 × 512 (8 GiB) is past 4 GiB; 1024 × 1024 × 256 is 1 GiB.
    expect(pageDefaultBinning({ nx: 2048, ny: 2048 }, 16)).toEqual({
      binning: 2,
      thickness: 256,
      why: 'Binning 2 by default: at 1, a 2048 × 2048 × 512 tomogram is 8.00 GiB of float32, more than 25 % of the 16.00 GiB of memory this browser reports',
    });
    // At bin 2 (2048 × 2048 × 512, 8 GiB) still too large; at 4, 1 GiB. A quarter of an assumed 8 GiB: 2 GiB.
    expect(pageDefaultBinning({ nx: 4096, ny: 4096 }, 16)).toMatchObject({ binning: 4, thickness: 256 });
    expect(pageDefaultBinning({ nx: 2048, ny: 2048 }, undefined)).toMatchObject({ binning: 2, thickness: 256 });
    // The form's largest Binning is where it stops, fitting or not.
    expect(pageDefaultBinning({ nx: 2 ** 20, ny: 2 ** 20 }, 16)).toMatchObject({ binning: 16, thickness: 16384 });
  });

  it("says an allocation that failed partway as memory, with what to do, and leaves any other error as it is", () => {
    const failed = new RangeError('Array buffer allocation failed');
    const said = outOfMemory(failed) as Error;
    expect(said.message).toBe('out of memory (Array buffer allocation failed): delete results you no longer need, or work binned or thinner (Binning, Thickness)');
    expect(said.cause).toBe(failed);
    const other = new RangeError('Invalid array length');
    expect(outOfMemory(other)).toBe(other);
  });
});
