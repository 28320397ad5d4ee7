// The odd/even FSC's two halvings on the CPU path, on a small simulated series. By movie frame, the halves hold
// the same tilts: halves alike (no noise) correlate fully at every frequency, where the halves by tilt differ by
// their sampling; with noise of its own in each half, the curve falls with frequency as the noise takes over. Halves
// reconstructed in pieces give the curve of halves in one array.
import { describe, expect, it } from 'vitest';
import { cpuEngine } from '../context.ts';
import { callerPool } from '../cpu/pool.ts';
import type { RequestOf } from '../methods/registry.ts';
import { addGaussianNoise } from '../sim/noise.ts';
import { simulateTiltSeries } from '../sim/simulate.ts';
import { tiltRange } from '../sim/tiltScheme.ts';
import type { TiltSeries } from '../types.ts';
import type { Half } from './halves.ts';
import { oddEvenFsc } from './oddEven.ts';

const engine = cpuEngine(callerPool());
const fbp: RequestOf<'reconstruction'> = { method: 'fbp', params: { thickness: 16, binning: 1, invertAngles: false, subtractMean: false, doseWeighting: false } };

async function series() {
  return simulateTiltSeries({ phantom: 'mixed', size: [40, 32, 16], tiltAngles: tiltRange(-60, 60, 4), seed: 3, pixelSize: 10 });
}

/** Frame halves that hand out `even` and `odd`, recording each read. */
function frameHalves(even: TiltSeries, odd: TiltSeries, reads: Half[]) {
  return {
    read: async (which: Half) => {
      reads.push(which);
      return which === 'even' ? even : odd;
    },
  };
}


describe('odd/even FSC', () => {
  it('by frame: halves alike correlate fully at every frequency, where halves by tilt do not', async () => {
    const { noiseFree } = await series();
    const half = { ...noiseFree, data: noiseFree.data.map((x) => x / 2) };
    const reads: Half[] = [];
    const byFrame = await oddEvenFsc(engine, frameHalves(half, half, reads), fbp);
    expect(reads).toEqual(['even', 'odd']);
    expect([byFrame.split, byFrame.label]).toEqual(['frames', 'frame-half FSC, FBP (ram-lak, thickness 16, bin 1)']);
    expect(Math.min(...byFrame.fsc)).toBeGreaterThan(0.9999);
    expect(byFrame.res0143).toBeNull();
    const byTilt = await oddEvenFsc(engine, noiseFree, fbp);
    expect(byTilt.split).toBe('tilts');
    expect(byTilt.shells).toEqual(byFrame.shells);
    expect(Math.min(...byTilt.fsc)).toBeLessThan(0.95);
  });

  it('by frame with independent noise in the halves: high at low frequency, near 0 where the noise takes over', async () => {
    const { noiseFree } = await series();
    // Each half: half the noise-free series, and noise of its own (as two sums of different frames have).
    const half = (seed: number): TiltSeries => ({ ...noiseFree, data: addGaussianNoise(noiseFree.data.map((x) => x / 2), -6, seed) });
    const report = await oddEvenFsc(engine, frameHalves(half(11), half(12), []), fbp);
    expect(report.fsc[1]).toBeGreaterThan(0.8);
    expect(Math.max(...report.fsc.slice(-5).map(Math.abs))).toBeLessThan(0.2);
    expect(report.res05).not.toBeNull();
  });

  it('takes halves reconstructed in pieces: the same curve as from halves in one array', async () => {
    const { tiltSeries } = await series();
    const whole = await oddEvenFsc(engine, tiltSeries, fbp);
    // Pieces of 5 rows (40 × 16 float32 voxels a row) of the 32.
    const pieced = await oddEvenFsc(engine, tiltSeries, fbp, { pieceBytes: 5 * 40 * 16 * 4 });
    expect(pieced.fsc).toEqual(whole.fsc);
    expect(whole.fsc[1]).toBeGreaterThan(0.5);
  });

  it('reads nothing once cancelled', async () => {
    const { noiseFree } = await series();
    const reads: Half[] = [];
    const controller = new AbortController();
    controller.abort();
    await expect(oddEvenFsc(engine, frameHalves(noiseFree, noiseFree, reads), fbp, { signal: controller.signal })).rejects.toThrow();
    expect(reads).toEqual([]);
  });
});
