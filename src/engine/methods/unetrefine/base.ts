/**
 * Missing-wedge refinement with a 3-D U-Net trained on tomograms (models/refine, docs/refine.md): CryoGEN
 * (energy-based) and the IsoNet-style baseline. One network, two training objectives, so one implementation
 * and two registry entries that differ in their objective: the model each runs by default, its title and help.
 * Page-safe; the runner is ./run.ts.
 */
import type { MethodDefinition } from '../definition.ts';
import { checkContrast, contrastFlag, contrastText, readContrastFlag, requestedContrastText, type Contrast, type ResolvedContrast } from '../contrast.ts';
import { DEFAULT_REFINE_MODEL, type UnetObjective } from './models.ts';

export interface UnetRefineParams {
  /** A shipped model's name (./models.ts) or, where the run can read files (CLI), a path to an .onnx file (its card.json beside it). */
  model: string;
  /** Side of the cubes fed to the model, in voxels (a multiple of 4: the U-Net halves it twice). */
  cube: number;
  /** Voxels shared by neighbouring cubes along each axis, blended with smooth weights. */
  overlap: number;
  /** Cubes per model call. */
  batchSize: number;
  /** Which way the tomogram's contrast runs (../contrast.ts). */
  contrast: Contrast;
  /** σ in voxels of a Gaussian the tomogram is smoothed by before the model (gaussian/run.ts); 0 for none. */
  inputSigma: number;
}

/** A light smoothing of the model's input: more would take out what the model is meant to work on. */
export const MAX_INPUT_SIGMA = 4;

/** What is known once the model ran, and the contrast it ran with ('auto' resolved). */
export interface UnetRefineFacts extends ResolvedContrast {
  /** onnxruntime-web's backend that ran it. */
  backend: string;
  /** Cubes evaluated (on the GPU path, those on slab boundaries count once per slab). */
  cubes: number;
  /** Sides (x, y, z) of the cubes that ran: the requested side, less along a shorter axis or where the GPU's limits asked. */
  cubeSize: [number, number, number];
  /** The overlap that ran (scaled down with the cube when the GPU's limits shrank it). */
  overlap: number;
  /** Slabs of rows the tomogram went through (1: whole). */
  slabs: number;
}

/** "48³ cubes", or "48 × 48 × 32 cubes" when an axis was shorter than the cube. */
function cubeText([x, y, z]: [number, number, number]): string {
  return x === y && y === z ? `${x}³ cubes` : `${x} × ${y} × ${z} cubes`;
}

/** Larger cubes than this gain nothing at the shipped models' receptive field (a few tens of voxels) and cost memory. */
const MAX_CUBE = 256;

const TEXT: Record<UnetObjective, { title: string; menu: string; help: string }> = {
  cryogen: {
    title: 'CryoGEN',
    menu: 'CryoGEN: energy-based 3-D U-Net wedge filling',
    help:
      'CryoGEN (energy-based missing-wedge correction): a 3-D U-Net trained with a decaying IsoNet-like consistency term and an ' +
      'energy model that scores its rotated, re-wedged outputs against real wedged subtomograms.',
  },
  isonet: {
    title: 'IsoNet-style',
    menu: 'IsoNet-style: recursive 3-D U-Net wedge filling',
    help: "IsoNet-style missing-wedge correction: a 3-D U-Net trained on rotated, re-wedged subtomograms with IsoNet's recursive refill and noise schedule.",
  },
};

function definition<N extends UnetObjective>(objective: N): MethodDefinition<N, 'refinement', UnetRefineParams, UnetRefineFacts> {
  const text = TEXT[objective];
  return {
    name: objective,
    kind: 'refinement',
    // Without a GPU, cubes are cut and blended in TypeScript and the model runs on onnxruntime-web's wasm backend.
    cpu: true,
    // A trained network that fills the missing wedge: its result gets the trust score (docs/trust.md).
    learned: true,
    // Both objectives run the same U-Nets: either runs a model trained with the other.
    modelFamily: 'refine',
    title: text.title,
    menuLabel: text.menu,
    help:
      `${text.help} The tomogram is normalised by its mean and std, cut into overlapping cubes, each run through the ONNX model ` +
      '(onnxruntime-web: WebGPU on a real GPU, its wasm backend otherwise), and the outputs blended with raised-cosine weights over the ' +
      `overlaps; the normalisation is undone at the end. On the GPU, cutting and blending are GPU kernels, and cubes, batch and slabs ` +
      "of rows fit the device's memory. Train your own with models/refine/train.py (docs/refine.md).",
    defaults: (_input, partial = {}) => ({
      model: partial.model ?? DEFAULT_REFINE_MODEL[objective],
      cube: partial.cube ?? 48,
      overlap: partial.overlap ?? 12,
      batchSize: partial.batchSize ?? 2,
      contrast: partial.contrast ?? 'auto',
      inputSigma: partial.inputSigma ?? 0,
    }),
    validate(p) {
      if (p.model.trim() === '') throw new Error(`${text.title} needs a model: a shipped name or an .onnx file`);
      if (!Number.isInteger(p.cube) || p.cube % 4 !== 0 || p.cube < 8 || p.cube > MAX_CUBE) throw new Error(`the cube side must be a multiple of 4 in [8, ${MAX_CUBE}] voxels (got ${p.cube})`);
      if (!Number.isInteger(p.overlap) || p.overlap < 0 || 2 * p.overlap >= p.cube) throw new Error(`the overlap must be a whole number of voxels in [0, cube/2) (got ${p.overlap} for cube ${p.cube})`);
      if (!Number.isInteger(p.batchSize) || p.batchSize < 1) throw new Error(`the batch size must be a whole number ≥ 1 (got ${p.batchSize})`);
      checkContrast(p.contrast);
      if (!(p.inputSigma >= 0 && p.inputSigma <= MAX_INPUT_SIGMA)) throw new Error(`the input's smoothing σ must be in [0, ${MAX_INPUT_SIGMA}] voxels, 0 for none (got ${p.inputSigma})`);
    },
    paramText(p, context = {}) {
      const facts = context.facts;
      const smoothed = p.inputSigma > 0 ? `, input smoothed σ ${p.inputSigma}` : '';
      if (!facts) return `${p.model}, ${p.cube}³ cubes, overlap ${p.overlap}${requestedContrastText(p.contrast)}${smoothed}`;
      const slabs = facts.slabs > 1 ? `, ${facts.slabs} slabs` : '';
      return `${p.model}, ${cubeText(facts.cubeSize)}, overlap ${facts.overlap}${slabs}, ${facts.backend}${contrastText(facts)}${smoothed}`;
    },
    flags: [
      { name: 'model', value: 'NAME|FILE.onnx', parse: 'string', param: 'model', help: 'a shipped refinement model, or an .onnx file of the same interface with the card.json models/refine/train.py writes beside it (both checked before any work)' },
      { name: 'cube', value: 'N', parse: 'int', param: 'cube', help: 'cube side in voxels (a multiple of 4)' },
      { name: 'overlap', value: 'N', parse: 'int', param: 'overlap', help: 'voxels shared by neighbouring cubes' },
      { name: 'batch', value: 'N', parse: 'int', param: 'batchSize', help: 'cubes per model call' },
      contrastFlag("takes the source tilt series' contrast where it is known (in the page, for wedgelab trust/cv, and with wedgelab refine --tilts STACK), dense-bright otherwise"),
      {
        name: 'input-sigma',
        value: 'S',
        parse: 'number',
        param: 'inputSigma',
        help: `smooth the tomogram by a Gaussian of σ S voxels before the model (0: none; at most ${MAX_INPUT_SIGMA}); on noisy simulations σ 1 helped (docs/refine.md)`,
      },
    ],
    readFlags: readContrastFlag,
    formDefaults: () => ({ model: DEFAULT_REFINE_MODEL[objective], cube: 48, overlap: 12, batchSize: 2, contrast: 'auto', inputSigma: 0 }),
  };
}

export const CRYOGEN = definition('cryogen');
export const ISONET = definition('isonet');
