/** What a runner of each kind of method is: the engine-only contract between the registry and a method's run.ts. */
import type { EngineContext } from '../context.ts';
import type { TiltSeries } from '../types.ts';
import type { Tomogram } from '../../io/piecedVolume.ts';
import type { RunOptions } from './slabs.ts';

/** What a runner that makes a tomogram gives back besides it; the tomogram may be in pieces (io/piecedVolume.ts). */
export interface VolumeOutput<F> {
  volume: Tomogram;
  /** Per-iteration residuals (SIRT). */
  residuals?: number[];
  /** Training loss per step (coordinate network). */
  loss?: number[];
  /** What the method learnt while running that its label names (e.g. a model's patch size). */
  facts?: F;
}

/** Tilt series → tomogram; the series is already binned and, if asked, mean-subtracted. */
export interface ReconstructionRunner<P, F> {
  run(engine: EngineContext, tiltSeries: TiltSeries, params: P, options: RunOptions): Promise<VolumeOutput<F>>;
}

/** Tomogram → tomogram: applied to any result (a reconstruction, or another refinement), either held in pieces. */
export interface RefinementRunner<P, F> {
  run(engine: EngineContext, tomogram: Tomogram, params: P, options: RunOptions): Promise<VolumeOutput<F>>;
}

/** What a tilt synthesis gives back: the series with its new tilts appended. */
export interface TiltSeriesOutput<F> {
  tiltSeries: TiltSeries;
  facts?: F;
}

/** Tilt series → tilt series with added tilts (appended after the measured ones, in stack order). */
export interface TiltSynthesisRunner<P, F> {
  run(engine: EngineContext, tiltSeries: TiltSeries, params: P, options: RunOptions): Promise<TiltSeriesOutput<F>>;
}
