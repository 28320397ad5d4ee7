// `wedgelab trust` as a user runs it: a tiny simulation, a learned method (a small coordinate network), the verdict
// line and table, the full report as JSON, a refined result (--refine) and one of synthesised tilts
// (--synthesize-at) scored against the plain FBP, and bad input ended with one line naming it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wedgelab } from './testKit.ts';

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const input = ['--tilts', join(dir, 'tilt_series.mrc'), '--angles', join(dir, 'tilt_series.tlt')];
// The coordinate network at the smallest size cli.test.ts fits it: a learned method in seconds.
const coordnet = ['--method', 'coordnet', '--thickness', '8', '--width', '16', '--layers', '1', '--slab', '4', '--steps-first', '4', '--steps-next', '2', '--quiet'];

beforeAll(async () => {
  const sim = await wedgelab(['simulate', '--phantom', 'spheres', '--size', '24,8,8', '--angles', '-60,60,10', '--seed', '2', '--out-dir', dir]);
  expect(sim.code, sim.stderr).toBe(0);
});

describe('wedgelab trust', () => {
  it('prints the verdict against FBP and a row per held-out tilt, or the whole report as JSON', async () => {
    const shown = await wedgelab(['trust', ...input, ...coordnet]);
    expect(shown.code, shown.stderr).toBe(0);
    const lines = shown.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^(better than|same as|worse than) FBP on your data: mean FRC over 0 < f <= 0\.25 cycles\/pixel -?\d\.\d{4} vs FBP -?\d\.\d{4}/);
    expect(lines[1]).toMatch(/^Coordinate network \(SIREN 16×1.* vs FBP \(ram-lak, thickness 8, bin 1\), held out every:4$/);
    // 13 tilts from −60° to 60°: every 4th by angle from the second is −50°, −10° and 30°.
    expect(lines.slice(3, 6).map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([-50, -10, 30]);
    expect(lines[6]).toMatch(/^ {3}mean/);

    const json = await wedgelab(['trust', ...input, ...coordnet, '--held-out', '±30', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { verdict: string; heldOutSpec: string; heldOut: { angle: number }[]; frequencies: number[]; frcMethod: number[]; frcFbp: number[]; difference: number; summaryMethod: number; summaryFbp: number };
    expect(report.heldOutSpec).toBe('±30');
    expect(report.heldOut.map((t) => t.angle)).toEqual([30, -30]);
    // 24 pixels wide: rings 0 … 12.
    expect(report.frequencies).toHaveLength(13);
    expect(report.frcMethod).toHaveLength(13);
    expect(report.frcFbp).toHaveLength(13);
    expect(report.difference).toBeCloseTo(report.summaryMethod - report.summaryFbp, 12);
    expect(['better', 'same', 'worse']).toContain(report.verdict);
  });

  it('scores any reconstruction method, FBP against itself the same', async () => {
    const fbp = await wedgelab(['trust', ...input, '--method', 'fbp', '--thickness', '8', '--quiet', '--json']);
    expect(fbp.code, fbp.stderr).toBe(0);
    expect(JSON.parse(fbp.stdout)).toMatchObject({ verdict: 'same', difference: 0 });
  });

  it('scores a refined result and a result of synthesised tilts against the same FBP of the measured tilts', async () => {
    type Report = { label: string; fbpLabel: string; summaryFbp: number; summaryMethod: number; heldOut: { angle: number }[] };
    const score = async (extra: string[]) => {
      const run = await wedgelab(['trust', ...input, '--method', 'fbp', '--thickness', '8', '--quiet', '--json', ...extra]);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout) as Report;
    };
    const alone = await score([]);
    const refined = await score(['--refine', 'gaussian', '--refine-sigma', '1.5']);
    expect(refined.label).toBe('Gaussian smoothing (σ 1.5 voxels) ← FBP (ram-lak, thickness 8, bin 1)');
    const synthesised = await score(['--synthesize-at', '±66', '--synth-method', 'reproject', '--synth-iterations', '2', '--synth-thickness', '8']);
    expect(synthesised.label).toBe('FBP (ram-lak, thickness 8, bin 1), tilts + Reprojection (±66°, SIRT 2 it, thickness 8)');
    for (const report of [refined, synthesised]) {
      // FBP of the remaining measured tilts, as for the plain result, and only measured tilts held out.
      expect(report.fbpLabel).toBe(alone.fbpLabel);
      // To float rounding: a reprojection needs the GPU, so that run's FBP may take another path than the plain one's.
      expect(report.summaryFbp).toBeCloseTo(alone.summaryFbp, 6);
      expect(report.heldOut.map((t) => t.angle)).toEqual([-50, -10, 30]);
      expect(report.summaryMethod).not.toBe(alone.summaryMethod);
    }
    const cv = await wedgelab(['cv', ...input, '--method', 'fbp', '--thickness', '8', '--refine', 'gaussian', '--drop', '-10', '--quiet', '--json']);
    expect(cv.code, cv.stderr).toBe(0);
    expect(JSON.parse(cv.stdout)).toMatchObject({ label: 'Gaussian smoothing (σ 1 voxel) ← FBP (ram-lak, thickness 8, bin 1), held out -10.0°' });
  });

  it('refuses a bad combination of steps with one line naming it', async () => {
    const firstLine = async (extra: string[]) => {
      const run = await wedgelab(['trust', ...input, ...extra]);
      expect(run.code).toBe(2);
      return run.stderr.split('\n')[0];
    };
    expect(await firstLine(['--method', 'cryogen'])).toBe('wedgelab trust: cryogen is a refinement method: score it after a reconstruction, e.g. --method fbp --refine cryogen');
    expect(await firstLine(['--method', 'fbp', '--refine-model', 'cryogen-sim'])).toBe('wedgelab trust: --refine-model is given without --refine METHOD');
    expect(await firstLine(['--method', 'fbp', '--refine', 'gaussian', '--refine-model', 'x'])).toMatch(/^wedgelab trust: --refine-model is not a flag of gaussian: wedgelab refine --method gaussian --help/);
    expect(await firstLine(['--method', 'fbp', '--refine', 'fbp'])).toMatch(/^wedgelab trust: unknown refinement method "fbp"/);
    expect(await firstLine(['--method', 'fbp', '--synth-method', 'reproject'])).toBe('wedgelab trust: --synth-method is given without --synthesize-at ANGLES');
  });

  it('ends bad input with one line naming it', async () => {
    const missing = await wedgelab(['trust', '--tilts', join(dir, 'missing.mrc'), '--angles', join(dir, 'tilt_series.tlt'), '--method', 'fbp']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/^wedgelab trust: .*missing\.mrc/);
    const spec = await wedgelab(['trust', ...input, '--method', 'fbp', '--held-out', 'every:1']);
    expect(spec.stderr.trim()).toBe('wedgelab trust: held-out tilts "every:1": every:K needs K ≥ 2');
    const unknown = await wedgelab(['trust', ...input, '--method', 'gaussian']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toMatch(/^wedgelab trust: gaussian is a refinement method: score it after a reconstruction, e.g. --method fbp --refine gaussian$/);
  });
});
