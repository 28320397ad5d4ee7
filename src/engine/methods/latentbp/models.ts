/**
 * The latent back-projection networks shipped in models/synth (one folder each, three ONNX files and a card),
 * by name. The page offers these; the CLI also takes a folder holding encoder.onnx, refiner.onnx and decoder.onnx.
 */
export interface SynthModel {
  name: string;
  /** Folder under models/. */
  folder: string;
  /** One line for the model menu. */
  summary: string;
}

export const SYNTH_MODELS: readonly SynthModel[] = [
  {
    name: 'lbp-small',
    folder: 'synth/lbp_small',
    summary: 'C = 16 latent channels at 1/4 size, 64 k parameters, trained on simulated series of six phantom families',
  },
];

export const DEFAULT_SYNTH_MODEL = 'lbp-small';

/** The network's three ONNX parts, run in this order around the engine's projector. */
export const SYNTH_PARTS = ['encoder', 'refiner', 'decoder'] as const;
export type SynthPart = (typeof SYNTH_PARTS)[number];

/** The name a ModelLibrary loads for one part: "lbp-small/encoder" for a shipped model, else "FOLDER/encoder.onnx". */
export function synthModelPart(model: string, part: SynthPart): string {
  return SYNTH_MODELS.some((m) => m.name === model) ? `${model}/${part}` : `${model.replace(/\/+$/, '')}/${part}.onnx`;
}

/** The file under models/ of a shipped part's name ("lbp-small/encoder" → "synth/lbp_small/encoder.onnx"). */
export function shippedSynthFile(name: string): string | undefined {
  const [model, part] = name.split('/');
  const shipped = SYNTH_MODELS.find((m) => m.name === model);
  return shipped && (SYNTH_PARTS as readonly string[]).includes(part) ? `${shipped.folder}/${part}.onnx` : undefined;
}
