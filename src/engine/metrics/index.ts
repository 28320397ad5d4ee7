/** The metrics engine (docs/conventions.md#metrics): Fourier transforms, FSC and FRC, PSNR/SSIM, cross-validation. */
export { dft3d, dft3dPair, fft3d, frequency, LineFft, mirrorIndex, packedPairDft } from './fourier.ts';
export type { Spectrum } from './fourier.ts';
export {
  fsc,
  inWedgeCone,
  isMeasured,
  largestDimension,
  measuredMask,
  measuredMaskXZ,
  resolutionAt,
  roundHalfEven,
  shellIndex,
  wedgeAngle,
  wedgeMask,
  wedgeMaskXZ,
} from './fsc.ts';
export type { FscCurves } from './fsc.ts';
export {
  affineFit,
  gaussianKernel,
  psnr,
  psnrOfMse,
  reflectIndex,
  ssim3d,
  SSIM_K1,
  SSIM_K2,
  SSIM_RADIUS,
  SSIM_SIGMA,
  SSIM_TRUNCATE,
  structuralSimilarity3d,
} from './quality.ts';
export type { AffineFit } from './quality.ts';
export { wedgePsnr } from './wedgePsnr.ts';
export type { WedgePsnr } from './wedgePsnr.ts';
export { bandMean, frc } from './frc.ts';
export type { FrcCurve } from './frc.ts';
export { oddEvenSplit, projectionScores } from './crossValidation.ts';
export type { ProjectionScores } from './crossValidation.ts';
