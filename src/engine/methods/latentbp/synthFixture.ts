// Tests only: a shipped synthesis model's fixture (models/synth/NAME/fixture.json, written by train.py at export):
// a small series, its angles, the angles to add, and the tilts torch synthesised for them.
import { readFileSync } from 'node:fs';

export interface SynthFixture {
  /** [nTilts, ny, nx] of `tilts`. */
  shape: [number, number, number];
  angles: number[];
  targets: number[];
  thickness: number;
  tilts: number[];
  out: number[];
}

/** The fixture of the shipped model in models/`folder` (e.g. synth/lbp_small, as SYNTH_MODELS names it). */
export function readSynthFixture(folder: string): SynthFixture {
  return JSON.parse(readFileSync(new URL(`../../../../models/${folder}/fixture.json`, import.meta.url), 'utf8')) as SynthFixture;
}
