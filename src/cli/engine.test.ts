// `--engine`: the same recon on the CPU pool and on WebGPU (SwiftShader here), both against the CPU reference.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { relativeError } from '../engine/checks/kernelChecks.ts';
import { fbpCpu } from '../engine/reference/filter.ts';
import { Rng } from '../engine/sim/random.ts';
import { readMrc, writeMrc } from '../io/mrc.ts';
import { isOffsetFree } from '../engine/methods/registry.ts';
import { warnOffset, warnUnflipped } from './recon.ts';
import { wedgelab } from './testKit.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const [NX, NY, NZ] = [40, 6, 12];
const ANGLES = [-60, -45, -30, -15, 0, 15, 30, 45, 60];

function writeStack(): { tilts: string; angles: string; data: Float32Array } {
  const rng = new Rng(11);
  const data = Float32Array.from({ length: NX * NY * ANGLES.length }, () => rng.uniform(0, 1));
  const tilts = join(dir, 'stack.mrc');
  const angles = join(dir, 'stack.tlt');
  writeFileSync(tilts, writeMrc({ nx: NX, ny: NY, nz: ANGLES.length, pixelSize: 3, data }));
  writeFileSync(angles, `${ANGLES.join('\n')}\n`);
  return { tilts, angles, data };
}

describe('wedgelab --engine', () => {
  const stack = writeStack();
  const recon = (engine: string, method = 'fbp', own = ['--filter', 'hann']) =>
    wedgelab(['recon', '--tilts', stack.tilts, '--angles', stack.angles, '--method', method, '--thickness', String(NZ), ...own, '--engine', engine, '--quiet', '--force', '--out', join(dir, `${engine}-${method}.mrc`)]);
  const expected = fbpCpu({ nx: NX, ny: NY, nTilts: ANGLES.length, data: stack.data, tiltAngles: ANGLES, pixelSize: 3 }, { name: 'hann' }, NZ).data;

  it('says why --dose-weighting is not applied to a series without doses, and runs unweighted', async () => {
    const run = await recon('cpu', 'fbp', ['--filter', 'hann', '--dose-weighting']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('warning: --dose-weighting is not applied: the tilt series has no doses\n');
    expect(relativeError(readMrc(new Uint8Array(readFileSync(join(dir, 'cpu-fbp.mrc')))).data, expected)).toBeLessThan(1e-4);
  });

  it('warns of a stack offset without --subtract-mean, naming the file, and not with it', async () => {
    const offsetTilts = join(dir, 'offset.mrc');
    writeFileSync(offsetTilts, writeMrc({ nx: NX, ny: NY, nz: ANGLES.length, pixelSize: 3, data: stack.data.map((v) => v + 100) }));
    const run = (own: string[]) =>
      wedgelab(['recon', '--tilts', offsetTilts, '--angles', stack.angles, '--method', 'fbp', '--thickness', String(NZ), ...own, '--engine', 'cpu', '--quiet', '--force', '--out', join(dir, 'offset-fbp.mrc')]);
    const plain = await run([]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(/^warning: \S*\/offset\.mrc: the stack's mean \(101\) is 34\d standard deviations from 0, .*; --subtract-mean subtracts them\n/m);
    const subtracted = await run(['--subtract-mean']);
    expect(subtracted.code, subtracted.stderr).toBe(0);
    expect(subtracted.stderr).not.toContain('warning');
  });

  it('is silent of the offset for a method that removes it itself, unless its trust score runs FBP beside it', () => {
    expect((['fbp', 'sirt', 'coordnet', 'localnet'] as const).map((method) => isOffsetFree(method))).toEqual([false, false, false, true]);
    const offset = { nx: NX, ny: NY, nTilts: ANGLES.length, data: stack.data.map((v) => v + 100), tiltAngles: ANGLES, pixelSize: 3 };
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((text) => written.push(String(text)) > 0);
    try {
      warnOffset({ method: 'localnet', params: { subtractMean: false } }, offset, 'o.mrc');
      expect(written).toEqual([]);
      warnOffset({ method: 'localnet', params: { subtractMean: false } }, offset, 'o.mrc', true);
      warnOffset({ method: 'fbp', params: { subtractMean: false } }, offset, 'o.mrc');
      warnOffset({ method: 'localnet', params: { subtractMean: true } }, offset, 'o.mrc', true);
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^warning: o\.mrc: the stack's mean \(101\) .* is not subtracted \(this method removes the stack's mean itself, but the FBP its trust score is compared with does not\); --subtract-mean subtracts them\n$/);
    expect(written[1]).toMatch(/^warning: o\.mrc: the stack's mean \(101\) .* is not subtracted; --subtract-mean subtracts them\n$/);
  });

  it('says to phase flip first when a learned method runs on a series with a CTF estimate, and only then', () => {
    const series = { nx: NX, ny: NY, nTilts: ANGLES.length, data: stack.data, tiltAngles: ANGLES, pixelSize: 3 };
    const withDefocus = { ...series, defocus: ANGLES.map(() => 3) };
    const written: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((text) => written.push(String(text)) > 0);
    try {
      warnUnflipped([{ method: 'fbp' }, undefined, { method: 'sirt' }], withDefocus, 's.mrc');
      warnUnflipped([{ method: 'localnet' }], series, 's.mrc');
      warnUnflipped([{ method: 'localnet' }], { ...withDefocus, pixelSize: 0 }, 's.mrc');
      expect(written).toEqual([]);
      warnUnflipped([{ method: 'latentbp' }, { method: 'fbp' }, { method: 'isonet' }], withDefocus, 's.mrc');
      warnUnflipped([{ method: 'localnet' }], withDefocus, 's.mrc');
    } finally {
      spy.mockRestore();
    }
    expect(written).toEqual([
      'warning: s.mrc has a CTF estimate and is not phase flipped: latentbp, isonet model no CTF (the local network did better on phase-flipped tilts); --phase-flip flips them first\n',
      'warning: s.mrc has a CTF estimate and is not phase flipped: localnet models no CTF (the local network did better on phase-flipped tilts); --phase-flip flips them first\n',
    ]);
  });

  it.each(['cpu', 'gpu', 'auto'])('reconstructs FBP with --engine %s as the CPU reference, and names the path', async (engine) => {
    const run = await recon(engine);
    expect(run.code, run.stderr).toBe(0);
    // auto: no GPU on a test machine without one means the CPU; on a GPU box WebGPU.
    expect(run.stderr).toMatch(engine === 'cpu' ? /on CPU, \d+ threads? →/ : engine === 'gpu' ? /on WebGPU on / : /on (CPU|WebGPU)/);
    const tomogram = readMrc(new Uint8Array(readFileSync(join(dir, `${engine}-fbp.mrc`))));
    expect(relativeError(tomogram.data, expected)).toBeLessThan(1e-4);
  });

  it('refuses a GPU-only method on the CPU path with one line, and a bad choice', async () => {
    const gpuOnly = await recon('cpu', 'coordnet', []);
    expect(gpuOnly.code).not.toBe(0);
    expect(gpuOnly.stderr).toContain('runs on WebGPU only');
    const bad = await recon('fast');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--engine takes auto, gpu, cpu');
  });
});
