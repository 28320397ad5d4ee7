// The independent validation simulator (models/validation/ellipsoids.py: numpy, no code from src/engine/sim)
// against the engine: its own checks; its exact projections against the engine's projector of its voxelised
// ground truth; the CLI's FBP of its tilts against that ground truth (PSNR after the affine fit of
// docs/conventions.md#psnr-and-ssim, as `wedgelab metrics` computes it, and plain correlation). A wrong sign of
// θ or a mirrored axis on either side shows up here. Skipped, with the reason, where /usr/bin/python3 lacks
// numpy or mrcfile.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { psnr } from '../engine/metrics/quality.ts';
import { forwardProjectCpu } from '../engine/reference/projector.ts';
import { ctf, MICROSCOPE_300KV } from '../engine/ctf.ts';
import { frc } from '../engine/metrics/frc.ts';
import { fsc } from '../engine/metrics/fsc.ts';
import { phaseFlipTilts, squaredFrequencies } from '../engine/phaseFlip.ts';
import { thonRings } from '../engine/thonRings.ts';
import { applyCtf } from '../engine/sim/ctf.ts';
import { transferThroughCtf } from '../engine/sim/simulate.ts';
import type { Volume } from '../engine/types.ts';
import { readMrc, writeMrc } from '../io/mrc.ts';
import { formatTlt } from '../io/angles.ts';
import { formatImodDefocus } from '../io/defocusFiles.ts';
import { alignLoadedTiltSeries } from '../engine/align/loaded.ts';
import { cpuEngine } from '../engine/context.ts';
import { callerPool } from '../engine/cpu/pool.ts';
import { readTiltSeriesFiles } from '../io/tiltSeriesFiles.ts';
import { wedgelab } from './testKit.ts';

const PYTHON = '/usr/bin/python3';
const SIMULATOR = 'models/validation/ellipsoids.py';
const hasPython = spawnSync(PYTHON, ['-c', 'import numpy, mrcfile'], { encoding: 'utf8' }).status === 0;

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-independent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function python(args: string[]): void {
  const result = spawnSync(PYTHON, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${PYTHON} ${args.join(' ')} failed:\n${result.stderr}`);
}

/** Noise-free, 48 × 48 × 24, ±60° in 3° steps: the tilts, their angles and the ground truth's paths. */
function simulate(family: 'ellipsoids' | 'shells') {
  const out = join(dir, family);
  python([SIMULATOR, '--family', family, '--size', '48,48,24', '--angles', '-60,60,3', '--seed', '9001', '--out-dir', out]);
  return { tilts: join(out, 'tilt_series.mrc'), angles: join(out, 'tilt_series.tlt'), truth: join(out, 'ground_truth.mrc'), out };
}

function readVolume(path: string): Volume {
  const { header, data, pixelSize } = readMrc(new Uint8Array(readFileSync(path)));
  return { nx: header.nx, ny: header.ny, nz: header.nz, data, pixelSize: pixelSize[0] };
}

function pearson(a: Float32Array, b: Float32Array): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= a.length;
  mb /= b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/**
 * The same ellipsoids, 384 × 32 × 24 at 1 Å, ±60° in 10° steps, through a CTF at 1 µm whose defocus follows depth
 * (--tilted-defocus) and without one; made once.
 */
const tiltedViews = (() => {
  let made: { tilted: ReturnType<typeof readMrc>; clean: ReturnType<typeof readMrc>; truth: string; angles: number[]; nx: number; ny: number } | undefined;
  return () => {
    if (made) return made;
    const simulated = (name: string, ...flags: string[]) => {
      const out = join(dir, name);
      python([SIMULATOR, '--family', 'ellipsoids', '--size', '384,32,24', '--angles', '-60,60,10', '--seed', '9003', '--pixel-size', '1', ...flags, '--out-dir', out]);
      return readMrc(new Uint8Array(readFileSync(join(out, 'tilt_series.mrc'))));
    };
    const tilted = simulated('tilted', '--defocus', '1', '--tilted-defocus');
    const angles = readFileSync(join(dir, 'tilted', 'tilt_series.tlt'), 'utf8').trim().split('\n').map(Number);
    made = { tilted, clean: simulated('tilted-clean'), truth: join(dir, 'tilted', 'ground_truth.mrc'), angles, nx: tilted.header.nx, ny: tilted.header.ny };
    return made;
  };
})();

/**
 * Ellipsoids at 2 Å through a CTF at 2 µm with defocus 1 − defocus 2 = 0.4 µm, defocus 1 at 30° from +x towards +y
 * (the independent simulator's --astigmatism), at −30°, 0° and 30°, and the same without a CTF (clean/); made once.
 * Returns the folder.
 */
const astigmaticViews = (() => {
  let made: string | undefined;
  return () => {
    if (made) return made;
    const out = join(dir, 'astig');
    const common = ['--family', 'ellipsoids', '--size', '128,128,24', '--angles', '-30,30,30', '--seed', '9004', '--pixel-size', '2'];
    python([SIMULATOR, ...common, '--defocus', '2', '--astigmatism', '0.4', '--astigmatism-angle', '30', '--out-dir', out]);
    python([SIMULATOR, ...common, '--out-dir', join(out, 'clean')]);
    made = out;
    return out;
  };
})();

/** The FRC of tilt t of two nx × ny stacks, averaged over its rings above a quarter of a cycle per pixel (by pixel count). */
function highBandFrc(a: Float32Array, b: Float32Array, nx: number, ny: number, t: number): number {
  const plane = nx * ny;
  const curve = frc(a.subarray(t * plane, (t + 1) * plane), b.subarray(t * plane, (t + 1) * plane), nx, ny);
  let [sum, weight] = [0, 0];
  curve.frequencies.forEach((f, r) => {
    if (f > 0.25) [sum, weight] = [sum + curve.counts[r] * curve.frc[r], weight + curve.counts[r]];
  });
  return sum / weight;
}

const title = hasPython ? 'independent simulator' : `independent simulator (SKIPPED: ${PYTHON} cannot import numpy and mrcfile; apt install python3-mrcfile)`;
describe.skipIf(!hasPython)(title, () => {
  it('passes its own checks (exact chords, mass, determinism, SNR, files)', () => {
    python(['models/validation/test_ellipsoids.py']);
  });

  it.each(['ellipsoids', 'shells'] as const)('%s: exact projections agree with the engine projector of the ground truth', async (family) => {
    const files = simulate(family);
    const read = (path: string) => ({ name: basename(path), blob: new Blob([readFileSync(path)]) });
    const loaded = await readTiltSeriesFiles([read(files.tilts), read(files.angles)]); // strict, as recon reads
    expect(loaded.warnings).toEqual([]);
    const projected = forwardProjectCpu(readVolume(files.truth), loaded.tiltSeries.tiltAngles);
    // They differ only by discretisation at edges: 3 × 3 exact sub-rays per pixel against 4³-supersampled voxels
    // spread by the projector's hat weight (measured: correlation 0.999, 4 % relative L2 at 64 × 64 × 32).
    const exact = loaded.tiltSeries.data;
    expect(pearson(exact, projected.data)).toBeGreaterThan(0.995);
    let diff = 0;
    let norm = 0;
    for (let i = 0; i < exact.length; i++) {
      diff += (exact[i] - projected.data[i]) ** 2;
      norm += exact[i] ** 2;
    }
    expect(Math.sqrt(diff / norm)).toBeLessThan(0.08);
  });

  it("its CTF and the training simulator's (sim/ctf.ts), written apart, agree (the training simulator applies it negated)", () => {
    // f (1/Å), defocus (µm), a phase plate's shift (rad).
    const cases = [[0, 3, 0], [0.01, 2, 0], [0.03, 3, 0], [0.05, 4.5, 0], [0.08, 1.5, 0], [0, 1, 1.2], [0.04, 0.8, Math.PI / 2]];
    const script = `import sys; sys.path.insert(0, 'models/validation'); import numpy as np, ellipsoids as E; print(*[float(E.ctf(np.array(f), d, phase_shift=p)) for f, d, p in ${JSON.stringify(cases)}])`;
    const result = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const values = result.stdout.trim().split(' ').map(Number);
    cases.forEach(([f, d, p], i) => expect(ctf(f, d, undefined, p)).toBeCloseTo(values[i], 9));
  });

  it('the CLI FBP of its tilts matches its ground truth, and does not mirrored along z', async () => {
    const files = simulate('ellipsoids');
    const out = join(files.out, 'fbp.mrc');
    const recon = await wedgelab(['recon', '--tilts', files.tilts, '--angles', files.angles, '--thickness', '24', '--method', 'fbp', '--quiet', '--out', out]);
    expect(recon.code, recon.stderr).toBe(0);
    const truth = readVolume(files.truth);
    const fbp = readVolume(out);
    // Negating every θ (the other sign convention) maps z to −z: u = x·cos θ + z·sin θ is unchanged by both at
    // once, so the FBP with inverted angles is this one mirrored along z.
    const { nx, ny, nz } = fbp;
    const mirrored = { ...fbp, data: new Float32Array(fbp.data.length) };
    for (let z = 0; z < nz; z++) mirrored.data.set(fbp.data.subarray(nx * ny * z, nx * ny * (z + 1)), nx * ny * (nz - 1 - z));
    // Measured: PSNR 30.0 dB and correlation 0.87 (the missing wedge keeps it below 1); mirrored 24.6 dB, 0.41.
    expect(pearson(fbp.data, truth.data)).toBeGreaterThan(0.8);
    expect(psnr(fbp, truth)).toBeGreaterThan(27);
    expect(pearson(mirrored.data, truth.data)).toBeLessThan(0.6);
    expect(psnr(fbp, truth) - psnr(mirrored, truth)).toBeGreaterThan(3);
  });

  it("the CLI's phase flip undoes its CTF's sign changes: the FBP of flipped tilts is nearer its ground truth", async () => {
    // 2 Å pixels at 3 µm: Nyquist (0.25/Å) lies past several CTF zeros (the first at about 1/24 Å).
    const out = join(dir, 'ctf');
    python([SIMULATOR, '--family', 'ellipsoids', '--size', '48,48,24', '--angles', '-60,60,3', '--seed', '9002', '--defocus', '3', '--pixel-size', '2', '--out-dir', out]);
    const estimate = join(out, 'tilt_series_CTF.txt');
    writeFileSync(estimate, ['# Output from CTFFind', ...Array.from({ length: 41 }, (_, k) => `${k + 1} 30000.0 30000.0 0.0 0.0 0.1 8.0`)].join('\n'));
    const base = ['recon', '--tilts', join(out, 'tilt_series.mrc'), '--angles', join(out, 'tilt_series.tlt'), '--thickness', '24', '--method', 'fbp', '--quiet'];
    const plain = await wedgelab([...base, '--out', join(out, 'fbp.mrc')]);
    const flipped = await wedgelab([...base, '--defocus', estimate, '--phase-flip', '--out', join(out, 'fbp-flipped.mrc')]);
    expect([plain.code, flipped.code], flipped.stderr).toEqual([0, 0]);
    expect(flipped.stderr).toContain("phase flipped at each tilt's defocus (300 kV, Cs 2.7 mm, Q 0.07; one defocus per tilt) (--phase-flip)");
    const truth = readVolume(join(out, 'ground_truth.mrc'));
    // A real micrograph's contrast: dense is dark, so both correlate negatively. Measured −0.46 without, −0.77 with.
    const [before, after] = [pearson(readVolume(join(out, 'fbp.mrc')).data, truth.data), pearson(readVolume(join(out, 'fbp-flipped.mrc')).data, truth.data)];
    expect(before).toBeGreaterThan(-0.6);
    expect(after).toBeLessThan(-0.7);
    // Without a defocus there is nothing to flip: refused, naming the stack.
    const refused = await wedgelab([...base, '--phase-flip', '--out', join(out, 'never.mrc')]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('tilt_series.mrc: phase flip: the tilt series has no defocus');
  });

  it("flips a tilted view along its defocus gradient: its --tilted-defocus tilts agree with their CTF-free tilts where a flat flip's do not", () => {
    // 1 Å pixels, 1 µm, a view 384 pixels wide: at ±60° the ends of the specimen's shadow lie ±0.03 µm from the
    // centre's defocus, a phase error of about 2 rad at Nyquist if ignored. Each tilt is flipped at its columns'
    // defocus (as recon does), at one defocus per tilt (the angles' gradient ignored) and with the gradient
    // turned the other way (angles negated), and compared with the same specimen's tilts without a CTF above a
    // quarter of a cycle per pixel, where the gradient turns the CTF's sign.
    const { tilted, clean, angles, nx, ny } = tiltedViews();
    const highBand = (flipped: Float32Array, t: number) => highBandFrc(flipped, clean.data, nx, ny, t);
    const flippedAt = (tiltAngles: number[]) => {
      const data = tilted.data.slice();
      const geometry = { nx, ny, pixelSize: 1, tiltAngles, defocus: angles.map(() => 1), microscope: MICROSCOPE_300KV };
      phaseFlipTilts(data, geometry, squaredFrequencies(nx, ny, 1), 0, angles.length);
      // The ±60° tilts, first and last in the stack.
      return [highBand(data, 0), highBand(data, angles.length - 1)];
    };
    const along = flippedAt(angles);
    const flat = flippedAt(angles.map(() => 0));
    const against = flippedAt(angles.map((a) => -a));
    // Dense is dark after the flip (−|CTF|), so agreement is negative. Measured: −0.77 along the gradient, −0.49
    // and −0.48 flat, +0.05 and +0.06 against it (before any flip: −0.02 and −0.01).
    along.forEach((value, i) => {
      expect(value).toBeLessThan(-0.7);
      expect(flat[i] - value).toBeGreaterThan(0.2);
      expect(against[i] - flat[i]).toBeGreaterThan(0.3);
    });
  });

  it("takes the gradient about where an .xf puts the raw centre, where its estimate was made: a shifted stack flips as the unshifted one", async () => {
    // tiltedViews' stack as a raw stack shifted 60 pixels (aligned = raw + (60, 0), IMOD's .xf), its estimate each
    // raw centre's defocus: the aligned point 60 pixels right of centre, 1 µm + 60·p·tan θ.
    const { tilted, clean, angles, nx, ny } = tiltedViews();
    const shift = 60;
    const plane = nx * ny;
    const raw = tilted.data.map((_, i) => tilted.data[i - (i % nx) + ((i % nx) + shift) % nx]);
    const estimate = formatImodDefocus(angles, angles.map((a) => 1 + (shift * Math.tan((a * Math.PI) / 180)) / 1e4));
    const blob = (bytes: Uint8Array | string) => new Blob([typeof bytes === 'string' ? bytes : new Uint8Array(bytes)]);
    const loaded = await readTiltSeriesFiles([
      { name: 'shifted.mrc', blob: blob(writeMrc({ nx, ny, nz: angles.length, data: raw, pixelSize: 1 }, { stack: true })) },
      { name: 'shifted.tlt', blob: blob(formatTlt(angles)) },
      { name: 'shifted.xf', blob: blob(`1 0 0 1 ${shift} 0\n`.repeat(angles.length)) },
      { name: 'shifted.defocus', blob: blob(estimate) },
    ]);
    const aligned = await alignLoadedTiltSeries(cpuEngine(callerPool()), loaded);
    expect(aligned.defocusColumn).toEqual(angles.map(() => shift));
    const flipped = (ts: typeof aligned) => {
      const data = ts.data.slice();
      const geometry = { nx, ny, pixelSize: 1, tiltAngles: ts.tiltAngles, defocus: ts.defocus as number[], ...(ts.defocusColumn && { defocusColumn: ts.defocusColumn }), microscope: MICROSCOPE_300KV };
      phaseFlipTilts(data, geometry, squaredFrequencies(nx, ny, 1), 0, angles.length);
      return data;
    };
    // Compared where the aligned tilts hold the raw ones (columns 60 on; the first 60 are filled), at ±60°.
    const window = (data: Float32Array, t: number) => Float32Array.from({ length: (nx - shift) * ny }, (_, i) => data[t * plane + Math.floor(i / (nx - shift)) * nx + shift + (i % (nx - shift))]);
    const agreement = (data: Float32Array, t: number) => highBandFrc(window(data, t), window(clean.data, t), nx - shift, ny, 0);
    const unshifted = flipped({ ...aligned, data: tilted.data, defocus: angles.map(() => 1), defocusColumn: undefined });
    const moved = flipped(aligned);
    const centred = flipped({ ...aligned, defocusColumn: undefined });
    // Measured: −0.800 unshifted, −0.793 shifted with its column (the filled columns differ), −0.50 and −0.47 with the
    // gradient about the aligned centre instead.
    for (const t of [0, angles.length - 1]) {
      expect(Math.abs(agreement(moved, t) - agreement(unshifted, t))).toBeLessThan(0.02);
      expect(agreement(centred, t) - agreement(moved, t)).toBeGreaterThan(0.2);
    }
  });

  it("corrects a thick specimen's CTF by depth (FBP's --ctf-by-depth): its FBP agrees with the ground truth above a quarter cycle better than after the 2-D flip", async () => {
    // 256 × 16 × 160 voxels at 1 Å, 1 µm, ±60° in 3° steps, the defocus following each point's depth along the beam:
    // through 160 Å the defocus spreads ±0.016 µm at 60°, a phase error of about 2.5 rad at Nyquist if one defocus
    // serves every height.
    const out = join(dir, 'thick');
    python([SIMULATOR, '--family', 'ellipsoids', '--size', '256,16,160', '--angles', '-60,60,3', '--seed', '9005', '--pixel-size', '1', '--defocus', '1', '--tilted-defocus', '--out-dir', out]);
    const estimate = join(out, 'tilt_series_CTF.txt');
    writeFileSync(estimate, ['# Output from CTFFind', ...Array.from({ length: 41 }, (_, k) => `${k + 1} 10000.0 10000.0 0.0 0.0 0.1 8.0`)].join('\n'));
    const base = ['recon', '--tilts', join(out, 'tilt_series.mrc'), '--angles', join(out, 'tilt_series.tlt'), '--defocus', estimate, '--thickness', '160', '--method', 'fbp', '--engine', 'cpu'];
    const flat = await wedgelab([...base, '--phase-flip', '--quiet', '--out', join(out, 'flipped.mrc')]);
    const byDepth = await wedgelab([...base, '--ctf-by-depth', '--out', join(out, 'by-depth.mrc')]);
    expect([flat.code, byDepth.code], byDepth.stderr).toEqual([0, 0]);
    expect(byDepth.stderr).toContain('depth slab 10 of 10');
    expect(byDepth.stderr).toContain('FBP (ram-lak, thickness 160, bin 1, CTF flipped by depth)');
    const truth = readVolume(join(out, 'ground_truth.mrc'));
    const highBand = (path: string) => {
      const curves = fsc(readVolume(path), truth);
      let [sum, weight] = [0, 0];
      curves.shells.forEach((f, r) => {
        if (f > 0.25) [sum, weight] = [sum + curves.counts[r] * curves.fsc[r], weight + curves.counts[r]];
      });
      return sum / weight;
    };
    // Dense is dark after a flip, so agreement is negative. Measured: −0.355 after the 2-D flip, −0.425 by depth (with
    // the slabs' heights turned the other way, tried by hand, further from it than the 2-D flip: the sign is the geometry's).
    const [flatBand, depthBand] = [highBand(join(out, 'flipped.mrc')), highBand(join(out, 'by-depth.mrc'))];
    expect(depthBand).toBeLessThan(flatBand - 0.04);
    // And the two ask for one correction: both at once are refused.
    const both = await wedgelab([...base, '--phase-flip', '--ctf-by-depth', '--out', join(out, 'never.mrc')]);
    expect([both.code, both.stderr]).toEqual([2, expect.stringContaining('--phase-flip and --ctf-by-depth both correct the CTF')]);
    // Without an estimate it is refused before any work, naming the stack.
    const withoutEstimate = base.filter((arg, i) => arg !== estimate && base[i + 1] !== estimate);
    const refused = await wedgelab([...withoutEstimate, '--ctf-by-depth', '--out', join(out, 'never.mrc')]);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringContaining("thick/tilt_series.mrc: FBP's CTF correction by depth: the tilt series has no defocus")]);
  });

  it("the training simulator's tilted CTF (sim/simulate.ts) and its own, written apart, agree along the gradient", async () => {
    // The engine's layers (p/λ thick, projected by the engine's projector from the voxelised ground truth) against
    // the independent simulator's (a quarter of that, exact chords), above a quarter of a cycle per pixel at ±60°.
    const { tilted, angles, truth, nx, ny } = tiltedViews();
    const volume = readVolume(truth);
    const projected = forwardProjectCpu(volume, angles);
    const defocus = angles.map(() => 1);
    const engine = await transferThroughCtf(volume, projected, defocus, 1, forwardProjectCpu);
    const flat = applyCtf(projected.data, nx, ny, 1, defocus);
    // The training simulator applies −CTF (dense stays bright), so agreement is negative. Measured: −0.946 and
    // −0.946 along the gradient; at one defocus per tilt −0.50 and −0.48.
    for (const t of [0, angles.length - 1]) {
      expect(highBandFrc(engine, tilted.data, nx, ny, t)).toBeLessThan(-0.9);
      expect(highBandFrc(flat, tilted.data, nx, ny, t)).toBeGreaterThan(-0.6);
    }
  });

  it("flips an astigmatic CTF along each direction's own defocus, CTFFIND's two axes and azimuth read as it writes them", async () => {
    const out = astigmaticViews();
    const clean = readMrc(new Uint8Array(readFileSync(join(out, 'clean', 'tilt_series.mrc'))));
    const read = (path: string) => ({ name: basename(path), blob: new Blob([readFileSync(path)]) });
    const flippedWith = async (name: string, row: string) => {
      writeFileSync(join(out, name), ['# Output from CTFFind', ...[1, 2, 3].map((k) => `${k} ${row} 0.0 0.1 8.0`)].join('\n'));
      const { tiltSeries: ts } = await readTiltSeriesFiles([read(join(out, 'tilt_series.mrc')), read(join(out, 'tilt_series.tlt')), read(join(out, name))]);
      const data = ts.data.slice();
      const geometry = { nx: ts.nx, ny: ts.ny, pixelSize: 2, tiltAngles: ts.tiltAngles, defocus: ts.defocus as number[], ...(ts.astigmatism && { astigmatism: ts.astigmatism }), microscope: MICROSCOPE_300KV };
      phaseFlipTilts(data, geometry, squaredFrequencies(ts.nx, ts.ny, 2), 0, ts.nTilts);
      return [0, 1, 2].map((t) => highBandFrc(data, clean.data, ts.nx, ts.ny, t));
    };
    const along = await flippedWith('along_CTF.txt', '22000.0 18000.0 30.0');
    const swapped = await flippedWith('swapped_CTF.txt', '18000.0 22000.0 120.0'); // the same CTF, axes named the other way
    const mean = await flippedWith('mean_CTF.txt', '20000.0 20000.0 0.0');
    const across = await flippedWith('across_CTF.txt', '22000.0 18000.0 120.0');
    // Measured above a quarter of a cycle per pixel: −0.90 (each tilt) along the axes as simulated, the same named
    // the other way round; +0.02 to +0.04 at the mean defocus alone; −0.01 with the axes turned by 90°.
    along.forEach((value, t) => {
      expect(value).toBeLessThan(-0.85);
      expect(swapped[t]).toBeCloseTo(value, 9);
      expect(mean[t]).toBeGreaterThan(-0.1);
      expect(across[t]).toBeGreaterThan(-0.1);
    });
  });

  it("its astigmatic tilt's Thon rings agree with the estimate that made them, not with its axes swapped", () => {
    // The 0° tilt of astigmaticViews (noise-free ellipsoids, 2 Å, 2 µm, axes 0.4 µm apart, defocus 1 at 30°), one
    // 128² tile. Measured: 0.20; axes swapped −0.03; the mean alone −0.01; 1.8 µm −0.03.
    const out = astigmaticViews();
    const stack = readMrc(new Uint8Array(readFileSync(join(out, 'tilt_series.mrc'))));
    const { nx, ny } = stack.header;
    const [cos2, sin2] = [0.2 * Math.cos(Math.PI / 3), 0.2 * Math.sin(Math.PI / 3)];
    const at = (defocus: number, c: number, s: number) =>
      thonRings({ tilt: stack.data.subarray(nx * ny, 2 * nx * ny), nx, ny, pixelSize: 2, defocus, cos2: c, sin2: s, phaseShift: 0, microscope: MICROSCOPE_300KV })!;
    const rings = at(2, cos2, sin2);
    expect(rings.score).toBeGreaterThan(0.15);
    expect(rings.swappedScore).toBeLessThan(0.05);
    expect(at(2, 0, 0).score).toBeLessThan(0.05);
    expect(at(1.8, cos2, sin2).score).toBeLessThan(0.05);
    // Scanned about a wrong estimate (1.8 µm), the best agreement lies at the defocus that made the rings.
    expect(at(1.8, cos2, sin2).best.defocus).toBeCloseTo(2, 1);
  });

  it("turns an estimate's astigmatism with the alignment: a stack turned by 90° and its .xf give the unturned stack's tomogram", async () => {
    // astigmaticViews' stack turned a quarter turn (numpy's rot90: (x, y) → (y, −x) about the centre, so the raw
    // estimate's defocus 1 lies at 30° − 90°), with the .xf that turns it back (aligned = R(90°)·raw).
    const out = astigmaticViews();
    const script = [
      'import mrcfile, numpy as np, sys',
      `with mrcfile.open('${join(out, 'tilt_series.mrc')}') as m: d = m.data.copy(); p = float(m.voxel_size.x)`,
      'r = np.ascontiguousarray(np.rot90(d, k=1, axes=(1, 2)))',
      `with mrcfile.new('${join(out, 'turned.mrc')}', overwrite=True) as m:`,
      '    m.set_data(r); m.set_image_stack(); m.header.mz = r.shape[0]; m.voxel_size = p',
    ].join('\n');
    const result = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    writeFileSync(join(out, 'turned.xf'), '   0.0000000  -1.0000000   1.0000000   0.0000000       0.000       0.000\n'.repeat(3));
    const estimate = (name: string, azimuth: number) => {
      writeFileSync(join(out, name), ['# Output from CTFFind', ...[1, 2, 3].map((k) => `${k} 22000.0 18000.0 ${azimuth} 0.0 0.1 8.0`)].join('\n'));
      return join(out, name);
    };
    const truth = readVolume(join(out, 'ground_truth.mrc'));
    const fbp = async (name: string, ...flags: string[]) => {
      const recon = await wedgelab(['recon', ...flags, '--angles', join(out, 'tilt_series.tlt'), '--thickness', '24', '--method', 'fbp', '--phase-flip', '--quiet', '--out', join(out, `fbp-${name}.mrc`)]);
      expect(recon.code, recon.stderr).toBe(0);
      return readVolume(join(out, `fbp-${name}.mrc`));
    };
    const unturned = await fbp('unturned', '--tilts', join(out, 'tilt_series.mrc'), '--defocus', estimate('unturned_CTF.txt', 30));
    const turned = await fbp('turned', '--tilts', join(out, 'turned.mrc'), '--xf', join(out, 'turned.xf'), '--defocus', estimate('turned_CTF.txt', -60));
    const notTurned = await fbp('not-turned', '--tilts', join(out, 'turned.mrc'), '--xf', join(out, 'turned.xf'), '--defocus', join(out, 'unturned_CTF.txt'));
    // A quarter turn moves every pixel centre onto another: the aligned stack is the simulated one, to rounding.
    expect(psnr(turned, truth)).toBeCloseTo(psnr(unturned, truth), 3);
    expect(psnr(unturned, truth) - psnr(notTurned, truth)).toBeGreaterThan(0.5);
  });

  it("flips a phase plate's tilts for its shift, at the Cs CTFFIND's header names or --cs gives", async () => {
    // A Volta phase plate (π/2) near focus (1 µm) on a Cs-corrected microscope (0.01 mm), 2 Å pixels.
    const out = join(dir, 'vpp');
    python([SIMULATOR, '--family', 'ellipsoids', '--size', '48,48,24', '--angles', '-60,60,3', '--seed', '9002', '--defocus', '1', '--pixel-size', '2', '--cs', '0.01', '--phase-shift', '1.5708', '--out-dir', out]);
    const header = '# Pixel size: 2.0 Angstroms ; acceleration voltage: 300.0 keV ; spherical aberration: 0.01 mm ; amplitude contrast: 0.07';
    const estimate = (name: string, shift: number) => {
      const path = join(out, name);
      writeFileSync(path, [header, ...Array.from({ length: 41 }, (_, k) => `${k + 1} 10000.0 10000.0 0.0 ${shift} 0.1 8.0`)].join('\n'));
      return path;
    };
    const base = ['recon', '--tilts', join(out, 'tilt_series.mrc'), '--angles', join(out, 'tilt_series.tlt'), '--thickness', '24', '--method', 'fbp', '--quiet'];
    const run = async (name: string, ...flags: string[]) => {
      const result = await wedgelab([...base, ...flags, '--out', join(out, `${name}.mrc`)]);
      expect(result.code, result.stderr).toBe(0);
      return { stderr: result.stderr, corr: pearson(readVolume(join(out, `${name}.mrc`)).data, truth.data) };
    };
    const truth = readVolume(join(out, 'ground_truth.mrc'));
    const plain = await run('plain');
    const plate = await run('plate', '--defocus', estimate('plate_CTF.txt', 1.5708), '--phase-flip');
    const noPlate = await run('no-plate', '--defocus', estimate('none_CTF.txt', 0), '--phase-flip');
    const usualCs = await run('cs', '--defocus', join(out, 'plate_CTF.txt'), '--phase-flip', '--cs', '2.7');
    expect(plate.stderr).toContain("phase flipped at each tilt's defocus and phase-plate shift (0.50 π) (300 kV, Cs 0.01 mm, Q 0.07; one defocus per tilt)");
    expect(usualCs.stderr).toContain('(300 kV, Cs 2.7 mm, Q 0.07;');
    // The methods' --invert-angles turns the defocus gradient across each view too.
    const inverted = await run('inverted', '--defocus', join(out, 'plate_CTF.txt'), '--phase-flip', '--invert-angles');
    expect(inverted.stderr).toContain('one defocus per tilt; the defocus gradient at the inverted tilt angles) (--phase-flip)');
    // Measured: −0.63 as measured, −0.66 flipped without the plate's shift, −0.81 with it (−0.807 at Cs 2.7 mm: at
    // 2 Å and 1 µm Cs moves only the outermost zeros).
    expect(plain.corr).toBeGreaterThan(-0.68);
    expect(noPlate.corr).toBeGreaterThan(-0.7);
    expect(plate.corr).toBeLessThan(-0.78);
    expect(usualCs.corr).toBeGreaterThan(plate.corr);
    // Binned 8 (16 Å pixels, a spectrum's corners at 22.6 Å) the first zero (14 Å at 1 µm, across the tilted views) is out of reach: said.
    const binned = await wedgelab([...base.map((a) => (a === '24' ? '4' : a)), '--bin', '8', '--defocus', join(out, 'none_CTF.txt'), '--phase-flip', '--out', join(out, 'binned.mrc')]);
    expect(binned.stderr).toContain("tilt_series.mrc: the CTF's first zero (14.1–14.2 Å) against Nyquist (32.0 Å): it lies past every frequency the tilts hold at this pixel size, so phase flipping changes nothing here");
    expect(plate.stderr).not.toContain('changes nothing');
    // AreTomo3's session record (--session) names the microscope first: its kV, Cs and Q before the estimate's header.
    writeFileSync(join(out, 'AreTomo3_Session.json'), '{"parameters": {"kV": 200, "Cs": 2.7, "AmpContrast": 0.1}}');
    const withSession = await run('session', '--defocus', join(out, 'plate_CTF.txt'), '--session', join(out, 'AreTomo3_Session.json'), '--phase-flip');
    expect(withSession.stderr).toContain('(200 kV, Cs 2.7 mm, Q 0.1;');
    const notSession = await wedgelab([...base, '--session', join(out, 'plate_CTF.txt'), '--out', join(out, 'never.mrc')]);
    expect(notSession.stderr).toContain("--session takes AreTomo3's AreTomo3_Session.json;");
    // Cs and Q only mean something to the flip, and must be ones a microscope has.
    const alone = await wedgelab([...base, '--cs', '0', '--out', join(out, 'never.mrc')]);
    expect([alone.code, alone.stderr]).toEqual([2, expect.stringContaining('--cs: the microscope for --phase-flip or --ctf-by-depth, neither of which was asked for')]);
    const wrongQ = await wedgelab([...base, '--defocus', join(out, 'plate_CTF.txt'), '--phase-flip', '--amplitude-contrast', '7', '--out', join(out, 'never.mrc')]);
    expect(wrongQ.stderr).toContain('--amplitude-contrast: an amplitude contrast of 7: give a fraction from 0 to below 1');
    const wrongKv = await wedgelab([...base, '--defocus', join(out, 'plate_CTF.txt'), '--phase-flip', '--voltage', '3000', '--out', join(out, 'never.mrc')]);
    expect(wrongKv.stderr).toContain('--voltage: a voltage of 3000 kV: give 60–400 kV');
    const at200 = await run('at200', '--defocus', join(out, 'plate_CTF.txt'), '--phase-flip', '--voltage', '200');
    expect(at200.stderr).toContain('(200 kV, Cs 0.01 mm, Q 0.07;');
  });
});
