// Round trips: a raw stack made from an analytic scene through known rotations, magnifications and shifts,
// its .xf / .aln written out, parsed and applied (GPU on Dawn, and the CPU reference), must give the scene back
// in place: the residual shift, found by sub-pixel registration against the scene, is under 0.05 pixel.
import { describe, expect, it } from 'vitest';
import { aretomoAlignment, checkAlignment, imodAlignment, type StackAlignment } from '../../io/alignmentFiles.ts';
import { openNodeGpu } from '../gpu/node.ts';
import { alignStackCpu } from '../reference/alignment.ts';
import { relativeError } from '../checks/kernelChecks.ts';
import { alignStackGpu } from './resample.ts';
import type { SectionStack } from './geometry.ts';

const SIGMA = 3;
/** Gaussians of the aligned scene, in centred pixels, far enough apart to register each on its own. */
const PEAKS = [
  { x: -10, y: -9, a: 1 },
  { x: 11, y: -8, a: 0.8 },
  { x: -9, y: 10, a: 1.2 },
  { x: 10, y: 11, a: 0.9 },
];

function scene(u: number, v: number): number {
  let value = 0.1;
  for (const p of PEAKS) value += p.a * Math.exp(-((u - p.x) ** 2 + (v - p.y) ** 2) / (2 * SIGMA * SIGMA));
  return value;
}

const NX = 72;
const NY = 64;

/** A raw stack whose section k shows the scene at aligned position toAligned[k](raw position); null = a dark section. */
function rawStack(toAligned: (((x: number, y: number) => [number, number]) | null)[]): SectionStack {
  const data = new Float32Array(NX * NY * toAligned.length);
  toAligned.forEach((map, k) => {
    for (let y = 0; y < NY; y++) {
      for (let x = 0; x < NX; x++) {
        const [u, v] = map ? map(x - (NX - 1) / 2, y - (NY - 1) / 2) : [0, 0];
        data[(k * NY + y) * NX + x] = map ? scene(u, v) : 1000;
      }
    }
  });
  return { nx: NX, ny: NY, nSections: toAligned.length, data };
}

/** The scene shifted by δ (unbinned pixels) as an aligned image of nx × ny pixels binned by `bin` sees it. */
function model(x: number, y: number, nx: number, ny: number, bin: number, dx: number, dy: number): number {
  let sum = 0;
  for (let j = 0; j < bin; j++) {
    for (let i = 0; i < bin; i++) sum += scene(x * bin + i - (nx * bin - 1) / 2 - dx, y * bin + j - (ny * bin - 1) / 2 - dy);
  }
  return sum / (bin * bin);
}

/** Shift of one peak in section k of `aligned`, in output pixels, by Gauss–Newton against the shifted scene. */
function residualShift(aligned: SectionStack, k: number, bin: number, peak: (typeof PEAKS)[number]): [number, number] {
  const { nx, ny } = aligned;
  const pixels: [number, number, number][] = [];
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const u = (x - (nx - 1) / 2) * bin;
      const v = (y - (ny - 1) / 2) * bin;
      if (Math.hypot(u - peak.x, v - peak.y) <= 2.5 * SIGMA) pixels.push([x, y, aligned.data[(k * ny + y) * nx + x]]);
    }
  }
  let dx = 0;
  let dy = 0;
  const h = 1e-3;
  for (let iteration = 0; iteration < 5; iteration++) {
    let [sxx, sxy, syy, bx, by] = [0, 0, 0, 0, 0];
    for (const [x, y, value] of pixels) {
      const r = value - model(x, y, nx, ny, bin, dx, dy);
      const jx = (model(x, y, nx, ny, bin, dx + h, dy) - model(x, y, nx, ny, bin, dx - h, dy)) / (2 * h);
      const jy = (model(x, y, nx, ny, bin, dx, dy + h) - model(x, y, nx, ny, bin, dx, dy - h)) / (2 * h);
      [sxx, sxy, syy, bx, by] = [sxx + jx * jx, sxy + jx * jy, syy + jy * jy, bx + jx * r, by + jy * r];
    }
    const det = sxx * syy - sxy * sxy;
    dx += (syy * bx - sxy * by) / det;
    dy += (sxx * by - sxy * bx) / det;
  }
  return [dx / bin, dy / bin];
}

/** Largest residual shift over the peaks and sections, in output pixels. */
function largestShift(aligned: SectionStack, bin: number): number {
  let largest = 0;
  for (let k = 0; k < aligned.nSections; k++) {
    for (const peak of PEAKS) largest = Math.max(largest, Math.hypot(...residualShift(aligned, k, bin, peak)));
  }
  return largest;
}

/** GPU (batches of 2 sections) and CPU results, which must agree. */
async function alignBoth(raw: SectionStack, alignment: StackAlignment, bin: number) {
  const budget = 2 * (NX * NY + Math.floor(NX / bin) * Math.floor(NY / bin)) * 4;
  const gpu = await alignStackGpu(await openNodeGpu(), raw, alignment, { bin, memoryBudgetBytes: budget });
  const cpu = alignStackCpu(raw, alignment, bin);
  expect(relativeError(gpu.data, cpu.data)).toBeLessThan(1e-5);
  return { gpu, cpu };
}

// IMOD's .xf: aligned = m·R(φ)·raw + D about the centres. φ near ±90° as for a tilt axis along the camera's X.
const XF_CASES = [
  { phi: 3, mag: 1, dx: 1.3, dy: -0.7 },
  { phi: -85, mag: 1.02, dx: -2.1, dy: 0.4 },
  { phi: 12, mag: 0.97, dx: 0.25, dy: 1.75 },
  { phi: 88.5, mag: 1.01, dx: -0.6, dy: -2.35 },
];

function xfMatrix({ phi, mag }: (typeof XF_CASES)[number]): [number, number, number, number] {
  const r = (phi * Math.PI) / 180;
  return [mag * Math.cos(r), -mag * Math.sin(r), mag * Math.sin(r), mag * Math.cos(r)];
}

/** The .xf text as IMOD writes it (%12.7f for the matrix, %12.3f for the shifts). */
function xfText(): string {
  return XF_CASES.map((c) => [...xfMatrix(c).map((a) => a.toFixed(7)), c.dx.toFixed(3), c.dy.toFixed(3)].map((s) => s.padStart(12)).join('') + '\n').join('');
}

function xfRaw(): SectionStack {
  return rawStack(
    XF_CASES.map((c) => {
      const [a11, a12, a21, a22] = xfMatrix(c);
      return (x, y) => [a11 * x + a12 * y + c.dx, a21 * x + a22 * y + c.dy];
    }),
  );
}

// AreTomo's .aln: raw = R(ROT)·aligned + (TX, TY). Section 1 is dark; rows are written sorted by tilt.
const ALN_CASES = [
  { section: 3, rot: 86.1, tx: 3.2, ty: -1.7, tilt: -30 },
  { section: 0, rot: 85.3, tx: 0, ty: 0, tilt: 0 },
  { section: 2, rot: -84.7, tx: -2.45, ty: 1.05, tilt: 30 },
  { section: 4, rot: 85.9, tx: 1.5, ty: 2.5, tilt: 60 },
];

function alnText(): string {
  const rows = ALN_CASES.map(
    (c) => `${String(c.section).padStart(5)}  ${c.rot.toFixed(4).padStart(9)}    1.00000  ${c.tx.toFixed(3).padStart(9)}  ${c.ty.toFixed(3).padStart(9)}     1.00     1.00     1.00     0.00  ${c.tilt.toFixed(2).padStart(8)}`,
  );
  return [
    '# AreTomo Alignment / Priims bprmMn',
    `# RawSize = ${NX} ${NY} 5`,
    '# NumPatches = 1',
    '# DarkFrame =     3    1   -60.00',
    '# SEC     ROT         GMAG       TX          TY      SMEAN     SFIT    SCALE     BASE     TILT',
    ...rows,
    '# Local Alignment',
    ...ALN_CASES.map((_, t) => `${String(t).padStart(4)}   0   -10.00    -10.00      9.00     -9.00   1.0`),
    '',
  ].join('\n');
}

function alnRaw(): SectionStack {
  const maps: (((x: number, y: number) => [number, number]) | null)[] = [null, null, null, null, null];
  for (const c of ALN_CASES) {
    const r = (-c.rot * Math.PI) / 180;
    maps[c.section] = (x, y) => [Math.cos(r) * (x - c.tx) - Math.sin(r) * (y - c.ty), Math.sin(r) * (x - c.tx) + Math.cos(r) * (y - c.ty)];
  }
  return rawStack(maps);
}

describe('applying alignments: round trips through the files (GPU on Dawn and CPU reference)', () => {
  it('IMOD .xf with rotations, magnifications and shifts: residual shift < 0.05 px', async () => {
    const raw = xfRaw();
    const alignment = imodAlignment({ name: 'synthetic.xf', text: xfText() });
    checkAlignment(alignment, { name: 'synthetic.st', nx: NX, ny: NY, nSections: raw.nSections });
    const { gpu, cpu } = await alignBoth(raw, alignment, 1);
    expect(gpu.nSections).toBe(4);
    const shifts = [largestShift(gpu, 1), largestShift(cpu, 1)];
    console.log(`xf round trip: largest residual shift GPU ${shifts[0].toFixed(4)} px, CPU ${shifts[1].toFixed(4)} px`);
    for (const s of shifts) expect(s).toBeLessThan(0.05);
  });

  it('IMOD .xf binned by 2: residual shift < 0.05 binned px', async () => {
    const { gpu, cpu } = await alignBoth(xfRaw(), imodAlignment({ name: 'synthetic.xf', text: xfText() }), 2);
    expect([gpu.nx, gpu.ny]).toEqual([NX / 2, NY / 2]);
    const shifts = [largestShift(gpu, 2), largestShift(cpu, 2)];
    console.log(`xf bin 2 round trip: largest residual shift GPU ${shifts[0].toFixed(4)}, CPU ${shifts[1].toFixed(4)} binned px`);
    for (const s of shifts) expect(s).toBeLessThan(0.05);
  });

  it('AreTomo .aln with a dark section and a local alignment block: kept sections in stack order, residual < 0.05 px', async () => {
    const raw = alnRaw();
    const alignment = aretomoAlignment({ name: 'synthetic.aln', text: alnText() });
    checkAlignment(alignment, { name: 'synthetic.mrc', nx: NX, ny: NY, nSections: raw.nSections });
    expect(alignment.keptSections).toEqual([0, 2, 3, 4]);
    expect(alignment.tiltAngles).toEqual([0, 30, -30, 60]);
    const { gpu, cpu } = await alignBoth(raw, alignment, 1);
    expect(Math.max(...gpu.data)).toBeLessThan(2); // the dark section (1000 everywhere) is left out
    const shifts = [largestShift(gpu, 1), largestShift(cpu, 1)];
    console.log(`aln round trip: largest residual shift GPU ${shifts[0].toFixed(4)} px, CPU ${shifts[1].toFixed(4)} px`);
    for (const s of shifts) expect(s).toBeLessThan(0.05);
  });

  it('fills samples outside the raw image with the section mean, as newstack does by default', async () => {
    const raw = xfRaw();
    const alignment = imodAlignment({ name: 'away.xf', text: '1 0 0 1 0 0\n1 0 0 1 500 0\n1 0 0 1 0 0\n1 0 0 1 0 -500\n' });
    const { gpu } = await alignBoth(raw, alignment, 1);
    for (const k of [1, 3]) {
      let mean = 0;
      for (let i = 0; i < NX * NY; i++) mean += raw.data[k * NX * NY + i];
      mean /= NX * NY;
      const section = gpu.data.subarray(k * NX * NY, (k + 1) * NX * NY);
      expect(Math.max(...section.map((v) => Math.abs(v - mean)))).toBeLessThan(1e-6);
    }
    expect(relativeError(gpu.data.subarray(0, NX * NY), raw.data.subarray(0, NX * NY))).toBeLessThan(1e-6); // identity
  });
});
