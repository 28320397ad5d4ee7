/**
 * A microscope's contrast transfer function (weak-phase object, no envelope): the simulator filters tilts by it
 * (sim/ctf.ts) and the phase flip corrects measured tilts for it (phaseFlip.ts).
 *
 * CTF(f) = −(√(1 − Q²)·sin χ(f) + Q·cos χ(f)), χ(f) = π·λ·Δz·f² − (π/2)·Cs·λ³·f⁴ + φ, f in 1/Å, Δz the defocus
 * (positive under focus), Q the amplitude contrast, φ a phase plate's added phase shift (radians; 0 without one).
 * That sign makes a denser object darker, as in a micrograph; it is the formula IMOD's ctfphaseflip, CTFFIND and
 * RELION use, φ as CTFFIND's "additional phase shift" enters it.
 */

/** The electron's relativistic wavelength in Å at an accelerating voltage of `kv` kilovolts (0.0197 Å at 300 kV). */
export function electronWavelength(kv: number): number {
  const volts = kv * 1e3;
  return 12.2643 / Math.sqrt(volts * (1 + 0.978466e-6 * volts));
}

export interface Microscope {
  /** kV */
  voltage: number;
  /** Spherical aberration, mm. */
  cs: number;
  /** Q, the fraction of amplitude contrast. */
  amplitudeContrast: number;
}

/** A 300 kV microscope with Cs 2.7 mm and 7 % amplitude contrast. */
export const MICROSCOPE_300KV: Microscope = { voltage: 300, cs: 2.7, amplitudeContrast: 0.07 };

/** The wave aberration χ as a function of the defocus (µm under focus) and f² (1/Å²) at one phase shift (rad): its constants computed once. */
function aberrationAt(m: Microscope, phaseShift: number): (defocusUm: number, f2: number) => number {
  const lambda = electronWavelength(m.voltage);
  const defocusTerm = Math.PI * lambda * 1e4; // per µm
  const csTerm = (Math.PI / 2) * (m.cs * 1e7) * lambda ** 3;
  return (defocusUm, f2) => defocusTerm * defocusUm * f2 - csTerm * f2 * f2 + phaseShift;
}

/** The wave aberration χ at one defocus (µm under focus) and phase shift (rad) as a function of f² (1/Å²). */
function aberration(defocusUm: number, m: Microscope, phaseShift: number): (f2: number) => number {
  const chiAt = aberrationAt(m, phaseShift);
  return (f2) => chiAt(defocusUm, f2);
}

/**
 * What astigmatism adds to the defocus (µm) along the frequency (kx, ky) (any units, any length): cos2·cos 2φ +
 * sin2·sin 2φ, φ its direction from kx towards ky (io/types.ts Astigmatism), as (cos2·(kx² − ky²) + sin2·2·kx·ky)/k²;
 * 0 at k = 0.
 */
export function astigmaticTerm(kx: number, ky: number, cos2: number, sin2: number): number {
  const k2 = kx * kx + ky * ky;
  return k2 > 0 ? (cos2 * (kx * kx - ky * ky) + sin2 * 2 * kx * ky) / k2 : 0;
}

/**
 * The CTF at one defocus (µm under focus), with the micrograph's sign, as a function of spatial frequency (1/Å):
 * the wavelength and the other constants computed once, for per-pixel loops.
 */
export function ctfCurve(defocusUm: number, m: Microscope = MICROSCOPE_300KV, phaseShift = 0): (f: number) => number {
  const chiOf = aberration(defocusUm, m, phaseShift);
  const q = m.amplitudeContrast;
  const phaseContrast = Math.sqrt(1 - q * q);
  return (f) => {
    const chi = chiOf(f * f);
    return -(phaseContrast * Math.sin(chi) + q * Math.cos(chi));
  };
}

/** CTF at spatial frequency `f` (1/Å), defocus `defocusUm` (µm under focus) and phase shift (rad), with the micrograph's sign. */
export function ctf(f: number, defocusUm: number, m: Microscope = MICROSCOPE_300KV, phaseShift = 0): number {
  return ctfCurve(defocusUm, m, phaseShift)(f);
}

/**
 * Whether the CTF at one defocus and phase shift (rad) is positive (the opposite sign to a micrograph's lowest
 * frequencies without a phase plate), as a function of f² (1/Å²): without a sine per frequency, for per-pixel
 * loops. With A = √(1 − Q²) and α = atan2(Q, A), A·sin χ + Q·cos χ = sin(χ + α), so CTF > 0 exactly where
 * sin(χ + α) < 0: where ⌊(χ + α)/π⌋ is odd.
 */
export function ctfPositive(defocusUm: number, m: Microscope = MICROSCOPE_300KV, phaseShift = 0): (f2: number) => boolean {
  const positiveAt = ctfPositiveAt(m, phaseShift);
  return (f2) => positiveAt(defocusUm, f2);
}

/**
 * ctfPositive with the defocus (µm under focus) an argument too, for a defocus that changes from pixel to pixel (an
 * astigmatic CTF's, which depends on the direction of the frequency).
 */
export function ctfPositiveAt(m: Microscope = MICROSCOPE_300KV, phaseShift = 0): (defocusUm: number, f2: number) => boolean {
  const chiAt = aberrationAt(m, phaseShift);
  const alpha = Math.atan2(m.amplitudeContrast, Math.sqrt(1 - m.amplitudeContrast ** 2));
  return (defocusUm, f2) => (Math.floor((chiAt(defocusUm, f2) + alpha) / Math.PI) & 1) === 1;
}

/**
 * CTF² as a function of the defocus (µm under focus) and f² (1/Å²) at one phase shift (rad): sin²(χ + α), α =
 * atan(Q/√(1 − Q²)), as √(1 − Q²)·sin χ + Q·cos χ = sin(χ + α); for a power spectrum's model, pixel by pixel.
 */
export function ctfSquaredAt(m: Microscope = MICROSCOPE_300KV, phaseShift = 0): (defocusUm: number, f2: number) => number {
  const chiAt = aberrationAt(m, phaseShift);
  const alpha = Math.atan2(m.amplitudeContrast, Math.sqrt(1 - m.amplitudeContrast ** 2));
  return (defocusUm, f2) => Math.sin(chiAt(defocusUm, f2) + alpha) ** 2;
}

/**
 * The lowest spatial frequency (1/Å) where the CTF at one defocus (µm under focus) and phase shift (rad) turns
 * positive, the first that a phase flip changes: where χ(f) + atan(Q/√(1 − Q²)) reaches π (solved in f², Cs's
 * term included); 0 when the CTF is positive from f = 0 (a phase shift past π − that angle), Infinity when χ never
 * gets there.
 */
export function firstFlippedFrequency(defocusUm: number, m: Microscope = MICROSCOPE_300KV, phaseShift = 0): number {
  const lambda = electronWavelength(m.voltage);
  const b = Math.PI * lambda * (defocusUm * 1e4);
  const a = (Math.PI / 2) * (m.cs * 1e7) * lambda ** 3;
  const start = (((phaseShift + Math.atan2(m.amplitudeContrast, Math.sqrt(1 - m.amplitudeContrast ** 2))) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
  if (start >= Math.PI) return 0;
  // b·u − a·u² = π − start, u = f²: the smaller root (χ rises with u until b/2a, where Cs turns it back), written
  // so that it holds for a = 0 too.
  const c = Math.PI - start;
  const discriminant = b * b - 4 * a * c;
  return discriminant < 0 ? Infinity : Math.sqrt((2 * c) / (b + Math.sqrt(discriminant)));
}
