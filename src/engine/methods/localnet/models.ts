/**
 * The local reconstruction models shipped in models/ (one folder each, with its card), by name. The page
 * offers these; the CLI takes a name from here or a path to any .onnx file of the same interface.
 * Patch size and variant are read from the file itself (./model.ts); `variant` here is for choosing.
 */
/** One output per voxel, or 8 bior3.1 sub-bands per half-grid point. */
export type LocalnetVariant = 'voxel' | 'wavelet';

export interface ShippedModel {
  name: string;
  variant: LocalnetVariant;
  /** Path under models/. */
  file: string;
  /** One line for the model menu. */
  summary: string;
}

export const LOCAL_MODELS: readonly ShippedModel[] = [
  {
    name: 'broad-p11',
    variant: 'voxel',
    file: 'localnet/broad_p11/model.onnx',
    summary: 'voxel variant, 11 × 11 patches, 9 k parameters, trained on simulated lamellae and varied scenes of both signs',
  },
  {
    name: 'broad-p11-wavelet',
    variant: 'wavelet',
    file: 'localnet/broad_p11_wavelet/model.onnx',
    summary: 'wavelet variant (8× fewer model calls), 11 × 11 patches, trained on simulated lamellae and varied scenes of both signs',
  },
  {
    name: 'broad-p11-wide',
    variant: 'voxel',
    file: 'localnet/broad_p11_wide/model.onnx',
    summary: 'voxel variant, twice as wide (32 k parameters, about 3× the work per voxel of broad-p11), the same training data',
  },
  {
    name: 'broad-p11x3-wide',
    variant: 'voxel',
    file: 'localnet/broad_p11x3_wide/model.onnx',
    summary: 'voxel variant at broad-p11-wide\'s width with two scales (33-pixel reach, 64 k parameters, about twice its work per voxel), the same training volumes',
  },
  {
    name: 'broad-p11-wide-wavelet',
    variant: 'wavelet',
    file: 'localnet/broad_p11_wide_wavelet/model.onnx',
    summary: 'wavelet variant, twice as wide (33 k parameters, about 3× the work per voxel), the same training data',
  },
  {
    name: 'broad-p11x3-wide-wavelet',
    variant: 'wavelet',
    file: 'localnet/broad_p11x3_wide_wavelet/model.onnx',
    summary: 'wavelet variant at broad-p11-wide-wavelet\'s width with two scales (33-pixel reach, 65 k parameters, about twice its work per voxel), the same training volumes',
  },
  {
    name: 'broad96-p11-wavelet',
    variant: 'wavelet',
    file: 'localnet/broad96_p11_wavelet/model.onnx',
    summary:
      "the page's default: wavelet variant, 11 × 11 patches, 9 k parameters, trained on 96 simulated volumes (lamellae, and scenes of both signs with and without ice) for 40,000 steps; meant to run with FBP by odd/even FSC and σ 0.75 where that FSC is low, as the page runs it",
  },
  {
    name: 'broad96-p11x3-wide-wavelet',
    variant: 'wavelet',
    file: 'localnet/broad96_p11x3_wide_wavelet/model.onnx',
    summary:
      "the most accurate in validation, at 6.5× the default's work: wavelet variant with two scales (33-pixel reach, 65 k parameters), the same 96 volumes, 14,000 steps; with FBP by odd/even FSC, ≥ 1 dB over the best FBP in 30 of 32 simulations it never saw, lamellae within 0.5 dB of a lamella-only model in 14 of 16",
  },
];

/** The model each variant runs when none is named. */
export const DEFAULT_LOCAL_MODEL = { voxel: 'broad-p11', wavelet: 'broad96-p11-wavelet' } as const;

export function shippedModel(name: string): ShippedModel | undefined {
  return LOCAL_MODELS.find((m) => m.name === name);
}

