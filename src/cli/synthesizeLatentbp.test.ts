// `wedgelab synthesize --method latentbp`: the shipped model by name, from the command line, on its fixture
// (models/synth/lbp_small/fixture.json) on either engine path: the stack and .tlt it writes hold the input's tilts,
// then torch's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { relativeError } from '../engine/checks/kernelChecks.ts';
import { readMrc, writeMrc } from '../io/mrc.ts';
import { wedgelab } from './testKit.ts';
import { readSynthFixture } from '../engine/methods/latentbp/synthFixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-latentbp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('wedgelab synthesize --method latentbp', () => {
  it.each(['cpu', 'gpu'])('appends the shipped model\'s tilts, as torch computed them (--engine %s)', async (engine) => {
    const fixture = readSynthFixture('synth/lbp_small');
    const [nTilts, ny, nx] = fixture.shape;
    writeFileSync(join(dir, 'in.mrc'), writeMrc({ nx, ny, nz: nTilts, data: Float32Array.from(fixture.tilts), pixelSize: 1 }, { stack: true }));
    writeFileSync(join(dir, 'in.tlt'), fixture.angles.map((a) => `${a.toFixed(2)}\n`).join(''));
    const out = join(dir, `out-${engine}`);
    const made = await wedgelab(['synthesize', '--tilts', join(dir, 'in.mrc'), '--angles', join(dir, 'in.tlt'), '--method', 'latentbp', '--add', fixture.targets.join(','),
      '--thickness', String(fixture.thickness), '--engine', engine, '--out-dir', out]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toMatch(engine === 'cpu' ? /on CPU, \d+ threads?/ : /on WebGPU on /);
    const files = JSON.parse(made.stdout) as { tiltSeries: string; tiltAngles: string; added: number; label: string };
    expect(files.added).toBe(fixture.targets.length);
    expect(readFileSync(files.tiltAngles, 'utf8').trim().split('\n').map(Number)).toEqual([...fixture.angles, ...fixture.targets]);
    const stack = readMrc(new Uint8Array(readFileSync(files.tiltSeries))).data;
    const mean = fixture.out.reduce((a, b) => a + b, 0) / fixture.out.length;
    const got = stack.subarray(fixture.tilts.length).map((v) => v - mean);
    expect(relativeError(got, Float32Array.from(fixture.out, (v) => v - mean))).toBeLessThan(1e-4);
  });
});
