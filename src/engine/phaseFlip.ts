/**
 * CTF correction by phase flipping (docs/metadata.md#ctf-correction-phase-flipping): every tilt's 2-D spectrum is
 * multiplied by −sign(CTF), so that the frequencies the microscope passed with the opposite sign (the CTF's
 * alternate lobes) add up with the right one in the tomogram. Amplitudes are left as they are (no Wiener filter),
 * and so is the zero frequency (the CTF there is −Q < 0: ×1).
 *
 * A tilted specimen is not at one defocus: in the aligned tilt (axis along Y) a point at centred x (pixels) is at
 * Δz(x) = Δz₀ + x·pixel·tan θ, the convention of IMOD's ctfphaseflip for its angles, which are this project's
 * (docs/conventions.md#tilt-angles). The tilt is flipped at a few defocus levels spanning that range, and each
 * column takes the linear blend of the two levels around its own defocus, as ctfphaseflip blends its strips. The
 * levels are at most p²/λ apart (p the pixel size in Å, λ the wavelength), so that a column's defocus is within
 * p²/(2λ) of a level: a phase error at Nyquist of at most π/8.
 *
 * Runs on the CPU (one forward 2-D FFT per tilt, one inverse per two levels; float64), the tilts split over the
 * CPU pool's threads by cpu/phaseFlip.ts; this file is the flip of one tilt and what a series says about it.
 */
import { astigmatismAxes } from '../io/astigmatism.ts';
import { phaseShiftRange } from '../io/defocusFiles.ts';
import { astigmaticTerm, ctfPositive, ctfPositiveAt, electronWavelength, firstFlippedFrequency, MICROSCOPE_300KV, type Microscope } from './ctf.ts';
import { fft3d, frequency } from './metrics/fourier.ts';
import { numberFlag, UsageError, type FlagValues } from './methods/flags.ts';
import { radialFrequencyMap } from './tiltFourierFilter.ts';
import type { TiltSeries } from './types.ts';

/** Why a tilt series cannot be phase flipped, or null when it can. */
export function phaseFlipUnavailable(ts: Partial<Pick<TiltSeries, 'nTilts' | 'defocus' | 'phaseShift' | 'astigmatism' | 'defocusColumn' | 'pixelSize'>>): string | null {
  if (!ts.defocus) return 'the tilt series has no defocus (drop its CTF estimate with it: IMOD .defocus, CTFFIND or AreTomo _CTF.txt, or a RELION table with defocus columns)';
  if (ts.defocus.length !== ts.nTilts) return `the tilt series has ${ts.nTilts} tilts but a defocus for ${ts.defocus.length}`;
  if (ts.phaseShift && ts.phaseShift.length !== ts.nTilts) return `the tilt series has ${ts.nTilts} tilts but a phase shift for ${ts.phaseShift.length}`;
  if (ts.astigmatism && ts.astigmatism.cos2.length !== ts.nTilts) return `the tilt series has ${ts.nTilts} tilts but an astigmatism for ${ts.astigmatism.cos2.length}`;
  if (ts.defocusColumn && ts.defocusColumn.length !== ts.nTilts) return `the tilt series has ${ts.nTilts} tilts but a defocus column for ${ts.defocusColumn.length}`;
  if (!(ts.pixelSize && ts.pixelSize > 0)) return 'the pixel size is unknown';
  return null;
}

/** The microscope settings a flip may be given instead of the series' own (the command line's --voltage, --cs, --amplitude-contrast; the page's fields). */
export type MicroscopeOverride = Partial<Microscope>;

/** How a flip is asked for, beside the series: its microscope instead of the series' own, and whether its tilt angles are the other sign convention's. */
export interface PhaseFlipOptions {
  microscope?: MicroscopeOverride;
  invertAngles?: boolean;
}

/**
 * The microscope a series is corrected for: each of voltage, Cs and Q as `override` gives it, else as the series'
 * files did, else 300 kV, Cs 2.7 mm and Q 0.07.
 */
export function microscopeOf(ts: Pick<TiltSeries, 'voltage' | 'sphericalAberration' | 'amplitudeContrast'>, override: MicroscopeOverride = {}): Microscope {
  const { voltage, cs, amplitudeContrast } = MICROSCOPE_300KV;
  return {
    voltage: override.voltage ?? ts.voltage ?? voltage,
    cs: override.cs ?? ts.sphericalAberration ?? cs,
    amplitudeContrast: override.amplitudeContrast ?? ts.amplitudeContrast ?? amplitudeContrast,
  };
}

/**
 * What a microscope's value may be (from `min` to `max`, or below it where `maxExcluded`), and what to say of one
 * that is not: the flip's check, and the page's fields' ranges.
 */
export const MICROSCOPE_RANGES: { [K in keyof Microscope]: { min: number; max: number; maxExcluded?: boolean; say: (v: number) => string } } = {
  voltage: { min: 60, max: 400, say: (v) => `a voltage of ${v} kV: give 60–400 kV (300, 200 or 100 usually)` },
  cs: { min: 0, max: 10, say: (v) => `a spherical aberration of ${v} mm: give 0–10 mm (about 0 on a Cs-corrected microscope, 2.7 on most)` },
  amplitudeContrast: { min: 0, max: 1, maxExcluded: true, say: (v) => `an amplitude contrast of ${v}: give a fraction from 0 to below 1 (0.07–0.1 usually)` },
};

/** Why a microscope given for a flip cannot be used (the first value out of MICROSCOPE_RANGES), or null. */
export function microscopeOverrideProblem(override: MicroscopeOverride): string | null {
  for (const key of ['voltage', 'cs', 'amplitudeContrast'] as const) {
    const value = override[key];
    const { min, max, maxExcluded, say } = MICROSCOPE_RANGES[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= min && (maxExcluded ? value < max : value <= max))) return say(value);
  }
  return null;
}

/** "300 kV, Cs 2.7 mm, Q 0.07": the values given, in that order, as labels and messages name a microscope. */
export function microscopeText({ voltage, cs, amplitudeContrast }: MicroscopeOverride): string {
  return [voltage !== undefined && `${voltage} kV`, cs !== undefined && `Cs ${cs} mm`, amplitudeContrast !== undefined && `Q ${amplitudeContrast}`].filter(Boolean).join(', ');
}

/** The command line's flags that give a flip its microscope instead of the series' own (--phase-flip's, FBP's --ctf-by-depth's), with the field each sets. */
export const MICROSCOPE_FLAGS = { voltage: 'voltage', cs: 'cs', 'amplitude-contrast': 'amplitudeContrast' } as const;

/** The MICROSCOPE_FLAGS given; a UsageError naming the first out of MICROSCOPE_RANGES. */
export function readMicroscopeFlags(values: FlagValues): MicroscopeOverride {
  const override: MicroscopeOverride = {};
  for (const [flag, field] of Object.entries(MICROSCOPE_FLAGS)) {
    const value = numberFlag(values, flag);
    if (value === undefined) continue;
    const problem = microscopeOverrideProblem({ [field]: value });
    if (problem) throw new UsageError(`--${flag}: ${problem}`);
    override[field] = value;
  }
  return override;
}

/**
 * What a flip can change at a series' sampling: the resolution (Å) of the first frequency it flips, the lowest and
 * highest over the tilts and their columns (each tilt's defocus and phase shift, across its view's defocus
 * gradient, along both axes of an astigmatic CTF), against Nyquist's (2 pixels) and the highest a tilt's 2-D
 * spectrum holds (its corners: √2 pixels).
 * Null without a defocus or pixel size.
 */
export function phaseFlipReach(ts: Pick<TiltSeries, 'nx' | 'tiltAngles' | 'defocus' | 'phaseShift' | 'astigmatism' | 'defocusColumn' | 'pixelSize'>, microscope: Microscope): PhaseFlipReach | null {
  const { defocus, pixelSize, astigmatism } = ts;
  if (!defocus || !(pixelSize > 0)) return null;
  const lengths = defocus.flatMap((d, t) => {
    // The end columns' defocus (columnDefocus), along each axis of an astigmatic CTF: the nearest to focus gives the
    // shortest length, the furthest the longest.
    const axes = astigmatism ? astigmatismAxes(astigmatism.cos2[t], astigmatism.sin2[t]).difference / 2 : 0;
    const ends = [0, ts.nx - 1].map((x) => defocusAtColumn(x, ts.nx, pixelSize, ts.tiltAngles[t], d, ts.defocusColumn?.[t] ?? 0));
    const [near, far] = [Math.min(...ends) - axes, Math.max(...ends) + axes];
    return [Math.max(near, 1e-6), far].map((at) => 1 / firstFlippedFrequency(at, microscope, ts.phaseShift?.[t] ?? 0));
  });
  return { firstZero: [Math.min(...lengths), Math.max(...lengths)], nyquist: 2 * pixelSize, corner: Math.SQRT2 * pixelSize };
}

export interface PhaseFlipReach {
  /** Å, lowest and highest over the tilts (Infinity: positive from f = 0). */
  firstZero: [number, number];
  /** Å: 2 pixels, and √2 pixels (a tilt spectrum's corners). */
  nyquist: number;
  corner: number;
}

/** Whether every tilt's first zero lies past the highest frequency its spectrum holds: the flip gives the tilts back unchanged. */
export function flipChangesNothing({ firstZero, corner }: PhaseFlipReach): boolean {
  return firstZero[1] <= corner;
}

/**
 * "the CTF's first zero (23.9–26.1 Å) against Nyquist (16.0 Å): the flip corrects the frequencies between", or what
 * little it changes when the zero lies past Nyquist, or that it changes nothing at this pixel size.
 */
export function phaseFlipReachText(reach: PhaseFlipReach): string {
  const { firstZero: [lo, hi], nyquist } = reach;
  if (hi === Infinity) return "a phase plate's shift makes the CTF positive from the lowest frequencies at some tilts: the flip turns those over too";
  const zero = hi / lo < 1.005 ? `${lo.toFixed(1)} Å` : `${lo.toFixed(1)}–${hi.toFixed(1)} Å`;
  const at = `the CTF's first zero (${zero}) against Nyquist (${nyquist.toFixed(1)} Å)`;
  if (flipChangesNothing(reach)) return `${at}: it lies past every frequency the tilts hold at this pixel size, so phase flipping changes nothing here (it would at a finer binning)`;
  if (hi <= nyquist) return `${at}: it lies past Nyquist, so the flip changes only the corners of each tilt's spectrum, beyond it`;
  if (lo <= nyquist) return `${at}: only the tilts furthest from focus have a zero before Nyquist, and mostly they change`;
  return `${at}: the flip corrects the frequencies between`;
}

/** The largest gap (µm) between two defocus levels at `pixelSize` Å: p²/λ, a phase error ≤ π/8 at Nyquist between them. */
export function defocusStep(pixelSize: number, voltage: number): number {
  return (pixelSize * pixelSize) / electronWavelength(voltage) / 1e4;
}

/**
 * The defocus (µm) at each column of an nx-pixel tilt at `angle` degrees: `defocusUm` at `column` pixels right of
 * the centre (TiltSeries.defocusColumn; 0, the centre, by default).
 */
export function columnDefocus(nx: number, pixelSize: number, angle: number, defocusUm: number, column = 0): Float64Array {
  return Float64Array.from({ length: nx }, (_, x) => defocusAtColumn(x, nx, pixelSize, angle, defocusUm, column));
}

/** columnDefocus at column x alone. */
function defocusAtColumn(x: number, nx: number, pixelSize: number, angle: number, defocusUm: number, column: number): number {
  const slope = (pixelSize * Math.tan((angle * Math.PI) / 180)) / 1e4; // µm per pixel
  return defocusUm + (x - (nx - 1) / 2 - column) * slope;
}

/** Evenly spaced defocus levels from the lowest to the highest column's, at most `step` apart (one level when the range is within it). */
export function defocusLevels(columns: Float64Array, step: number): number[] {
  // The columns' defocus is linear in x: its extremes are the end columns.
  const [lo, hi] = [Math.min(columns[0], columns[columns.length - 1]), Math.max(columns[0], columns[columns.length - 1])];
  if (hi - lo <= step) return [(lo + hi) / 2];
  const gaps = Math.ceil((hi - lo) / step);
  return Array.from({ length: gaps + 1 }, (_, j) => lo + ((hi - lo) * j) / gaps);
}

/** The blend weight of level j at each column: a hat in defocus, 1 at the level, 0 at its neighbours. */
function levelWeights(columns: Float64Array, levels: readonly number[], j: number): Float64Array {
  if (levels.length === 1) return new Float64Array(columns.length).fill(1);
  const gap = levels[1] - levels[0];
  return columns.map((d) => Math.max(0, 1 - Math.abs(d - levels[j]) / gap));
}

/** What the flip of a stack's tilts needs besides the data (plain numbers, so that it crosses to a CPU pool thread). */
export interface PhaseFlipGeometry {
  nx: number;
  ny: number;
  /** Å per pixel. */
  pixelSize: number;
  /** Degrees, every tilt of the stack. */
  tiltAngles: ArrayLike<number>;
  /** µm under focus, every tilt of the stack. */
  defocus: ArrayLike<number>;
  /** Radians a phase plate adds, every tilt of the stack; absent without one. */
  phaseShift?: ArrayLike<number>;
  /** Every tilt's astigmatism (TiltSeries.astigmatism's components, µm); absent without one. */
  astigmatism?: { cos2: ArrayLike<number>; sin2: ArrayLike<number> };
  /** Every tilt's column at which its defocus holds (TiltSeries.defocusColumn); absent: each centre. */
  defocusColumn?: ArrayLike<number>;
  microscope: Microscope;
}

/** |k|² (1/Å²) at every index of a tilt's DFT: what the CTF's sign is a function of, the same for every tilt of a stack. */
export function squaredFrequencies(nx: number, ny: number, pixelSize: number): Float64Array {
  return radialFrequencyMap(nx, ny, pixelSize).map((f) => f * f);
}

/** The defocus levels tilt `t` is flipped at (defocusLevels of its columns), and its columns' defocus. */
export function tiltLevels(g: PhaseFlipGeometry, t: number): { columns: Float64Array; levels: number[] } {
  const columns = columnDefocus(g.nx, g.pixelSize, g.tiltAngles[t], g.defocus[t], g.defocusColumn?.[t] ?? 0);
  return { columns, levels: defocusLevels(columns, defocusStep(g.pixelSize, g.microscope.voltage)) };
}

/**
 * Tilts [from, to) of `data` (nx × ny planes) phase flipped in place. Each tilt: one forward transform, then each
 * pair of levels through one inverse transform (H_a·Z + i·H_b·Z: both gains real and even, so the real part is the
 * tilt flipped at level a and the imaginary part at level b), blended column by column. `f2`: squaredFrequencies of
 * the stack, made once for all its tilts.
 */
export function phaseFlipTilts(data: Float32Array, g: PhaseFlipGeometry, f2: Float64Array, from: number, to: number): void {
  const { nx, ny } = g;
  const plane = nx * ny;
  for (let t = from; t < to; t++) {
    const tilt = data.subarray(t * plane, (t + 1) * plane);
    const re = Float64Array.from(tilt);
    const im = new Float64Array(plane);
    fft3d(re, im, nx, ny, 1);
    const { columns, levels } = tiltLevels(g, t);
    const sum = new Float64Array(plane);
    const [outRe, outIm] = [new Float64Array(plane), new Float64Array(plane)];
    const phaseShift = g.phaseShift?.[t] ?? 0;
    const astigmatic = g.astigmatism ? astigmaticDefocus(nx, ny, g.astigmatism.cos2[t], g.astigmatism.sin2[t]) : null;
    for (let j = 0; j < levels.length; j += 2) {
      const signA = flipSigns(levels[j], phaseShift, g.microscope, f2, astigmatic);
      const signB = j + 1 < levels.length ? flipSigns(levels[j + 1], phaseShift, g.microscope, f2, astigmatic) : null;
      for (let i = 0; i < plane; i++) {
        // (re + i·im)·(a + i·b) with a, b real: the two levels packed as real and imaginary outputs.
        const b = signB ? signB[i] : 0;
        outRe[i] = re[i] * signA[i] - im[i] * b;
        outIm[i] = im[i] * signA[i] + re[i] * b;
      }
      fft3d(outRe, outIm, nx, ny, 1, true);
      addBlended(sum, outRe, levelWeights(columns, levels, j), nx);
      if (signB) addBlended(sum, outIm, levelWeights(columns, levels, j + 1), nx);
    }
    tilt.set(sum);
  }
}

/**
 * −sign(CTF) at every DFT index for one defocus and phase shift (`f2`: |k|² there): +1 where the CTF is negative
 * (a micrograph's sign: dense dark), −1 where it is positive. A phase plate's shift moves the zeros; past π − atan(Q/√(1−Q²))
 * it would make the lowest frequencies positive too, and they are then flipped to the micrograph's sign like the rest.
 * `astigmatic` (astigmaticDefocus): what each index's direction adds to the defocus; null for none.
 */
function flipSigns(defocusUm: number, phaseShift: number, microscope: Microscope, f2: Float64Array, astigmatic: Float64Array | null): Float64Array {
  if (!astigmatic) {
    const positive = ctfPositive(defocusUm, microscope, phaseShift);
    return f2.map((s) => (positive(s) ? -1 : 1));
  }
  const positiveAt = ctfPositiveAt(microscope, phaseShift);
  return f2.map((s, i) => (positiveAt(defocusUm + astigmatic[i], s) ? -1 : 1));
}

/** What astigmatism adds to the defocus (µm) at every index of an nx × ny tilt's DFT (ctf.ts astigmaticTerm). */
export function astigmaticDefocus(nx: number, ny: number, cos2: number, sin2: number): Float64Array {
  const out = new Float64Array(nx * ny);
  for (let jy = 0; jy < ny; jy++) for (let jx = 0; jx < nx; jx++) out[jx + nx * jy] = astigmaticTerm(frequency(jx, nx), frequency(jy, ny), cos2, sin2);
  return out;
}

function addBlended(sum: Float64Array, image: Float64Array, weights: Float64Array, nx: number): void {
  for (let i = 0; i < sum.length; i++) sum[i] += weights[i % nx] * image[i];
}

export interface PhaseFlipReport {
  tiltSeries: TiltSeries;
  /** The most defocus levels one tilt needed (1: no tilt spans more than one step). */
  maxLevels: number;
  microscope: Microscope;
  /** The phase plate's shift of each tilt (rad) the flip allowed for; absent without one. */
  phaseShift?: number[];
  /** The largest difference between the two axes' defocus (µm) the flip allowed for; absent without astigmatism. */
  astigmatism?: number;
  /** Whether the defocus gradient followed the inverted tilt angles. */
  invertAngles: boolean;
  /** phaseFlipReach of the series at the microscope used. */
  reach: PhaseFlipReach;
}

/**
 * "phase flipped at each tilt's defocus (300 kV, Cs 2.7 mm, Q 0.07; up to 4 defocus levels across a tilt)", with
 * "and astigmatism (up to 0.12 µm)" and "and phase-plate shift (0.31–0.52 π)" where there were, and the gradient's
 * angles when inverted: what a flipped series says it is.
 */
export function phaseFlipText({ microscope, maxLevels, phaseShift, astigmatism, invertAngles }: Pick<PhaseFlipReport, 'microscope' | 'maxLevels' | 'phaseShift' | 'astigmatism' | 'invertAngles'>): string {
  const levels = maxLevels > 1 ? `up to ${maxLevels} defocus levels across a tilt` : 'one defocus per tilt';
  const shift = [
    ...(astigmatism !== undefined ? [`astigmatism (up to ${astigmatism.toFixed(2)} µm)`] : []),
    ...(phaseShift ? [`phase-plate shift (${phaseShiftRange(phaseShift)})`] : []),
  ].map((part) => ` and ${part}`).join('');
  const inverted = invertAngles ? '; the defocus gradient at the inverted tilt angles' : '';
  return `phase flipped at each tilt's defocus${shift} (${microscopeText(microscope)}; ${levels}${inverted})`;
}
