/**
 * What a method is, as plain data and pure functions: its parameters and defaults, validation, the label
 * that names a result, its command-line flags and its page form's settings. Page-safe: a definition imports
 * no GPU code and no onnxruntime, so the page, the worker, the CLI and the bench all read the same one.
 * The code that runs a method (its runner) lives beside it in run.ts, engine-only (methods/runners.ts).
 * Split as neuroglancer splits a data source into base (here), backend (run.ts) and frontend (the page's
 * panel in src/app/components/method/panels.tsx).
 */
import type { TiltSeries, Volume } from '../types.ts';
import type { CommonParams } from './common.ts';
import type { FlagSpec, FlagValues } from './flags.ts';
import type { ModelFamily } from './modelChoice.ts';

/**
 * - reconstruction: tilt series → tomogram (FBP, SIRT, the coordinate and the local network);
 * - refinement: tomogram → tomogram (filters, 3-D U-Nets), applied to any result;
 * - tiltSynthesis: tilt series → tilt series with added tilts.
 */
export type MethodKind = 'reconstruction' | 'refinement' | 'tiltSynthesis';

/** The size of a method's input, which its defaults and label may depend on. */
export type InputShape<K extends MethodKind> = K extends 'refinement' ? Pick<Volume, 'nx' | 'ny' | 'nz'> : Pick<TiltSeries, 'nx' | 'ny' | 'nTilts'>;

/** Parameters every method of a kind shares; the page edits them in one place for all of the kind's methods. */
export type KindCommon<K extends MethodKind> = K extends 'reconstruction' ? CommonParams : object;

/** The page form's own settings of a method: its parameters less those of its kind's shared ones. */
export type FormOptions<K extends MethodKind, P> = Omit<P, keyof KindCommon<K>>;

/** What describes a result: its input's size, and facts known only once the method ran (e.g. a model's patch size). */
export interface DescribeContext<K extends MethodKind, F> {
  input?: InputShape<K>;
  facts?: F;
}

export interface MethodDefinition<N extends string, K extends MethodKind, P, F = never> {
  name: N;
  kind: K;
  /** Short name for buttons, progress and labels, e.g. "FBP". */
  title: string;
  /** The method menu's line, e.g. "FBP: filtered back-projection". */
  menuLabel: string;
  /** A few sentences for `wedgelab … --method NAME --help`. */
  help: string;
  /** Complete parameters from partial ones (defaults may scale with the input's width); the defaults sit here, beside the method. */
  defaults(input: Pick<InputShape<K>, 'nx'>, partial?: Partial<P>): P;
  /** Throws naming the parameter and its bound; called before any GPU work. The kind's shared parameters are checked by the registry. */
  validate(params: P): void;
  /**
   * Why these parameters cannot run on this tilt series (a CTF correction asked of a series without a defocus), or
   * null: checked once the series is known, before any work (methods/runners.ts resolveOnTiltSeries; the CLI names
   * the stack with it).
   */
  seriesProblem?(params: P, ts: TiltSeries): string | null;
  /** The parameters in words, e.g. "cosine, thickness 64, bin 1"; a result's label is "title (paramText)". */
  paramText(params: P, context?: DescribeContext<K, F>): string;
  /** The method's own command-line flags (the kind's shared flags come from the registry). */
  flags: readonly FlagSpec<P>[];
  /** Flags that take more than a plain parse (a filter with its aliases, a learning-rate range). */
  readFlags?(values: FlagValues): Partial<P>;
  /** Other names `--method` accepts, each presetting parameters (e.g. localnet-wavelet). */
  aliases?: Readonly<Record<string, Partial<P>>>;
  /** The page form's settings, with the page's defaults (which may differ from the engine's, e.g. a gentler filter). */
  formDefaults(): FormOptions<K, P>;
  /**
   * A learned method (a trained or fitted network): its result can look right and be wrong, so the page and
   * `wedgelab trust` offer its trust score against FBP (docs/trust.md).
   */
  learned?: boolean;
  /**
   * The family of models the method runs (./modelChoice.ts), for a method that runs a model file: its page menu
   * offers that family's models, and a model the user adds on the page or names by path on the command line is
   * checked as one of them (./userModels.ts).
   */
  modelFamily?: ModelFamily;
  /**
   * Its result is the same with a constant added to the stack: it removes the stack's one mean itself (the local
   * network's input normalisation and hand-over), so the offset warning (./preprocess.ts offsetWarning) is not for
   * its result, only for the FBP a trust score compares it with (which takes the method's `subtractMean`).
   */
  offsetFree?: boolean;
  /**
   * The result is tiltWeight(N) times a sum of one term per tilt that depends on that tilt alone (its data, angle
   * and dose), as FBP's is (π/N times a sum of back-projections): holding each tilt out in turn then takes its term
   * off the whole series' result instead of reconstructing n times (evaluation/crossValidation.ts).
   */
  tiltWeight?(nTilts: number): number;
  /** Runs on the engine's CPU path too (docs/cpu.md); without it the method needs WebGPU, and the page and CLI say so. */
  cpu?: boolean;
  /**
   * Why a run on a software WebGPU adapter (SwiftShader) is a trap, for a method whose defaults take that long there
   * (the coordinate network): the page keeps Run disabled until the user confirms, saying this.
   */
  softwareAdapterWarning?: string;
  /** Indices of a loss curve where a new stage starts (the coordinate network's slabs), for the plot's marks. */
  lossMarks?(params: P, steps: number): number[];
}
