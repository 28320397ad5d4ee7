/**
 * The data files hold, as every layer sees them. Conventions (docs/conventions.md#arrays-and-axes):
 * arrays are x fastest; a tilt series holds one projection per section; a tomogram
 * holds XY sections along z (the beam axis). Lengths are in pixels after binning.
 * They live in io, the lowest layer, because the readers produce them.
 */

/** An aligned tilt series: nTilts projections of nx × ny pixels, tilt axis along Y. */
export interface TiltSeries {
  nx: number;
  ny: number;
  nTilts: number;
  /** Section k (projection k) starts at k·nx·ny; x fastest. */
  data: Float32Array;
  /** Degrees, in stack order: tiltAngles[k] belongs to section k. Need not be sorted. */
  tiltAngles: number[];
  /** Å per pixel; 0 when unknown. */
  pixelSize: number;
  /**
   * Electron exposure metadata, when the data came with it (e.g. a SerialEM .mdoc, docs/metadata.md); absent
   * when unknown, never zero-filled. Per-tilt arrays are in stack order, like tiltAngles: whatever selects or
   * reorders tilts selects the same entries (evaluation/tiltSubsets.ts).
   * accumulatedDose: e/Å² the specimen received before tilt k (the tilts acquired earlier); exposureDose:
   * e/Å² of tilt k's own exposure.
   */
  accumulatedDose?: number[];
  exposureDose?: number[];
  /** Accelerating voltage in kV, when known (the dose weighting's critical exposures depend on it). */
  voltage?: number;
  /**
   * µm under focus at the centre of each tilt, stack order, when a CTF estimate came with the data (IMOD .defocus,
   * CTFFIND or AreTomo, RELION's table; the mean of the two astigmatic axes): what the phase flip corrects for.
   */
  defocus?: number[];
  /**
   * Radians a phase plate adds to the CTF's phase at each tilt, stack order, when the CTF estimate gives one other
   * than 0 (CTFFIND's "additional phase shift"; IMOD's and RELION's, given in degrees, converted): the phase flip
   * flips each tilt for its own.
   */
  phaseShift?: number[];
  /** Each tilt's astigmatism, stack order, when the CTF estimate gives two axes that differ (the phase flip corrects for it). */
  astigmatism?: Astigmatism;
  /**
   * Per tilt, stack order, the column (pixels right of the tilt's centre) whose defocus `defocus` gives, when an
   * alignment moved it: the raw image's centre, where the estimate was made, lands where the alignment's shift puts
   * it (ctfphaseflip likewise moves its gradient's centre by the .xf's shift). Absent: the centre.
   */
  defocusColumn?: number[];
  /** The microscope's spherical aberration (mm) and amplitude contrast (fraction), when a file gives them (CTFFIND's header, RELION's tomograms.star). */
  sphericalAberration?: number;
  amplitudeContrast?: number;
}

/** A tomogram or any other volume: nx × ny × nz voxels, x fastest, z slowest. */
export interface Volume {
  nx: number;
  ny: number;
  nz: number;
  data: Float32Array;
  /** Å per voxel; 0 when unknown. */
  pixelSize: number;
}

/** A dropped file: a browser File as `{ name: file.name, blob: file }`, or in Node the command line's openFile(path) (cli/openFile.ts). */
export interface NamedBlob {
  name: string;
  blob: Blob;
}

/**
 * Astigmatism of each tilt's CTF, stack order, as two components per tilt (µm): h·cos 2α and h·sin 2α, h half the
 * difference of the two axes' defocus ((defocus 1 − defocus 2)/2) and α the angle of defocus 1's axis from +x
 * towards +y (the row index) in the tilt as it is now: an estimate's angle belongs to the stack it was made on, and
 * an alignment applied at load turns it with the image. In the tilt's Fourier plane at direction φ (from kx towards
 * ky) the defocus is then the mean + h·cos 2(φ − α) = mean + cos2·cos 2φ + sin2·sin 2φ. Components, not h and α:
 * they interpolate between tilts, and turn with an image, without a wrap at 180°.
 */
export interface Astigmatism {
  cos2: number[];
  sin2: number[];
}
