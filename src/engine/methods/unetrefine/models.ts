/**
 * The refinement U-Nets shipped in models/refine (one folder each, with its card), by name. The page offers
 * these; the CLI takes a name from here or a path to any .onnx file of the same interface, its card.json beside
 * it (models/refine/train.py: input `cube` [batch, 1, nz, ny, nx], sides multiples of 4, output the same shape).
 * Page-safe.
 */
import type { TiltRange } from './trainingWedges.ts';

export type UnetObjective = 'cryogen' | 'isonet';

export interface ShippedRefineModel {
  name: string;
  objective: UnetObjective;
  /** Path under models/. */
  file: string;
  /** One line for the model menu. */
  summary: string;
  /** [θmin, θmax] in degrees of each training tomogram, as its card lists them (trainingWedges.test.ts checks). */
  trainingWedges: readonly TiltRange[];
}

/** The eight simulated tomograms both shipped models were trained on (models/refine/make_data.sh): their tilt ranges. */
const SIMULATED_WEDGES: readonly TiltRange[] = [
  [-60, 60], [-45, 45], [-70, 68], [-50, 49], [-60, 60], [-40, 38], [-65, 64], [-55, 53],
];

export const REFINE_MODELS: readonly ShippedRefineModel[] = [
  {
    name: 'cryogen-sim',
    objective: 'cryogen',
    file: 'refine/cryogen_sim/model.onnx',
    trainingWedges: SIMULATED_WEDGES,
    summary: 'CryoGEN objective, 88 k parameters, 1800 CPU steps warm-started from isonet-sim, on 8 FBP tomograms of simulated cells, spheres, blobs, mixed scenes and lamellae (±40…±70°, −10…+10 dB; dense matter bright)',
  },
  {
    name: 'isonet-sim',
    objective: 'isonet',
    file: 'refine/isonet_sim/model.onnx',
    trainingWedges: SIMULATED_WEDGES,
    summary: 'IsoNet-style objective, 88 k parameters, 900 CPU steps on the same 8 simulated FBP tomograms (dense matter bright)',
  },
];

/** The model each objective runs when none is named. */
export const DEFAULT_REFINE_MODEL: Record<UnetObjective, string> = { cryogen: 'cryogen-sim', isonet: 'isonet-sim' };

export function shippedRefineModel(name: string): ShippedRefineModel | undefined {
  return REFINE_MODELS.find((m) => m.name === name);
}
