// Cross-checks against numpy (FSC) and Debian's scikit-image (PSNR, SSIM), when this machine
// has /usr/bin/python3 with them (python3-skimage); skipped with the reason otherwise.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '../sim/random.ts';
import type { Volume } from '../types.ts';
import { fsc, type FscCurves } from './fsc.ts';
import { psnr, ssim3d } from './quality.ts';

const PYTHON = '/usr/bin/python3';
const hasNumpy = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const hasSkimage = hasNumpy && spawnSync(PYTHON, ['-c', 'import skimage.metrics, scipy.ndimage'], { encoding: 'utf8' }).status === 0;

const dir = mkdtempSync(join(tmpdir(), 'wedgelab-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Raw little-endian float32, x fastest: numpy reads it with shape (nz, ny, nx). */
function save(name: string, v: Volume): string {
  const path = join(dir, name);
  const bytes = new Uint8Array(v.data.length * 4);
  const view = new DataView(bytes.buffer);
  v.data.forEach((value, i) => view.setFloat32(4 * i, value, true));
  writeFileSync(path, bytes);
  return path;
}

function python(script: string, args: string[]): unknown {
  const result = spawnSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`python failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

function volume(nx: number, ny: number, nz: number, f: (x: number, y: number, z: number, rng: Rng) => number, seed: number): Volume {
  const rng = new Rng(seed);
  const data = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) data[x + nx * (y + ny * z)] = f(x, y, z, rng);
  return { nx, ny, nz, data, pixelSize: 0 };
}

const LOAD = `
import sys, json
import numpy as np
def load(path, nx, ny, nz):
    return np.fromfile(path, dtype='<f4').reshape(nz, ny, nx).astype(np.float64)
`;

// The definitions of docs/conventions.md#metrics, written plainly with numpy.
const FSC_SCRIPT = `${LOAD}
nx, ny, nz = (int(v) for v in sys.argv[3:6])
angles = json.loads(sys.argv[6])
a, b = load(sys.argv[1], nx, ny, nz), load(sys.argv[2], nx, ny, nz)
Fa, Fb = np.fft.fftn(a), np.fft.fftn(b)
kz, ky, kx = np.meshgrid(np.fft.fftfreq(nz), np.fft.fftfreq(ny), np.fft.fftfreq(nx), indexing='ij')
nmax = max(nx, ny, nz)
nsh = nmax // 2 + 1
r = np.round(np.sqrt(kx**2 + ky**2 + kz**2) * nmax).astype(int)
cross, pa, pb = (Fa * np.conj(Fb)).real, np.abs(Fa)**2, np.abs(Fb)**2
def curve(sel):
    sel = sel & (r < nsh)
    s = lambda w: np.bincount(r[sel], weights=w[sel], minlength=nsh)
    num, da, db = s(cross), s(pa), s(pb)
    d = np.sqrt(da * db)
    return [float(v) for v in np.where(d > 0, num / np.where(d > 0, d, 1), 0)]
out = {'fsc': curve(np.ones_like(r, dtype=bool)), 'counts': [int(c) for c in np.bincount(r[r < nsh], minlength=nsh)]}
if angles:
    t = np.deg2rad(np.array(angles))
    # 1e-9: exact half-voxel ties (cos 60 = 0.5) count as measured, as <= says.
    measured = np.zeros_like(r, dtype=bool)
    for th in t:
        measured |= np.abs(-kx * np.sin(th) + kz * np.cos(th)) * nmax <= 0.5 + 1e-9
    phi = np.degrees(np.arctan2(kz, kx))
    phi = np.where(phi > 90, phi - 180, phi)
    phi = np.where(phi <= -90, phi + 180, phi)
    cone = ((phi >= min(angles) - 1e-9) & (phi <= max(angles) + 1e-9)) | ((kx == 0) & (kz == 0))
    out.update(fscMeasured=curve(measured), fscMissing=curve(~measured), fscWedge=curve(cone), fscWedgeMissing=curve(~cone))
print(json.dumps(out))
`;

const QUALITY_SCRIPT = `${LOAD}
from skimage.metrics import structural_similarity, peak_signal_noise_ratio
nx, ny, nz = (int(v) for v in sys.argv[3:6])
x, g = load(sys.argv[1], nx, ny, nz), load(sys.argv[2], nx, ny, nz)
A = np.stack([x.ravel(), np.ones(x.size)], axis=1)
(alpha, beta), *_ = np.linalg.lstsq(A, g.ravel(), rcond=None)
xp = alpha * x + beta
L = g.max() - g.min()
print(json.dumps({
    'psnr': float(peak_signal_noise_ratio(g, xp, data_range=L)),
    'ssim': float(structural_similarity(g, xp, gaussian_weights=True, sigma=1.5, use_sample_covariance=False, data_range=L)),
}))
`;

function maxAbsDiff(a: number[] | undefined, b: number[] | undefined): number {
  if (!a || !b || a.length !== b.length) throw new Error('curves of different lengths');
  return Math.max(...a.map((v, i) => Math.abs(v - b[i])));
}

const fscTitle = hasNumpy ? 'FSC agrees with numpy' : `FSC agrees with numpy (SKIPPED: ${PYTHON} cannot import numpy; apt install python3-numpy)`;
describe.skipIf(!hasNumpy)(fscTitle, () => {
  const cases: [string, number, number, number, number[]][] = [
    ['non-cubic, uneven tilts', 20, 17, 13, [-57, -30, -3, 21, 48, 60]],
    ['cubic, −60…60 step 3', 24, 24, 24, Array.from({ length: 41 }, (_, i) => -60 + 3 * i)],
    ['flat slab, no angles', 22, 18, 6, []],
  ];
  it.each(cases)('%s (%i × %i × %i)', (_name, nx, ny, nz, angles) => {
    const a = volume(nx, ny, nz, (x, y, z, rng) => Math.sin(x / 3 + y / 5) * Math.cos(z / 2) + rng.normal(0, 0.5), nx);
    const b = volume(nx, ny, nz, (x, y, z, rng) => 7 * (Math.sin(x / 3 + y / 5) * Math.cos(z / 2) + rng.normal(0, 0.7)) + 1, ny);
    const want = python(FSC_SCRIPT, [save('a.raw', a), save('b.raw', b), String(nx), String(ny), String(nz), JSON.stringify(angles)]) as FscCurves;
    const got = fsc(a, b, angles);
    expect(got.counts).toEqual(want.counts);
    const keys = angles.length ? (['fsc', 'fscMeasured', 'fscMissing', 'fscWedge', 'fscWedgeMissing'] as const) : (['fsc'] as const);
    const diffs = keys.map((k) => maxAbsDiff(got[k], want[k]));
    for (const d of diffs) expect(d).toBeLessThan(1e-12);
  });
});

const qualityTitle = hasSkimage
  ? 'PSNR and SSIM agree with scikit-image'
  : `PSNR and SSIM agree with scikit-image (SKIPPED: ${PYTHON} cannot import skimage and scipy; apt install python3-skimage)`;
describe.skipIf(!hasSkimage)(qualityTitle, () => {
  const blob = (x: number, y: number, z: number) => Math.exp(-((x - 9) ** 2 + (y - 7) ** 2 + (z - 6) ** 2) / 20) + 0.5 * Math.exp(-((x - 15) ** 2 + (y - 12) ** 2 + (z - 4) ** 2) / 8);
  const cases: [string, Volume, Volume][] = [
    ['random volumes', volume(20, 17, 13, (_x, _y, _z, rng) => rng.normal(), 1), volume(20, 17, 13, (_x, _y, _z, rng) => rng.uniform(-2, 5), 2)],
    [
      'scaled, offset and noisy structure',
      volume(20, 17, 13, (x, y, z, rng) => -3 * blob(x, y, z) + 40 + rng.normal(0, 0.2), 3),
      volume(20, 17, 13, (x, y, z, rng) => blob(x, y, z) + rng.normal(0, 0.05), 4),
    ],
    ['larger, smooth', volume(26, 23, 19, (x, y, z, rng) => blob(x, y, z) + rng.normal(0, 0.1), 5), volume(26, 23, 19, (x, y, z) => blob(x, y, z), 6)],
  ];
  it.each(cases)('%s', (_name, result, truth) => {
    const want = python(QUALITY_SCRIPT, [save('x.raw', result), save('g.raw', truth), String(truth.nx), String(truth.ny), String(truth.nz)]) as { psnr: number; ssim: number };
    expect(Math.abs(psnr(result, truth) - want.psnr)).toBeLessThan(1e-8);
    expect(Math.abs(ssim3d(result, truth) - want.ssim)).toBeLessThan(1e-8);
  });
});
