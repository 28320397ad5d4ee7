/**
 * The models a method's menu offers, in one shape for every learned method: the shipped ones (each method's
 * models.ts) and those the user adds from files for the session (./userModels.ts validates them in the worker).
 * Models come in families; each method runs the models of one family (its definition's modelFamily names it), and a family's
 * models suit all its methods: the refinement U-Nets run under CryoGEN and IsoNet-style alike. Page-safe.
 */
import { LOCAL_MODELS, type LocalnetVariant } from './localnet/models.ts';
import { SYNTH_MODELS, SYNTH_PARTS } from './latentbp/models.ts';
import { REFINE_MODELS, type UnetObjective } from './unetrefine/models.ts';
import type { TiltRange } from './unetrefine/trainingWedges.ts';

/** localnet: the local network; synth: the latent back-projection network; refine: the refinement U-Nets. */
export type ModelFamily = 'localnet' | 'synth' | 'refine';

/** The tag shown beside a model's name in the menu: its variant, its training objective. */
interface FamilyTags {
  localnet: LocalnetVariant;
  synth: string;
  refine: UnetObjective;
}

/** A model a menu offers: shipped, or added from files (named after them). */
export interface ModelChoice<F extends ModelFamily = ModelFamily> {
  name: string;
  tag: FamilyTags[F];
  /** One line for the menu's hint. */
  summary: string;
  /** A refinement model's training wedges, [θmin, θmax] per training tomogram (its card's), where known. */
  trainingWedges?: readonly TiltRange[];
  /** A local model: whether it is odd in its patches (localnet/model.ts); if not, its runs may take it as trained. */
  odd?: boolean;
}

export type ModelChoices = { [F in ModelFamily]: ModelChoice<F>[] };

/** The files a model of each family is made of, as the file picker and the worker's check read them. */
export interface FamilyFiles {
  /** What the family's models are called in messages ("a local model"). */
  noun: string;
  /** The ONNX files by name, or null for one .onnx file of any name (the model is then named after it). */
  parts: readonly string[] | null;
  /** Whether a card.json (the training script's card) must come with them. */
  card: boolean;
}

export const CARD_FILE = 'card.json';

export const FAMILY_FILES: Record<ModelFamily, FamilyFiles> = {
  localnet: { noun: 'local model', parts: null, card: false },
  synth: { noun: 'tilt-synthesis model', parts: SYNTH_PARTS.map((p) => `${p}.onnx`), card: true },
  refine: { noun: 'refinement model', parts: null, card: true },
};

export const SHIPPED_CHOICES: ModelChoices = {
  // Odd by construction (models/localnet/train.py; checked for each in trainedModel.test.ts).
  localnet: LOCAL_MODELS.map(({ name, variant, summary }) => ({ name, tag: variant, summary, odd: true })),
  synth: SYNTH_MODELS.map(({ name, summary }) => ({ name, tag: 'shipped', summary })),
  refine: REFINE_MODELS.map(({ name, objective, summary, trainingWedges }) => ({ name, tag: objective, summary, trainingWedges })),
};
