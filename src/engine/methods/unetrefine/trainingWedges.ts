/**
 * Whether a refinement model has learnt the missing wedge of the tomogram it is given. A U-Net of either objective
 * learns to fill the wedges of the tomograms it was trained on (models/refine/train.py re-wedges rotated cubes with
 * each tomogram's own cone), so on a tomogram measured over a narrower range part of the missing wedge is one it
 * never learnt to fill, and over a wider range it may rewrite directions that were measured. The refinement itself
 * does not need the wedge; this only compares the card's training wedges (trainingData[].wedge, [θmin, θmax] in
 * degrees) with the tomogram's measured range and says when they differ. Page-safe.
 */

/** A range [θmin, θmax] in degrees: the lowest and highest tilt. */
export type TiltRange = readonly [number, number];

/**
 * Degrees a tomogram's range may lie outside the training ranges without a warning: one or two tilt steps (2–3°
 * in most schemes), by which the ranges of series with the same intent differ.
 */
const SLACK_DEGREES = 5;

/** The wedges of the tomograms a model was trained on, from its card; none when the card does not list them. */
export function trainingWedges(card: Record<string, unknown>): TiltRange[] {
  const data = Array.isArray(card.trainingData) ? card.trainingData : [];
  return data
    .map((entry) => (entry as { wedge?: unknown }).wedge)
    .filter((w): w is [number, number] => Array.isArray(w) && w.length === 2 && w.every((x) => typeof x === 'number' && Number.isFinite(x)));
}

const degrees = (x: number) => `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(Math.round(x))}°`;
const span = (values: number[]) => {
  const [lo, hi] = [Math.min(...values), Math.max(...values)];
  return lo === hi ? degrees(lo) : `${degrees(lo)}…${degrees(hi)}`;
};

/** The warning for a model as a menu lists it (its training wedges from its card, where known); null without them. */
export function modelWedgeWarning(model: { name: string; trainingWedges?: readonly TiltRange[] }, measured: TiltRange): string | null {
  return model.trainingWedges ? wedgeMismatch(model.name, model.trainingWedges, measured) : null;
}

/**
 * A warning when the tomogram's measured range `measured` lies outside the training wedges (either end beyond
 * every training tomogram's by more than SLACK_DEGREES), else null; null too when the card lists no wedges.
 */
export function wedgeMismatch(model: string, trained: readonly TiltRange[], measured: TiltRange): string | null {
  if (trained.length === 0) return null;
  const lows = trained.map((w) => w[0]);
  const highs = trained.map((w) => w[1]);
  // Per side: a range that stops short of every training range leaves a wedge wider than any learnt; one that
  // reaches beyond every training range has measured directions the model was taught to fill.
  const shorter = measured[0] > Math.max(...lows) + SLACK_DEGREES || measured[1] < Math.min(...highs) - SLACK_DEGREES;
  const longer = measured[0] < Math.min(...lows) - SLACK_DEGREES || measured[1] > Math.max(...highs) + SLACK_DEGREES;
  if (!shorter && !longer) return null;
  const effects = [
    ...(shorter ? ['its missing wedge is wider than any the model learnt to fill, and part of it may stay empty'] : []),
    ...(longer ? ['the model may alter directions that were measured'] : []),
  ];
  return (
    `${model} was trained on tomograms measured from ${span(lows)} to ${span(highs)}; this one is measured from ` +
    `${degrees(measured[0])} to ${degrees(measured[1])}: ${effects.join(', and ')} (models/refine/train.py trains a model on this tomogram)`
  );
}
