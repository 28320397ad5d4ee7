// Phase flipping against the CTF worked by hand (300 kV: λ = 0.019687 Å, Cs 2.7 mm, Q 0.07) and against the tilted
// specimen's defocus gradient as IMOD's ctfphaseflip states it: Δz(x) = Δz₀ + x·pixel·tan θ.
import { afterAll, describe, expect, it } from 'vitest';
import { phaseFlipTiltSeries } from './cpu/phaseFlip.ts';
import { nodePool } from './cpu/nodePool.ts';
import { callerPool } from './cpu/pool.ts';
import { columnDefocus, defocusLevels, defocusStep, flipChangesNothing, microscopeOf, microscopeOverrideProblem, phaseFlipReach, phaseFlipReachText, phaseFlipText, phaseFlipUnavailable } from './phaseFlip.ts';
import { CancelledError, type TiltSeries } from './types.ts';
import { firstFlippedFrequency, MICROSCOPE_300KV } from './ctf.ts';
import { doseFilter } from './doseWeighting.ts';

/** The flip on the calling thread (the CPU pool of one). */
const flip = (ts: TiltSeries, options?: Parameters<typeof phaseFlipTiltSeries>[2]) => phaseFlipTiltSeries(ts, callerPool(), options);

/** cos(2π(cx·x/nx + cy·y/ny)) on every tilt: one pure spatial frequency, whole cycles across the tilt. */
function waves(nx: number, ny: number, nTilts: number, cx: number, cy: number): Float32Array {
  const out = new Float32Array(nx * ny * nTilts);
  for (let i = 0; i < out.length; i++) {
    const x = i % nx;
    const y = Math.floor(i / nx) % ny;
    out[i] = Math.cos(2 * Math.PI * ((cx * x) / nx + (cy * y) / ny));
  }
  return out;
}

const series = (nx: number, ny: number, data: Float32Array, tiltAngles: number[], defocus: number[], pixelSize: number): TiltSeries => ({
  nx,
  ny,
  nTilts: tiltAngles.length,
  data,
  tiltAngles,
  pixelSize,
  defocus,
});

describe('phase flip', () => {
  it('keeps the first lobe, negates the second and leaves the mean, for an untilted view at 3 µm', async () => {
    const [nx, ny, pixel] = [64, 4, 8];
    // f = 5/512 Å⁻¹: χ = π·λ·3e4·f² = 0.177 rad, CTF = −(0.9975·sin χ + 0.07·cos χ) = −0.245 < 0: first lobe, ×1.
    // f = 24/512 Å⁻¹: χ = 4.077 − 0.0016 (Cs) = 4.075 rad, CTF = −(0.9975·(−0.804) + 0.07·(−0.595)) = +0.84: ×(−1).
    for (const [cx, sign] of [
      [5, 1],
      [24, -1],
      [0, 1],
    ]) {
      const input = waves(nx, ny, 1, cx, 0);
      const { tiltSeries, maxLevels } = await flip(series(nx, ny, input, [0], [3], pixel));
      expect(maxLevels).toBe(1);
      for (let i = 0; i < input.length; i++) expect(tiltSeries.data[i]).toBeCloseTo(sign * input[i], 5);
      expect(tiltSeries.defocus).toBeUndefined();
    }
  });

  it("flips each tilt for its phase plate's shift too, and leaves none to flip again", async () => {
    const [nx, ny, pixel] = [64, 4, 8];
    // f = 15/512 Å⁻¹ at 3 µm: χ = 1.593 rad (0.177 at 5/512, × 9; Cs 0.0002), χ + atan(0.07/0.9975) = 1.663 < π: ×1
    // without a plate; with π/2 added, 3.234 > π: the CTF is positive there, ×(−1). f = 5/512: 0.247 and 1.818: ×1 both.
    for (const [cx, shift, sign] of [
      [15, 0, 1],
      [15, Math.PI / 2, -1],
      [5, Math.PI / 2, 1],
    ]) {
      const input = waves(nx, ny, 1, cx, 0);
      const report = await flip({ ...series(nx, ny, input, [0], [3], pixel), ...(shift && { phaseShift: [shift] }) });
      for (let i = 0; i < input.length; i++) expect(report.tiltSeries.data[i]).toBeCloseTo(sign * input[i], 5);
      expect(report.tiltSeries.phaseShift).toBeUndefined();
      expect(phaseFlipText(report)).toBe(
        shift ? "phase flipped at each tilt's defocus and phase-plate shift (0.50 π) (300 kV, Cs 2.7 mm, Q 0.07; one defocus per tilt)" : "phase flipped at each tilt's defocus (300 kV, Cs 2.7 mm, Q 0.07; one defocus per tilt)",
      );
    }
    const two = series(8, 8, new Float32Array(128), [0, 3], [3, 3], 4);
    expect(phaseFlipUnavailable({ ...two, phaseShift: [1] })).toBe('the tilt series has 2 tilts but a phase shift for 1');
  });

  it('flips an astigmatic tilt along each direction at its own defocus: defocus 1 along its angle, defocus 2 across', async () => {
    // 3 µm ± 0.4 µm (defocus 1 − 2 = 0.8 µm), defocus 1 along 0° (cos2 0.4, sin2 0), 8 Å. A wave of 21 cycles over the
    // 64-pixel tilt (f = 21/512 Å⁻¹): χ + atan(0.07/0.9975) at 3.4 and 2.6 µm is 1.15π and 0.88π: past π at 3.4 µm
    // (×(−1)), not at 2.6 µm (×1).
    const [nx, ny, pixel] = [64, 64, 8];
    const astigmatic = (cos2: number, sin2: number) => ({ astigmatism: { cos2: [cos2], sin2: [sin2] } });
    for (const [cx, cy, sign] of [
      [21, 0, -1], // along defocus 1: 3.4 µm
      [0, 21, 1], // across: 2.6 µm
    ]) {
      const input = waves(nx, ny, 1, cx, cy);
      const report = await flip({ ...series(nx, ny, input, [0], [3], pixel), ...astigmatic(0.4, 0) });
      for (let i = 0; i < input.length; i++) expect(report.tiltSeries.data[i]).toBeCloseTo(sign * input[i], 5);
      expect(report.tiltSeries.astigmatism).toBeUndefined();
      expect(report.astigmatism).toBeCloseTo(0.8, 12);
      expect(phaseFlipText(report)).toBe("phase flipped at each tilt's defocus and astigmatism (up to 0.80 µm) (300 kV, Cs 2.7 mm, Q 0.07; one defocus per tilt)");
      // Defocus 1 turned to 90° (cos2 −0.4): the other way round.
      const turned = await flip({ ...series(nx, ny, input, [0], [3], pixel), ...astigmatic(-0.4, 0) });
      for (let i = 0; i < input.length; i++) expect(turned.tiltSeries.data[i]).toBeCloseTo(-sign * input[i], 5);
    }
    // Along 45° (a wave of (15, 15) cycles, f = 21.2/512 Å⁻¹: 1.17π at 3.4 µm, 0.90π at 2.6 µm): there the defocus is
    // 3 µm + sin2 (defocus 1 along 45°: 3.4 µm, ×(−1); along 135°: 2.6 µm, ×1).
    const diagonal = waves(nx, ny, 1, 15, 15);
    const along45 = await flip({ ...series(nx, ny, diagonal, [0], [3], pixel), ...astigmatic(0, 0.4) });
    for (let i = 0; i < diagonal.length; i++) expect(along45.tiltSeries.data[i]).toBeCloseTo(-diagonal[i], 5);
    const across45 = await flip({ ...series(nx, ny, diagonal, [0], [3], pixel), ...astigmatic(0, -0.4) });
    for (let i = 0; i < diagonal.length; i++) expect(across45.tiltSeries.data[i]).toBeCloseTo(diagonal[i], 5);
    // The reach takes both axes: the first zero's length is shortest along the axis nearer focus.
    const reach = phaseFlipReach({ ...series(nx, ny, diagonal, [0], [3], pixel), ...astigmatic(0, 0.4) }, MICROSCOPE_300KV);
    expect(reach?.firstZero[0]).toBeCloseTo(1 / firstFlippedFrequency(2.6), 9);
    expect(reach?.firstZero[1]).toBeCloseTo(1 / firstFlippedFrequency(3.4), 9);
    expect(phaseFlipUnavailable({ ...series(8, 8, new Float32Array(128), [0, 3], [3, 3], 4), ...astigmatic(0, 0) })).toBe('the tilt series has 2 tilts but an astigmatism for 1');
    // A moved column moves the ends' defocus: at 60°, the columns 31.5 − 20 pixels left and 31.5 + 20 right of it, 8 Å.
    const moved = phaseFlipReach({ ...series(nx, ny, diagonal, [60], [3], pixel), defocusColumn: [-20] }, MICROSCOPE_300KV);
    const perPixel = (8 * Math.tan(Math.PI / 3)) / 1e4;
    expect(moved?.firstZero).toEqual([expect.closeTo(1 / firstFlippedFrequency(3 - 11.5 * perPixel), 9), expect.closeTo(1 / firstFlippedFrequency(3 + 51.5 * perPixel), 9)]);
  });

  it("takes kV, Cs and Q as given, else as the series' files gave them, else 300 kV, 2.7 mm and 0.07; refuses ones that cannot be", async () => {
    expect(microscopeOf({})).toEqual({ voltage: 300, cs: 2.7, amplitudeContrast: 0.07 });
    const fromFiles = { voltage: 200, sphericalAberration: 0.01, amplitudeContrast: 0.1 };
    expect(microscopeOf(fromFiles)).toEqual({ voltage: 200, cs: 0.01, amplitudeContrast: 0.1 });
    expect(microscopeOf(fromFiles, { cs: 2.7 })).toEqual({ voltage: 200, cs: 2.7, amplitudeContrast: 0.1 });
    expect(microscopeOverrideProblem({ cs: -1 })).toMatch(/^a spherical aberration of -1 mm: give 0–10 mm/);
    expect(microscopeOverrideProblem({ amplitudeContrast: 7 })).toMatch(/^an amplitude contrast of 7: give a fraction from 0 to below 1/);
    expect(microscopeOverrideProblem({ cs: 0, amplitudeContrast: 0 })).toBeNull();
    expect(microscopeOverrideProblem({ voltage: 30 })).toMatch(/^a voltage of 30 kV: give 60–400 kV/);
    expect(microscopeOf(fromFiles, { voltage: 300 })).toEqual({ voltage: 300, cs: 0.01, amplitudeContrast: 0.1 });
    // At 1 Å pixels and 1 µm, Cs moves the outer zeros: a flip for Cs 0.01 mm differs from one for 2.7 mm.
    const input = Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i * 0.37) + (i % 7));
    const ts = series(64, 64, input, [0], [1], 1);
    const [corrected, usual] = await Promise.all([flip(ts, { microscope: { cs: 0.01 } }), flip(ts)]);
    expect(corrected.microscope.cs).toBe(0.01);
    // The flipped series carries the microscope it was corrected for, so its dose weighting sees the typed voltage.
    expect(corrected.tiltSeries).toMatchObject({ voltage: 300, sphericalAberration: 0.01, amplitudeContrast: 0.07 });
    const at200 = await flip({ ...ts, voltage: 300 }, { microscope: { voltage: 200 } });
    expect(at200.tiltSeries.voltage).toBe(200);
    const doses = { accumulatedDose: [0], exposureDose: [3] };
    const weighting = (voltage?: number) => doseFilter({ ...ts, ...doses, ...(voltage && { voltage }) }).inverseCritical;
    expect(doseFilter({ ...at200.tiltSeries, ...doses }).inverseCritical).toEqual(weighting(200));
    expect(weighting(200)).not.toEqual(weighting(300));
    expect((await flip(ts, { microscope: { voltage: 120 } })).tiltSeries.voltage).toBe(120);
    expect(corrected.tiltSeries.data).not.toEqual(usual.tiltSeries.data);
    await expect(flip(ts, { microscope: { amplitudeContrast: 1 } })).rejects.toThrow('phase flip: an amplitude contrast of 1: give a fraction');
  });

  it('flipped twice at one level gives a random tilt back', async () => {
    const [nx, ny] = [30, 22];
    const input = Float32Array.from({ length: nx * ny }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const once = (await flip(series(nx, ny, input, [10], [2.5], 6))).tiltSeries;
    expect(once.data).not.toEqual(input);
    const twice = (await flip({ ...once, defocus: [2.5] })).tiltSeries;
    for (let i = 0; i < input.length; i++) expect(twice.data[i]).toBeCloseTo(input[i], 5);
  });

  it('spaces the levels at most p²/λ apart across the tilted view, more underfocus to the right for θ > 0', () => {
    // p = 2 Å: 4 / 0.019687 = 203.2 Å = 0.02032 µm.
    expect(defocusStep(2, 300)).toBeCloseTo(0.02032, 5);
    const columns = columnDefocus(5, 2, 45, 3);
    // (x − 2) pixels × 2 Å × tan 45°: 2 Å = 0.0002 µm per pixel about 3 µm.
    expect(Array.from(columns)).toEqual([2.9996, 2.9998, 3, 3.0002, 3.0004].map((d) => expect.closeTo(d, 12)));
    expect(columnDefocus(5, 2, -45, 3)[0]).toBeCloseTo(3.0004, 12);
    // The estimate's column moved 1.5 pixels right (an alignment's shift): 3 µm there, between columns 3 and 4.
    expect(Array.from(columnDefocus(5, 2, 45, 3, 1.5))).toEqual([2.9993, 2.9995, 2.9997, 2.9999, 3.0001].map((d) => expect.closeTo(d, 12)));
    expect(defocusLevels(columns, 0.01)).toEqual([3]);
    expect(defocusLevels(Float64Array.from([1, 1.05]), 0.02)).toEqual([1, 1 + 0.05 / 3, 1 + 0.1 / 3, 1.05].map((d) => expect.closeTo(d, 12)));
  });

  it('flips each column for its own defocus across a tilt at ±60° (IMOD’s gradient), blending only near the zero', async () => {
    const [nx, ny, pixel] = [512, 16, 2];
    // f = 2/(16·2) = 0.0625 Å⁻¹ along y, constant along x; its CTF zero (χ ≈ π − Q) is at about 1.28 µm. Across the
    // 512 columns at 60° the defocus spans ±511/2 · 2 Å · tan 60° = ±0.0885 µm about 1.3 µm: the zero is crossed.
    const input = waves(nx, ny, 2, 0, 2);
    const { tiltSeries, maxLevels } = await flip(series(nx, ny, input, [60, -60], [1.3, 1.3], pixel));
    expect(maxLevels).toBe(Math.ceil((2 * 0.0885) / defocusStep(pixel, 300)) + 1);
    const f = 0.0625;
    const lambda = 0.019687;
    const ctfAt = (defocusUm: number) => {
      const chi = Math.PI * lambda * defocusUm * 1e4 * f * f - (Math.PI / 2) * 2.7e7 * lambda ** 3 * f ** 4;
      return -(Math.sqrt(1 - 0.07 ** 2) * Math.sin(chi) + 0.07 * Math.cos(chi));
    };
    const plane = nx * ny;
    for (const [t, angle] of [
      [0, 60],
      [1, -60],
    ]) {
      let flipped = 0;
      for (let x = 0; x < nx; x++) {
        const d = 1.3 + ((x - (nx - 1) / 2) * pixel * Math.tan((angle * Math.PI) / 180)) / 1e4;
        const step = defocusStep(pixel, 300);
        // Away from the zero both levels around the column agree: the column is exactly ±the wave.
        if (Math.sign(ctfAt(d - step)) !== Math.sign(ctfAt(d + step))) continue;
        const sign = ctfAt(d) > 0 ? -1 : 1;
        if (sign < 0) flipped++;
        for (let y = 0; y < ny; y++) expect(tiltSeries.data[t * plane + x + nx * y]).toBeCloseTo(sign * input[x + nx * y], 4);
      }
      // Some columns on each side of the zero: the right ones at +60°, the left ones at −60°.
      expect(flipped).toBeGreaterThan(50);
      expect(flipped).toBeLessThan(nx - 50);
      const rightmost = tiltSeries.data[t * plane + nx - 1] / input[nx - 1];
      expect(rightmost).toBeCloseTo(angle > 0 ? -1 : 1, 4);
    }
  });

  it('with the tilt angles inverted, runs the defocus gradient the other way (IMOD ctfphaseflip -InvertTiltAngles)', async () => {
    const [nx, ny, pixel] = [256, 8, 2];
    const input = Float32Array.from({ length: nx * ny * 2 }, (_, i) => Math.sin(i * 0.37) + (i % 7));
    const inverted = await flip(series(nx, ny, input, [55, -40], [1.3, 2], pixel), { invertAngles: true });
    const negated = await flip(series(nx, ny, input, [-55, 40], [1.3, 2], pixel));
    const asGiven = await flip(series(nx, ny, input, [55, -40], [1.3, 2], pixel));
    expect(inverted.tiltSeries.data).toEqual(negated.tiltSeries.data);
    expect(inverted.tiltSeries.data).not.toEqual(asGiven.tiltSeries.data);
    // The series keeps its angles as given: only the flip's gradient follows the inversion.
    expect(inverted.tiltSeries.tiltAngles).toEqual([55, -40]);
    expect(phaseFlipText(inverted)).toMatch(/; the defocus gradient at the inverted tilt angles\)$/);
    expect(phaseFlipText(asGiven)).not.toContain('inverted');
  });

  it('says where the first zero lies against Nyquist, and past it the flip gives the tilts back unchanged', async () => {
    const m = microscopeOf({});
    // 3 and 3.5 µm: first zeros at about 25 and 27 Å (χ + atan(Q/√(1 − Q²)) = π).
    const defocus = [3, 3.5];
    // Untilted views of 64 columns: no gradient across them.
    const reach = (pixelSize: number, nx = 64, tiltAngles = [0, 0]) => phaseFlipReach({ nx, tiltAngles, defocus, pixelSize }, m)!;
    const at8 = reach(8);
    expect(at8.nyquist).toBe(16);
    expect(at8.firstZero.map((z) => Math.round(z))).toEqual([25, 27]);
    expect(phaseFlipReachText(at8)).toMatch(/^the CTF's first zero \(2[45]\.\d–2[67]\.\d Å\) against Nyquist \(16\.0 Å\): the flip corrects the frequencies between$/);
    expect(phaseFlipReachText(reach(13))).toMatch(/only the tilts furthest from focus have a zero before Nyquist/);
    // At 14 Å (Nyquist 28 Å) the zero lies past Nyquist, but a tilt's spectrum reaches √2 × 14 = 19.8 Å in its corners.
    const at14 = reach(14);
    expect(flipChangesNothing(at14)).toBe(false);
    expect(phaseFlipReachText(at14)).toMatch(/: it lies past Nyquist, so the flip changes only the corners of each tilt's spectrum, beyond it$/);
    const at20 = reach(20);
    expect(flipChangesNothing(at20)).toBe(true);
    // A view 1024 columns wide at 60° spans ±1.8 µm of defocus at 20 Å: its far side's first zero (32.6 Å) is within reach.
    expect(reach(20, 1024, [60, -60]).firstZero[1]).toBeGreaterThan(32);
    expect(flipChangesNothing(reach(20, 1024, [60, -60]))).toBe(false);
    expect(phaseFlipReachText(at20)).toMatch(/: it lies past every frequency the tilts hold at this pixel size, so phase flipping changes nothing here/);
    // And so it is: at 20 Å pixels a random tilt comes back as it was, the tilted view's gradient included.
    const input = Float32Array.from({ length: 64 * 32 * 2 }, (_, i) => Math.sin(i * 0.37) + (i % 7));
    const flipped = await flip(series(64, 32, input, [-50, 50], defocus, 20));
    expect(flipChangesNothing(flipped.reach)).toBe(true);
    for (let i = 0; i < input.length; i++) expect(flipped.tiltSeries.data[i]).toBeCloseTo(input[i], 4);
    expect(flipChangesNothing((await flip(series(64, 32, input, [-50, 50], defocus, 14))).reach)).toBe(false);
  });

  it('says why a series cannot be flipped, reports progress and stops on a cancel', async () => {
    const ts = series(8, 8, new Float32Array(128), [0, 3], [3, 3], 4);
    expect(phaseFlipUnavailable(ts)).toBeNull();
    expect(phaseFlipUnavailable({ ...ts, defocus: undefined })).toMatch(/^the tilt series has no defocus/);
    expect(phaseFlipUnavailable({ ...ts, defocus: [3] })).toBe('the tilt series has 2 tilts but a defocus for 1');
    expect(phaseFlipUnavailable({ ...ts, pixelSize: 0 })).toBe('the pixel size is unknown');
    await expect(flip({ ...ts, pixelSize: 0 })).rejects.toThrow('phase flip: the pixel size is unknown');
    const seen: number[] = [];
    await flip(ts, { onProgress: (done, total) => seen.push(done / total) });
    expect(seen).toEqual([0.5, 1]);
    const controller = new AbortController();
    controller.abort();
    await expect(flip(ts, { signal: controller.signal })).rejects.toBeInstanceOf(CancelledError);
  });

  const pool = nodePool(2);
  afterAll(() => pool.close());

  it('gives on a pool of two threads what it gives on one, a tilt a thread, out of shared memory', async () => {
    const angles = [-60, -30, 0, 30, 60];
    const input = Float32Array.from({ length: 256 * 4 * angles.length }, (_, i) => Math.sin(i * 0.37) + (i % 7));
    const ts = series(256, 4, input, angles, [2.5, 2.7, 2.9, 3.1, 3.3], 4);
    const one = await flip(ts);
    const seen: number[] = [];
    const two = await phaseFlipTiltSeries(ts, pool, { onProgress: (done) => seen.push(done) });
    expect(two.tiltSeries.data).toEqual(one.tiltSeries.data);
    expect([two.maxLevels, one.maxLevels]).toEqual([one.maxLevels, 4]);
    expect(seen).toEqual([2, 4, 5]);
    expect(two.tiltSeries.data.buffer).toBeInstanceOf(ArrayBuffer);
    expect(two.tiltSeries.defocus).toBeUndefined();
  });
});
