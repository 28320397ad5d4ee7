// CTF deconvolution (docs/refine.md#ctf-deconvolution): its gain's shape (nothing at f = 0, the tomogram's contrast
// kept, the inverse of the CTF where the SNR model is high, |CTF| for flipped tilts), a single Fourier mode scaled by
// exactly its gain, and the whole filter against numpy's, written apart (bench/deconv_reference.py), where Debian's
// python3-mrcfile is there; its parameters through the registry and the command line's flags.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { relativeError } from '../../checks/kernelChecks.ts';
import { cpuEngine } from '../../context.ts';
import { nodePool } from '../../cpu/nodePool.ts';
import { callerPool } from '../../cpu/pool.ts';
import { ctf, firstFlippedFrequency, MICROSCOPE_300KV } from '../../ctf.ts';
import { Rng } from '../../sim/random.ts';
import { deconvolveReference } from '../../reference/deconv.ts';
import { CancelledError, type Volume } from '../../types.ts';
import { readMrc, writeMrc } from '../../../io/mrc.ts';
import { isPieced, wholeVolume } from '../../../io/piecedVolume.ts';
import { readDeclaredFlags } from '../flags.ts';
import { methodFlags } from '../registry.ts';
import { resolveRefinement, runRefinement } from '../runners.ts';
import { slabVolume } from '../slabs.ts';
import { DECONV, type DeconvParams } from './base.ts';
import { deconvGain } from './gain.ts';

const PYTHON = '/usr/bin/python3';
const hasMrcfile = spawnSync(PYTHON, ['-c', 'import numpy, mrcfile'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'wedgelab-deconv-'));
const threads = nodePool(2);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  threads.close();
});

const params = (partial: Partial<DeconvParams>): DeconvParams & { defocus: number } => ({ ...DECONV.defaults({ nx: 0 }, partial), defocus: partial.defocus ?? 3 });

async function deconvolved(volume: Volume, p: DeconvParams): Promise<Float32Array> {
  const resolved = resolveRefinement(volume, { method: 'deconv', params: p });
  return wholeVolume((await runRefinement(cpuEngine(callerPool()), volume, 'FBP', resolved)).volume, 'deconv').data;
}

describe('CTF deconvolution', () => {
  it('takes nothing at f = 0, keeps the contrast below the first zero, inverts the CTF where the SNR model is high, and follows |CTF| for flipped tilts', () => {
    const pixel = 4;
    const gain = deconvGain(params({}), pixel);
    expect(gain(0)).toBe(0);
    // Just past the high-pass, at 0.05 of Nyquist (1/160 Å): C = −CTF > 0 there, the gain positive.
    expect(gain(0.05)).toBeGreaterThan(0);
    // Where the SNR model is high, C·SNR/(C²·SNR + 1) tends to 1/C: at 0.1 of Nyquist C²·SNR is about 20, 95 % of it.
    const f = 0.1;
    const c = -ctf(f / (2 * pixel), 3, MICROSCOPE_300KV);
    expect(gain(f) * c).toBeGreaterThan(0.94);
    expect(gain(f) * c).toBeLessThan(1);
    // Past the first zero the CTF turns: the gain with it; for flipped tilts it stays positive.
    const past = 1.2 * firstFlippedFrequency(3) * 2 * pixel;
    expect(gain(past)).toBeLessThan(0);
    expect(deconvGain(params({ phaseFlipped: true }), pixel)(past)).toBeCloseTo(-gain(past), 12);
    // A weaker model: less gain where the CTF is small.
    expect(Math.abs(deconvGain(params({ strength: 0.5 }), pixel)(0.3))).toBeLessThan(Math.abs(gain(0.3)));
  });

  it('scales one Fourier mode by exactly its gain, in a volume that is not a cube', async () => {
    const [nx, ny, nz, pixelSize] = [16, 12, 10, 8];
    const [kx, ky, kz] = [3, 2, 1];
    const data = new Float32Array(nx * ny * nz);
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) data[x + nx * (y + ny * z)] = Math.cos(2 * Math.PI * (kx * x / nx + ky * y / ny + kz * z / nz));
    const volume = { nx, ny, nz, pixelSize, data };
    const out = await deconvolved(volume, params({}));
    const f = 2 * Math.hypot(kx / nx, ky / ny, kz / nz);
    const g = deconvGain(params({}), pixelSize)(f);
    expect(relativeError(out, data.map((v) => v * g))).toBeLessThan(1e-6);
  });

  it.skipIf(!hasMrcfile)("matches numpy's filter written apart (bench/deconv_reference.py), plain and for flipped tilts", async () => {
    const rng = new Rng(21);
    const [nx, ny, nz] = [22, 18, 12];
    const volume = { nx, ny, nz, pixelSize: 5, data: Float32Array.from({ length: nx * ny * nz }, () => rng.normal()) };
    const input = join(dir, 'in.mrc');
    writeFileSync(input, writeMrc(volume));
    for (const p of [params({}), params({ defocus: 2.2, voltage: 200, snrFalloff: 1.2, strength: 0.67, highpass: 0.05, phaseFlipped: true })]) {
      const output = join(dir, 'out.mrc');
      const run = spawnSync(PYTHON, ['bench/deconv_reference.py', 'apply', input, output, p.defocus, p.voltage, p.snrFalloff, p.strength, p.highpass, p.phaseFlipped ? 1 : 0].map(String), { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const numpy = readMrc(new Uint8Array(readFileSync(output))).data;
      expect(relativeError(await deconvolved(volume, p), numpy)).toBeLessThan(1e-5);
    }
  });

  it('filters in pieces on two threads as the one-array filter does (odd and non-power-of-two sizes), with progress, and stops at a cancel', async () => {
    const rng = new Rng(8);
    const [nx, ny, nz] = [21, 13, 9];
    const volume = { nx, ny, nz, pixelSize: 6, data: Float32Array.from({ length: nx * ny * nz }, () => rng.normal()) };
    const p = params({ defocus: 2.5 });
    const resolved = resolveRefinement(volume, { method: 'deconv', params: p });
    const fractions: number[] = [];
    // Pieces of 3 rows (21 × 9 floats a row): the tomogram and the half spectrum (11 × 9 complex a row) both pieced.
    const options = { pieceBytes: 3 * nx * nz * 4, onProgress: ({ fraction }: { fraction: number }) => fractions.push(fraction) };
    const result = (await runRefinement(cpuEngine(threads), volume, 'FBP', resolved, options)).volume;
    expect(isPieced(result) && result.pieces.length).toBe(5);
    const expected = deconvolveReference(volume, p);
    expect(relativeError(slabVolume(result, { y0: 0, ny }), expected)).toBeLessThan(2e-6);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    const controller = new AbortController();
    const cancelled = runRefinement(cpuEngine(threads), volume, 'FBP', resolved, { onProgress: () => controller.abort(), signal: controller.signal });
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
  });

  it('reads its flags, names its parameters in the label, and refuses a request without a defocus', () => {
    expect(readDeclaredFlags(methodFlags('deconv'), { 'defocus-um': '2.5', kv: '200', strength: '0.67', 'phase-flipped': true })).toMatchObject({ defocus: 2.5, voltage: 200, strength: 0.67, phaseFlipped: true });
    const size = { nx: 8, ny: 8, nz: 8 };
    expect(resolveRefinement(size, { method: 'deconv', params: { defocus: 2.5, voltage: 200, phaseFlipped: true } }).label).toBe('CTF deconvolution (2.5 µm, 200 kV, falloff 1, strength 1, high-pass 0.02, phase-flipped)');
    expect(() => resolveRefinement(size, { method: 'deconv', params: { defocus: 0 } })).toThrow('the defocus must be in (0, 20] µm under focus (got 0)');
    expect(() => resolveRefinement(size, { method: 'deconv', params: { defocus: 3, highpass: 0 } })).toThrow('the high-pass must be in (0, 1]');
    expect(() => resolveRefinement(size, { method: 'deconv', params: { defocus: 3, voltage: 1000 } })).toThrow('a voltage of 1000 kV: give 60–400 kV');
  });

  it('is refused, saying what to give, without a defocus', async () => {
    const volume = { nx: 4, ny: 4, nz: 4, pixelSize: 5, data: new Float32Array(64) };
    const resolved = resolveRefinement(volume, { method: 'deconv', params: {} });
    expect(resolved.label).toBe('CTF deconvolution (defocus not given, falloff 1, strength 1, high-pass 0.02)');
    await expect(runRefinement(cpuEngine(callerPool()), volume, 'FBP', resolved)).rejects.toThrow("CTF deconvolution needs the tilts' defocus: give it (--defocus-um;");
  });
});
