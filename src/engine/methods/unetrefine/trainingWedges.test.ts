import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFINE_MODELS } from './models.ts';
import { trainingWedges, wedgeMismatch } from './trainingWedges.ts';

const card = (name: string) => JSON.parse(readFileSync(new URL(`../../../../models/refine/${name}/card.json`, import.meta.url), 'utf8'));

describe('training wedges against the tomogram’s measured range', () => {
  it('reads the shipped cards’ wedges: ±38…±70° over 8 simulated tomograms', () => {
    const wedges = trainingWedges(card('isonet_sim'));
    expect(wedges).toHaveLength(8);
    expect(Math.min(...wedges.map((w) => w[0]))).toBe(-70);
    expect(Math.max(...wedges.map((w) => w[1]))).toBe(68);
    expect(trainingWedges(card('cryogen_sim'))).toEqual(wedges);
    // The page's list (models.ts) is the cards'.
    for (const model of REFINE_MODELS) expect(model.trainingWedges).toEqual(trainingWedges(card(model.file.split('/')[1])));
    expect(trainingWedges({})).toEqual([]);
    expect(trainingWedges({ trainingData: [{ wedge: [-60, 'x'] }, { wedge: [-50, 50] }] })).toEqual([[-50, 50]]);
  });

  it('is silent within the training ranges and 5° around them, and says which way it differs outside', () => {
    const trained = [[-60, 60], [-45, 45]] as const;
    expect(wedgeMismatch('m', trained, [-58, 61])).toBeNull();
    expect(wedgeMismatch('m', trained, [-42, 48])).toBeNull(); // 3° short of the narrowest: within the slack
    expect(wedgeMismatch('m', [], [-10, 10])).toBeNull();
    expect(wedgeMismatch('m', trained, [-30, 30])).toBe(
      'm was trained on tomograms measured from −60°…−45° to +45°…+60°; this one is measured from −30° to +30°: its missing wedge is wider than any the model learnt to fill, and part of it may stay empty (models/refine/train.py trains a model on this tomogram)',
    );
    expect(wedgeMismatch('m', [[-60, 60]], [-70, 70])).toBe(
      'm was trained on tomograms measured from −60° to +60°; this one is measured from −70° to +70°: the model may alter directions that were measured (models/refine/train.py trains a model on this tomogram)',
    );
    expect(wedgeMismatch('m', [[-60, 60]], [-30, 70])).toMatch(/part of it may stay empty, and the model may alter directions that were measured/);
  });
});
