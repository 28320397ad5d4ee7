// The FBP hand-over and the FSC smoothing (fbpHandover.ts): the CPU filters against a direct DFT with the weight
// written out from docs/localnet.md#fbp-hand-over and #smoothing-that-follows-the-fsc, the combination's spectrum,
// and the whole method with the hand-over (and smoothing) on the GPU path (Dawn) against the CPU path. The GPU
// filter against the CPU one is in the kernel suite (../../checks/kernelChecks.ts).
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { relativeError } from '../../checks/kernelChecks.ts';
import { cpuEngine, gpuEngine, type EngineContext } from '../../context.ts';
import { nodePool } from '../../cpu/nodePool.ts';
import { callerPool } from '../../cpu/pool.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import { Rng } from '../../sim/random.ts';
import type { Progress, TiltSeries, Volume } from '../../types.ts';
import { isPieced, wholeVolume } from '../../../io/piecedVolume.ts';
import { slabVolume, type RunOptions } from '../slabs.ts';
import type { ModelLibrary } from '../../onnx/library.ts';
import { combineHandover, fscWeights, radialFilterCpu } from './fbpHandover.ts';
import { fbpAndFscWeights, LOCALNET_RUNNER } from './run.ts';
import { FBP } from '../fbp/base.ts';
import { reconstructFbpCpu } from '../fbp/cpu.ts';
import { handoverProblem, LOCALNET } from './base.ts';

function randomVolume(nx: number, ny: number, nz: number, seed: number): Volume {
  const rng = new Rng(seed);
  return { nx, ny, nz, pixelSize: 1, data: Float32Array.from({ length: nx * ny * nz }, () => rng.normal()) };
}

const fftfreq = (j: number, n: number) => (2 * j < n ? j / n : (j - n) / n);

/** A radial weight as the docs state it: a raised cosine's fbpBelow, or per-shell weights, floored by a Gaussian of floorSigma voxels when given. */
type DocRadial = number | { shells: Float32Array; nMax: number; floorSigma?: number };

/**
 * W(k) as the docs state it: measured side of the cone [θmin, θmax] (kx = kz = 0 measured; every direction when
 * thetaMin is null), times a raised cosine of |k| from 2/3 to 4/3 of fbpBelow, or the weight of |k|'s shell
 * round(|k|·n_max) (the last one beyond), at least exp(−2π²σ²|k|²) with a floor σ.
 */
function docWeight(kx: number, ky: number, kz: number, thetaMin: number | null, thetaMax: number, radial: DocRadial): number {
  if (thetaMin !== null && (kx !== 0 || kz !== 0)) {
    let phi = (Math.atan2(kz, kx) * 180) / Math.PI;
    if (phi > 90) phi -= 180;
    if (phi <= -90) phi += 180;
    if (phi < thetaMin || phi > thetaMax) return 0;
  }
  const f = Math.hypot(kx, ky, kz);
  if (typeof radial === 'object') {
    const shell = radial.shells[Math.min(Math.round(f * radial.nMax), radial.shells.length - 1)];
    return radial.floorSigma === undefined ? shell : Math.max(shell, Math.exp(-2 * Math.PI ** 2 * radial.floorSigma ** 2 * f * f));
  }
  const t = Math.min(1, Math.max(0, (f - (2 / 3) * radial) / ((2 / 3) * radial)));
  return 0.5 * (1 + Math.cos(Math.PI * t));
}

/** Direct DFT (O(N²), float64): the spectrum of a real volume as [re, im] per frequency index. */
function directDft(v: Volume): { re: Float64Array; im: Float64Array } {
  const { nx, ny, nz, data } = v;
  const n = nx * ny * nz;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    const [a, b, c] = [q % nx, Math.floor(q / nx) % ny, Math.floor(q / (nx * ny))];
    for (let p = 0; p < n; p++) {
      const [x, y, z] = [p % nx, Math.floor(p / nx) % ny, Math.floor(p / (nx * ny))];
      const phase = -2 * Math.PI * ((a * x) / nx + (b * y) / ny + (c * z) / nz);
      re[q] += data[p] * Math.cos(phase);
      im[q] += data[p] * Math.sin(phase);
    }
  }
  return { re, im };
}

/** The inverse of directDft of W·V: the low-passed volume. */
function directLowPass(v: Volume, thetaMin: number | null, thetaMax: number, radial: DocRadial): Float64Array {
  const { nx, ny, nz } = v;
  const n = nx * ny * nz;
  const { re, im } = directDft(v);
  const out = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    const [a, b, c] = [q % nx, Math.floor(q / nx) % ny, Math.floor(q / (nx * ny))];
    const w = docWeight(fftfreq(a, nx), fftfreq(b, ny), fftfreq(c, nz), thetaMin, thetaMax, radial);
    if (w === 0) continue;
    for (let p = 0; p < n; p++) {
      const [x, y, z] = [p % nx, Math.floor(p / nx) % ny, Math.floor(p / (nx * ny))];
      const phase = 2 * Math.PI * ((a * x) / nx + (b * y) / ny + (c * z) / nz);
      out[p] += (w * (re[q] * Math.cos(phase) - im[q] * Math.sin(phase))) / n;
    }
  }
  return out;
}

// The tiny wavelet model (a random network of the interface), for the whole method.
const TINY_WAVELET: ModelLibrary = { load: async () => readFileSync(new URL('../../../../models/tiny/tiny_wavelet.onnx', import.meta.url)) };

// Irregular angles within ±57°: no cone edge falls exactly on a grid direction, so f32 and f64 agree on the mask.
const ANGLES = [-57, -41, -22, -5, 9, 30, 48, 56];

const threads = nodePool(2);
afterAll(() => threads.close());

describe('FBP hand-over of the lowest measured frequencies', () => {
  it('the CPU low-pass is the direct DFT times the documented weight', () => {
    const v = randomVolume(9, 6, 5, 1);
    for (const fbpBelow of [0.15, 0.3]) {
      const expected = directLowPass(v, -57, 56, fbpBelow);
      expect(relativeError(radialFilterCpu(v, ANGLES, { below: fbpBelow }), expected)).toBeLessThan(1e-6);
    }
  });

  it('the CPU low-pass with per-shell weights is the direct DFT times the documented weight', () => {
    // 8 × 6 × 5: no |k|·8 is a half-integer, so rounding needs no tie rule here.
    const v = randomVolume(8, 6, 5, 7);
    const rng = new Rng(8);
    const shells = Float32Array.from({ length: 5 }, () => rng.uniform(0, 1));
    expect(relativeError(radialFilterCpu(v, ANGLES, { shells }), directLowPass(v, -57, 56, { shells, nMax: 8 }))).toBeLessThan(1e-6);
  });

  it('the CPU FSC smoothing is the direct DFT times the per-shell weight floored by the Gaussian, on every direction', () => {
    const v = randomVolume(8, 6, 5, 9);
    const rng = new Rng(10);
    const shells = Float32Array.from({ length: 5 }, () => rng.uniform(0, 1));
    const expected = directLowPass(v, null, 0, { shells, nMax: 8, floorSigma: 0.9 });
    expect(relativeError(radialFilterCpu(v, null, { shells, floorSigma: 0.9 }), expected)).toBeLessThan(1e-6);
    // All shells at 1 (clean data): nothing is smoothed.
    expect(relativeError(radialFilterCpu(v, null, { shells: new Float32Array(5).fill(1), floorSigma: 2 }), v.data)).toBeLessThan(1e-6);
  });

  it('smooths where the FSC is low only after the FSC-weighted hand-over, with σ in range', () => {
    const params = LOCALNET.defaults({ nx: 16 }, { fbpFsc: true, fscSigma: 0.75 });
    expect(() => LOCALNET.validate(params)).not.toThrow();
    expect(() => LOCALNET.validate({ ...params, fbpFsc: false })).toThrow(
      'smoothing where the FSC is low (σ 0.75 voxels) takes its weights from the FSC-weighted hand-over to FBP: turn that on too, or set σ to 0',
    );
    for (const fscSigma of [-0.5, 4.5, Number.NaN]) expect(() => LOCALNET.validate({ ...params, fscSigma })).toThrow(`the smoothing's σ must be in [0, 4] voxels, 0 for none (got ${fscSigma})`);
    expect(LOCALNET.paramText(params)).toContain('FBP by odd/even FSC, σ 0.75 where the FSC is low');
  });

  it('takes one hand-over at a time', () => {
    const params = LOCALNET.defaults({ nx: 16 }, { fbpFsc: true, fbpBelow: 0.1 });
    expect(() => LOCALNET.validate(params)).toThrow('the FSC-weighted hand-over to FBP replaces the one below a fixed frequency: use one of them (FBP below 0.1 cycles/voxel was given too)');
    expect(() => LOCALNET.validate({ ...params, fbpBelow: 0 })).not.toThrow();
  });

  it('says before any work why a hand-over could not finish: too few tilts for two halves', () => {
    const fsc = { fbpBelow: 0, fbpFsc: true };
    const below = { fbpBelow: 0.15, fbpFsc: false };
    expect(handoverProblem(fsc, { nTilts: 41 })).toBeNull();
    expect(handoverProblem(fsc, { nTilts: 5 })).toBe('FSC-weighted hand-over to FBP needs at least 6 tilts (this series has 5)');
    // The fixed-frequency hand-over needs no halves, and no hand-over needs nothing.
    expect(handoverProblem(below, { nTilts: 5 })).toBeNull();
    expect(handoverProblem({ ...fsc, fbpFsc: false }, { nTilts: 5 })).toBeNull();
  });

  it('weights each shell by 2F/(1 + F) of the odd/even FSC, clipped to [0, 1], and the mean (shell 0) by 0', () => {
    expect(Array.from(fscWeights([1, 1, 1 / 3, 0, -0.4, -1, Number.NaN]))).toEqual([0, 1, 0.5, 0, 0, 0, 0]);
  });

  it('keeps the missing side and the high frequencies of the model, and takes a·FBP on the low measured side', () => {
    const [model, fbp] = [randomVolume(10, 6, 8, 2), randomVolume(10, 6, 8, 3)];
    const fbpBelow = 0.3;
    const weight = { below: fbpBelow };
    const low = (v: Volume) => ({ ...v, data: radialFilterCpu(v, ANGLES, weight) });
    const lowFbp = low(fbp);
    const combined = combineHandover(model, lowFbp, low(model), fbp);
    const { scale } = combined;
    const data = wholeVolume(combined.volume, 'the test').data;
    const [R, M, F] = [directDft({ ...model, data }), directDft(model), directDft(fbp)];
    const checked = [0, 0];
    for (let q = 0; q < data.length; q++) {
      const [a, b, c] = [q % 10, Math.floor(q / 10) % 6, Math.floor(q / 60)];
      const w = docWeight(fftfreq(a, 10), fftfreq(b, 6), fftfreq(c, 8), -57, 56, fbpBelow);
      const expected = w === 0 ? [M.re[q], M.im[q]] : w === 1 ? [scale * F.re[q], scale * F.im[q]] : null;
      if (!expected) continue;
      expect(R.re[q]).toBeCloseTo(expected[0], 4);
      expect(R.im[q]).toBeCloseTo(expected[1], 4);
      checked[w === 0 ? 0 : 1]++;
    }
    expect(checked[0]).toBeGreaterThan(300);
    expect(checked[1]).toBeGreaterThan(5);
    // A model that is c × FBP is left as it is, and c is the scale found.
    const twice = { ...fbp, data: fbp.data.map((x) => 2 * x) };
    const same = combineHandover(twice, lowFbp, low(twice), fbp);
    expect(same.scale).toBeCloseTo(2, 6);
    expect(relativeError(wholeVolume(same.volume, 'the test').data, twice.data)).toBeLessThan(1e-6);
  });

  it('the method with either hand-over, and with the FSC smoothing, gives the same tomogram on the GPU path as on the CPU path', async () => {
    const gpu = await openNodeGpu();
    const rng = new Rng(6);
    const [nx, ny, nTilts] = [16, 6, 8];
    const ts: TiltSeries = { nx, ny, nTilts, data: Float32Array.from({ length: nx * ny * nTilts }, () => 3 + rng.normal()), tiltAngles: ANGLES, pixelSize: 2 };
    const params = { thickness: 8, binning: 1, invertAngles: true, subtractMean: false, model: 'tiny', batchSize: 0, fbpBelow: 0, fbpFsc: false, fscSigma: 0, asTrained: false };
    const without = wholeVolume((await LOCALNET_RUNNER.run(cpuEngine(callerPool()), ts, params, { models: TINY_WAVELET })).volume, 'the hand-over test').data;
    const onCpuPath: Float32Array[] = [];
    for (const handover of [{ fbpBelow: 0.2 }, { fbpFsc: true }, { fbpFsc: true, fscSigma: 0.75 }]) {
      const onGpu = await LOCALNET_RUNNER.run(gpuEngine(gpu), ts, { ...params, ...handover }, { models: TINY_WAVELET });
      const onCpu = await LOCALNET_RUNNER.run(cpuEngine(callerPool()), ts, { ...params, ...handover }, { models: TINY_WAVELET });
      const [g, c] = [onGpu, onCpu].map((out) => wholeVolume(out.volume, 'the hand-over test').data);
      expect(onCpu.facts?.fbpScale).toBeGreaterThan(0);
      expect(onGpu.facts?.fbpScale).toBeCloseTo(onCpu.facts?.fbpScale as number, 3);
      expect(relativeError(g, c)).toBeLessThan(1e-3);
      // The hand-over changed the tomogram (it is not a no-op on this series).
      expect(relativeError(without, c)).toBeGreaterThan(1e-2);
      onCpuPath.push(c);
    }
    // So did the smoothing: this noisy series' FSC is low at some frequencies.
    expect(relativeError(onCpuPath[1], onCpuPath[2])).toBeGreaterThan(1e-3);
  });

  it('with either hand-over, −stack still gives −tomogram and stack + c the same tomogram (the FBP is centred as the model input is)', async () => {
    const rng = new Rng(8);
    const [nx, ny, nTilts] = [16, 6, 8];
    const data = Float32Array.from({ length: nx * ny * nTilts }, () => 3 + rng.normal());
    const params = { thickness: 8, binning: 1, invertAngles: false, subtractMean: false, model: 'tiny', batchSize: 0, fbpBelow: 0, fbpFsc: false, fscSigma: 0, asTrained: false };
    const run = async (values: Float32Array, handover: Partial<typeof params>) => {
      const ts: TiltSeries = { nx, ny, nTilts, data: values, tiltAngles: ANGLES, pixelSize: 2 };
      return wholeVolume((await LOCALNET_RUNNER.run(cpuEngine(callerPool()), ts, { ...params, ...handover }, { models: TINY_WAVELET })).volume, 'the offset test').data;
    };
    for (const handover of [{ fbpBelow: 0.2 }, { fbpFsc: true, fscSigma: 0.75 }]) {
      const base = await run(data, handover);
      expect(relativeError(await run(data.map((v) => -v), handover), base.map((v) => -v))).toBeLessThan(1e-5);
      // An offset of 50 (about 17× the mean): what is left is float32 rounding of values near 53.
      expect(relativeError(await run(data.map((v) => v + 50), handover), base)).toBeLessThan(1e-4);
    }
  });

  it("the FSC hand-over's FBP, made from its two halves, is the FBP of all tilts", async () => {
    const rng = new Rng(11);
    const [nx, ny, nTilts] = [14, 5, 9];
    const ts: TiltSeries = { nx, ny, nTilts, data: Float32Array.from({ length: nx * ny * nTilts }, () => 2 + rng.normal()), tiltAngles: [-60, -44, -31, -15, 0, 14, 29, 46, 58], pixelSize: 1 };
    // Mean subtraction is per tilt, so it commutes with the split as the filter does.
    const fbpParams = { ...FBP.defaults(ts, { thickness: 6, subtractMean: true }), filter: { name: 'cosine' as const } };
    const cosineFbp = (series: TiltSeries) => reconstructFbpCpu(callerPool(), series, fbpParams);
    const { fbp } = await fbpAndFscWeights(ts, cosineFbp, callerPool());
    expect(relativeError(wholeVolume(fbp, 'the test').data, wholeVolume(await cosineFbp(ts), 'the test').data)).toBeLessThan(1e-6);
  });

  it("runs on the CPU pool, in pieces, where the GPU cannot bind its spectrum or the tomogram is held in pieces: the one-array tomogram", async () => {
    const gpu = await openNodeGpu();
    // 16 × 6 × 16 voxels: a 12 KiB complex spectrum, past a binding limit of 8 KiB that the rest of the run fits.
    const limits: Record<string, number> = {};
    // The device's limits are getters on its prototype: copied one by one, then the two lowered.
    for (const name in gpu.limits) limits[name] = gpu.limits[name as keyof GPUSupportedLimits] as number;
    const small = { ...gpu, limits: { ...limits, maxStorageBufferBindingSize: 8192, maxBufferSize: 1 << 20 } as unknown as GPUSupportedLimits };
    const rng = new Rng(12);
    const ts: TiltSeries = { nx: 16, ny: 6, nTilts: 8, data: Float32Array.from({ length: 16 * 6 * 8 }, () => 3 + rng.normal()), tiltAngles: ANGLES, pixelSize: 2 };
    const params = { thickness: 16, binning: 1, invertAngles: false, subtractMean: false, model: 'tiny', batchSize: 0, fbpBelow: 0, fbpFsc: true, fscSigma: 0.75, asTrained: false };
    const run = async (engine: EngineContext, options: RunOptions = {}) => wholeVolume((await LOCALNET_RUNNER.run(engine, ts, params, { models: TINY_WAVELET, ...options })).volume, 'the test').data;
    const onGpu = await run(gpuEngine(gpu));
    expect(relativeError(await run(gpuEngine(small)), onGpu)).toBeLessThan(1e-5);
    // Pieces of 2 rows (16 × 16 float32 voxels a row) on the CPU path, on two threads: its one-array tomogram.
    const onCpu = await run(cpuEngine(threads));
    expect(relativeError(onCpu, onGpu)).toBeLessThan(1e-4);
    const seen: Progress[] = [];
    const inPieces = (await LOCALNET_RUNNER.run(cpuEngine(threads), ts, params, { models: TINY_WAVELET, pieceBytes: 2 * 16 * 16 * 4, onProgress: (p) => void seen.push(p) })).volume;
    const messages = seen.map((p) => p.message);
    // The hand-over's own steps say what they do, in the last tenth of the bar after the model's pass, which never goes back.
    const handing = "Local model: handing the measured side, weighted by the FBP's odd/even FSC, over to FBP: ";
    expect(messages.some((m) => m.startsWith(`${handing}FBP: rows`))).toBe(true);
    expect(messages.some((m) => m.startsWith(`${handing}low-pass: filtering along y`))).toBe(true);
    const fractions = seen.map((p) => p.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(Math.min(...seen.filter((p) => p.message.startsWith(handing)).map((p) => p.fraction))).toBeGreaterThanOrEqual(0.9);
    expect(Math.max(...seen.filter((p) => !p.message.startsWith('Local model: handing')).map((p) => p.fraction))).toBeLessThanOrEqual(0.9);
    expect(fractions.at(-1)).toBeCloseTo(1, 9);
    expect(isPieced(inPieces)).toBe(true);
    expect(relativeError(slabVolume(inPieces, { y0: 0, ny: 6 }), onCpu)).toBeLessThan(1e-6);
  });

  it('the FSC-weighted hand-over says when the series has too few tilts for two halves', async () => {
    const ts: TiltSeries = { nx: 16, ny: 6, nTilts: 5, data: new Float32Array(16 * 6 * 5).fill(1), tiltAngles: [-40, -20, 0, 20, 40], pixelSize: 2 };
    const params = { thickness: 8, binning: 1, invertAngles: false, subtractMean: false, model: 'tiny', batchSize: 0, fbpBelow: 0, fbpFsc: true, fscSigma: 0, asTrained: false };
    await expect(LOCALNET_RUNNER.run(cpuEngine(callerPool()), ts, params, { models: TINY_WAVELET })).rejects.toThrow('FSC-weighted hand-over to FBP needs at least 6 tilts (this series has 5)');
  });
});
