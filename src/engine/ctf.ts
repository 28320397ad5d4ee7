/**
 * A microscope's contrast transfer function (weak-phase object, no envelope): the simulator filters tilts by it
 * (sim/ctf.ts) and the phase flip corrects measured tilts for it (phaseFlip.ts).
 *
 * CTF(f) = −(√(1 − Q²)·sin χ(f) + Q·cos χ(f)), χ(f) = π·λ·Δz·f² − (π/2)·Cs·λ³·f⁴, f in 1/Å, Δz the defocus (positive
 * under focus), Q the amplitude contrast. That sign makes a denser object darker, as in a micrograph; it is the
 * formula IMOD's ctfphaseflip, CTFFIND and RELION use.
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

/** The wave aberration χ at one defocus (µm under focus) as a function of f² (1/Å²): its constants computed once. */
function aberration(defocusUm: number, m: Microscope): (f2: number) => number {
  const lambda = electronWavelength(m.voltage);
  const defocusTerm = Math.PI * lambda * (defocusUm * 1e4);
  const csTerm = (Math.PI / 2) * (m.cs * 1e7) * lambda ** 3;
  return (f2) => defocusTerm * f2 - csTerm * f2 * f2;
}

/**
 * The CTF at one defocus (µm under focus), with the micrograph's sign, as a function of spatial frequency (1/Å):
 * the wavelength and the other constants computed once, for per-pixel loops.
 */
export function ctfCurve(defocusUm: number, m: Microscope = MICROSCOPE_300KV): (f: number) => number {
  const chiOf = aberration(defocusUm, m);
  const q = m.amplitudeContrast;
  const phaseContrast = Math.sqrt(1 - q * q);
  return (f) => {
    const chi = chiOf(f * f);
    return -(phaseContrast * Math.sin(chi) + q * Math.cos(chi));
  };
}

/** CTF at spatial frequency `f` (1/Å) and defocus `defocusUm` (µm under focus), with the micrograph's sign. */
export function ctf(f: number, defocusUm: number, m: Microscope = MICROSCOPE_300KV): number {
  return ctfCurve(defocusUm, m)(f);
}

/**
 * Whether the CTF at one defocus is positive (the opposite sign to its lowest frequencies), as a function of f²
 * (1/Å²): without a sine per frequency, for per-pixel loops. With A = √(1 − Q²) and φ = atan2(Q, A),
 * A·sin χ + Q·cos χ = sin(χ + φ), so CTF > 0 exactly where sin(χ + φ) < 0: where ⌊(χ + φ)/π⌋ is odd.
 */
export function ctfPositive(defocusUm: number, m: Microscope = MICROSCOPE_300KV): (f2: number) => boolean {
  const chiOf = aberration(defocusUm, m);
  const phi = Math.atan2(m.amplitudeContrast, Math.sqrt(1 - m.amplitudeContrast ** 2));
  return (f2) => (Math.floor((chiOf(f2) + phi) / Math.PI) & 1) === 1;
}
