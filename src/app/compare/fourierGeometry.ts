/**
 * Geometry of the Fourier-section overlays (docs/conventions.md#measured-and-missing-regions and
 * #wedge-cone). Pure, no DOM.
 *
 * A projection at tilt θ integrates along (−sin θ, 0, cos θ), so by the Fourier slice theorem
 * it samples the central plane perpendicular to that direction; in the kx–kz section this is
 * the line through 0 along (cos θ, sin θ). The wedge cone: φ = atan2(kz, kx) folded into
 * (−90°, 90°] is missing outside [θmin, θmax].
 */
import type { FourierPlane, FourierSection } from '../../../workers/api.ts';

const RAD = Math.PI / 180;

/** Axis names of a section: [along width, along height]. */
export function planeAxes(plane: FourierPlane): [string, string] {
  const [a, b] = plane.split('-');
  return [a, b];
}

/** Unit direction (kx, kz) of the measured line of tilt θ (degrees) in the kx–kz section. */
export function tiltDirection(thetaDeg: number): [number, number] {
  return [Math.cos(thetaDeg * RAD), Math.sin(thetaDeg * RAD)];
}

/** The segment (kx, kz) from −r·d to +r·d through the origin for tilt θ. */
export function tiltLine(thetaDeg: number, radius: number): [[number, number], [number, number]] {
  const [c, s] = tiltDirection(thetaDeg);
  return [
    [-radius * c, -radius * s],
    [radius * c, radius * s],
  ];
}

/** φ = atan2(kz, kx) in degrees, folded into (−90°, 90°]. */
export function foldedAngle(kx: number, kz: number): number {
  let phi = Math.atan2(kz, kx) / RAD;
  if (phi > 90) phi -= 180;
  else if (phi <= -90) phi += 180;
  return phi;
}

/** Whether (kx, kz) lies in the missing wedge of the cone definition (the ky axis counts as measured). */
export function inMissingWedge(kx: number, kz: number, thetaMin: number, thetaMax: number): boolean {
  if (kx === 0 && kz === 0) return false;
  const phi = foldedAngle(kx, kz);
  return phi < thetaMin || phi > thetaMax;
}

/**
 * The missing wedge as angular sectors [from, to] in degrees (counter-clockwise from +kx, to > from)
 * of the kx–kz plane: the two opposite sectors between θmax and θmin + 180°. Empty when the tilt
 * range covers 180° or more.
 */
export function wedgeSectors(thetaMin: number, thetaMax: number): [number, number][] {
  if (thetaMax < thetaMin || thetaMax - thetaMin >= 180) return [];
  return [
    [thetaMax, thetaMin + 180],
    [thetaMax + 180, thetaMin + 360],
  ];
}

/** The distinct tilt angles, sorted, with their extremes. */
export function tiltRange(tiltAngles: readonly number[]): { min: number; max: number; angles: number[] } | null {
  if (tiltAngles.length === 0) return null;
  const angles = [...new Set(tiltAngles)].sort((a, b) => a - b);
  return { min: angles[0], max: angles[angles.length - 1], angles };
}

/**
 * Frequency (cycles/voxel) of section pixel index i along an axis with `size` pixels and `step`
 * cycles/voxel per pixel: zero frequency sits at pixel size/2.
 */
export function pixelFrequency(i: number, size: number, step: number): number {
  return (i - Math.floor(size / 2)) * step;
}

/** Frequency extent [lo, hi] covered by the section's pixels (pixel edges) along width and height. */
export function sectionExtent(section: Pick<FourierSection, 'width' | 'height' | 'step'>): { u: [number, number]; v: [number, number] } {
  const edge = (size: number, step: number): [number, number] => [pixelFrequency(0, size, step) - step / 2, pixelFrequency(size - 1, size, step) + step / 2];
  return { u: edge(section.width, section.step[0]), v: edge(section.height, section.step[1]) };
}
