// FBP's CTF correction by depth (ctfByDepth.ts; docs/metadata.md#ctf-correction-by-depth): the slabs it plans, the
// defocus it gives each slab against the 2-D flip's gradient, and the tomogram against its definition (each slab's
// sections are those of a whole FBP of the tilts flipped at that slab's defocus), on the CPU path and on Dawn, pieced,
// and a sum of one term per tilt, as cross-validation assumes.
import { describe, expect, it } from 'vitest';
import { cpuEngine, gpuEngine, type EngineContext } from '../../context.ts';
import { callerPool } from '../../cpu/pool.ts';
import { electronWavelength, MICROSCOPE_300KV } from '../../ctf.ts';
import { doseWeightTiltSeries } from '../../doseWeighting.ts';
import { subsetTilts } from '../../evaluation/tiltSubsets.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import { columnDefocus, phaseFlipTilts, squaredFrequencies } from '../../phaseFlip.ts';
import { Rng } from '../../sim/random.ts';
import { CancelledError, type TiltSeries } from '../../types.ts';
import { fileOrderRuns, isPieced, wholeVolume } from '../../../io/piecedVolume.ts';
import { relativeError } from '../../checks/kernelChecks.ts';
import { UsageError } from '../flags.ts';
import { resolveRequest } from '../registry.ts';
import { reconstruct } from '../runners.ts';
import { FBP } from './base.ts';
import { DEPTH_PLAN_ANGLE, depthSlabs, slabDefocus } from './ctfByDepth.ts';
import { FBP_RUNNER } from './run.ts';

const THICKNESS = 40;

/** Seeded random tilts, 1 Å pixels, 0.5 µm under focus with a little spread: at 1 Å the slabs are 17 sections at most. */
function ctfSeries(): TiltSeries {
  const tiltAngles = [-60, -40, -20, 0, 20, 40, 60];
  const [nx, ny, nTilts] = [32, 4, tiltAngles.length];
  const rng = new Rng(77);
  const data = Float32Array.from({ length: nx * ny * nTilts }, () => rng.uniform(-1, 1));
  return { nx, ny, nTilts, data, tiltAngles, pixelSize: 1, defocus: tiltAngles.map((_, k) => 0.5 + 0.01 * k) };
}

/** The definition: slab by slab, the whole-thickness FBP (no zCentre) of the tilts flipped at the slab's defocus, its sections kept. */
async function byDefinition(engine: EngineContext, ts: TiltSeries): Promise<Float32Array> {
  const { nx, ny } = ts;
  const out = new Float32Array(nx * ny * THICKNESS);
  for (const slab of depthSlabs(THICKNESS, ts.pixelSize, 300)) {
    const defocus = slabDefocus(ts.defocus as number[], ts.tiltAngles, ts.pixelSize, slab.zCentre);
    const data = ts.data.slice();
    phaseFlipTilts(data, { nx, ny, pixelSize: ts.pixelSize, tiltAngles: ts.tiltAngles, defocus, microscope: MICROSCOPE_300KV }, squaredFrequencies(nx, ny, ts.pixelSize), 0, ts.nTilts);
    const flipped: TiltSeries = { nx, ny, nTilts: ts.nTilts, data, tiltAngles: ts.tiltAngles, pixelSize: ts.pixelSize };
    const whole = wholeVolume((await reconstruct(engine, flipped, { method: 'fbp', params: { thickness: THICKNESS } })).volume, 'FBP').data;
    out.set(whole.subarray(nx * ny * slab.z0, nx * ny * (slab.z0 + slab.nz)), nx * ny * slab.z0);
  }
  return out;
}

describe("FBP's CTF correction by depth", () => {
  it('plans slabs that tile the thickness, thin enough at the planning tilt, of heights one apart at most', () => {
    // p·cos 70°/λ at 1 Å and 300 kV: 17.4 sections.
    const tallest = Math.floor(Math.cos((DEPTH_PLAN_ANGLE * Math.PI) / 180) / electronWavelength(300));
    expect(tallest).toBe(17);
    for (const thickness of [1, 17, 18, 40, 161]) {
      const slabs = depthSlabs(thickness, 1, 300);
      expect(slabs.length).toBe(Math.ceil(thickness / tallest));
      let next = 0;
      for (const slab of slabs) {
        expect(slab.z0).toBe(next);
        expect(slab.nz).toBeLessThanOrEqual(tallest);
        // Its middle section's height in the tomogram's centred coordinates.
        expect(slab.zCentre).toBeCloseTo(slab.z0 + (slab.nz - 1) / 2 - (thickness - 1) / 2, 12);
        next += slab.nz;
      }
      expect(next).toBe(thickness);
      const heights = slabs.map((s) => s.nz);
      expect(Math.max(...heights) - Math.min(...heights)).toBeLessThanOrEqual(1);
    }
    // Binned data: one slab through 400 sections at 8 Å (the tallest is 139).
    expect(depthSlabs(400, 8, 300).length).toBe(3);
    expect(depthSlabs(100, 8, 300)).toEqual([{ z0: 0, nz: 100, zCentre: 0 }]);
  });

  it("gives a point the defocus of its height along the beam, with the 2-D flip's gradient across the view", () => {
    // A point at centred (x, z) voxels lands on detector column u = x·cos θ + z·sin θ (geometry.ts); along the beam it
    // lies at −x·sin θ + z·cos θ, and the higher, the nearer focus (the 2-D flip's gradient is that for z = 0).
    const [nx, pixelSize, defocus] = [201, 2, 1.5];
    for (const angle of [-55, -20, 0, 35, 60]) {
      const [c, s] = [Math.cos((angle * Math.PI) / 180), Math.sin((angle * Math.PI) / 180)];
      const columns = columnDefocus(nx, pixelSize, angle, 0);
      for (const [x, z] of [[30, 0], [-40, 25], [12, -33], [0, 50]]) {
        const u = Math.round(x * c + z * s);
        const along = -((u - z * s) / c) * s + z * c; // the height of the point on column u at height z
        const total = slabDefocus([defocus], [angle], pixelSize, z)[0] + columns[u + (nx - 1) / 2];
        expect(total).toBeCloseTo(defocus - (along * pixelSize) / 1e4, 12);
      }
    }
  });

  it('reads --ctf-by-depth with the microscope flags, names itself in the label, and checks the microscope', () => {
    expect(FBP.readFlags?.({ 'ctf-by-depth': true })).toMatchObject({ ctfByDepth: {} });
    expect(FBP.readFlags?.({ 'ctf-by-depth': true, voltage: '200', cs: '0.01' })).toMatchObject({ ctfByDepth: { voltage: 200, cs: 0.01 } });
    expect(FBP.readFlags?.({})).not.toHaveProperty('ctfByDepth');
    expect(() => FBP.readFlags?.({ 'ctf-by-depth': true, voltage: '1000' })).toThrow(UsageError);
    const ts = ctfSeries();
    expect(resolveRequest({ method: 'fbp', params: { thickness: 8, ctfByDepth: {} } }, ts).label).toBe('FBP (ram-lak, thickness 8, bin 1, CTF flipped by depth)');
    expect(resolveRequest({ method: 'fbp', params: { thickness: 8, ctfByDepth: { voltage: 200 } } }, ts).label).toBe('FBP (ram-lak, thickness 8, bin 1, CTF flipped by depth (200 kV))');
    expect(() => resolveRequest({ method: 'fbp', params: { ctfByDepth: { amplitudeContrast: 1 } } }, ts)).toThrow(/CTF correction by depth: an amplitude contrast of 1/);
  });

  it('reconstructs each slab as a whole FBP of its own flipped tilts would, on the CPU path (pieced) and on Dawn, and not as the 2-D flip does', async () => {
    const ts = ctfSeries();
    const cpu = cpuEngine(callerPool());
    const expected = await byDefinition(cpu, ts);
    const request = { method: 'fbp', params: { thickness: THICKNESS, ctfByDepth: {} } } as const;
    const onCpu = await reconstruct(cpu, ts, request, { pieceBytes: 32 * 4 * 2 * THICKNESS });
    expect(isPieced(onCpu.volume)).toBe(true);
    expect(relativeError(Float32Array.from([...fileOrderRuns(onCpu.volume)].flatMap((run) => [...run])), expected)).toBeLessThan(1e-5);
    const onGpu = await reconstruct(gpuEngine(await openNodeGpu()), ts, request);
    expect(relativeError(wholeVolume(onGpu.volume, 'FBP').data, expected)).toBeLessThan(1e-5);
    // The 2-D flip (the whole tomogram at the tilts' own defocus) is another tomogram.
    const flat = ts.data.slice();
    phaseFlipTilts(flat, { nx: ts.nx, ny: ts.ny, pixelSize: 1, tiltAngles: ts.tiltAngles, defocus: ts.defocus as number[], microscope: MICROSCOPE_300KV }, squaredFrequencies(ts.nx, ts.ny, 1), 0, ts.nTilts);
    const flipped = await reconstruct(cpu, { ...ts, data: flat, defocus: undefined }, { method: 'fbp', params: { thickness: THICKNESS } });
    expect(relativeError(wholeVolume(flipped.volume, 'FBP').data, expected)).toBeGreaterThan(0.05);
  });

  it("is a sum of one term per tilt (the slabs do not depend on which tilts are there): cross-validation's linearity holds", async () => {
    const ts = ctfSeries();
    const cpu = cpuEngine(callerPool());
    // The runner itself: a request of one tilt is refused before it (a tomogram needs three), as cross-validation's is not.
    const params = FBP.defaults(ts, { thickness: THICKNESS, ctfByDepth: {} });
    const run = async (series: TiltSeries) => wholeVolume((await FBP_RUNNER.run(cpu, series, params, {})).volume, 'FBP').data;
    const whole = await run(ts);
    const sum = new Float32Array(whole.length);
    const weight = FBP.tiltWeight as (n: number) => number;
    for (let k = 0; k < ts.nTilts; k++) {
      const alone = await run(subsetTilts(ts, [k]));
      alone.forEach((v, i) => (sum[i] += (v * weight(ts.nTilts)) / weight(1)));
    }
    expect(relativeError(sum, whole)).toBeLessThan(1e-5);
  });

  it('dose weights first when the series has doses: the same as by depth from the stack weighted beforehand', async () => {
    const doses = { accumulatedDose: [12, 6, 2, 0, 4, 8, 10], exposureDose: new Array(7).fill(2) };
    const ts = { ...ctfSeries(), ...doses };
    const request = { method: 'fbp', params: { thickness: THICKNESS, ctfByDepth: {} } } as const;
    const weighted = await reconstruct(cpuEngine(callerPool()), ts, request);
    expect(weighted.label).toBe('FBP (ram-lak, thickness 40, bin 1, dose-weighted, CTF flipped by depth)');
    const byHand = { ...doseWeightTiltSeries(ts), accumulatedDose: undefined, exposureDose: undefined };
    const reference = await reconstruct(cpuEngine(callerPool()), byHand, request);
    expect(relativeError(wholeVolume(weighted.volume, 'FBP').data, wholeVolume(reference.volume, 'FBP').data)).toBeLessThan(1e-6);
  });

  it("reports each slab's flip and FBP in turn, and stops at a cancel", async () => {
    const ts = ctfSeries();
    const request = { method: 'fbp', params: { thickness: THICKNESS, ctfByDepth: {} } } as const;
    const seen: { fraction: number; message: string }[] = [];
    await reconstruct(cpuEngine(callerPool()), ts, request, { onProgress: (p) => seen.push(p) });
    // Three slabs at 1 Å: each one's flip from its start, its FBP from its middle.
    expect(seen.filter((p) => p.message.endsWith('phase flipping the tilts (0 of 7)')).map((p) => p.fraction)).toEqual([0, 1 / 3, 2 / 3]);
    expect(seen.find((p) => p.message.startsWith('depth slab 2 of 3: FBP'))?.fraction).toBeCloseTo(0.5, 9);
    expect(seen.every((p, i) => i === 0 || p.fraction >= seen[i - 1].fraction)).toBe(true);
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(reconstruct(cpuEngine(callerPool()), ts, request, { signal: cancelled.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  it('is refused, saying why, for a series without a defocus', async () => {
    const ts = { ...ctfSeries(), defocus: undefined };
    await expect(reconstruct(cpuEngine(callerPool()), ts, { method: 'fbp', params: { thickness: 8, ctfByDepth: {} } })).rejects.toThrow(
      "FBP's CTF correction by depth: the tilt series has no defocus",
    );
  });
});
