/**
 * Astigmatism as the files give it (two axes' defocus and the first one's angle) and as WedgeLab carries it
 * (io/types.ts Astigmatism: h·cos 2α, h·sin 2α): one conversion each way, for the readers, the flip and what the
 * page and the command line say.
 */

/** The components (µm) of two axes `difference` µm apart (defocus 1 − defocus 2), defocus 1 at `angle` radians from +x towards +y. */
export function astigmatismComponents(difference: number, angle: number): { cos2: number; sin2: number } {
  return { cos2: (difference / 2) * Math.cos(2 * angle), sin2: (difference / 2) * Math.sin(2 * angle) };
}

/** The axes of one tilt's components: their difference (µm, ≥ 0) and the further-from-focus axis' angle (degrees, −90 to 90). */
export function astigmatismAxes(cos2: number, sin2: number): { difference: number; angle: number } {
  return { difference: 2 * Math.hypot(cos2, sin2), angle: (Math.atan2(sin2, cos2) * 90) / Math.PI };
}
