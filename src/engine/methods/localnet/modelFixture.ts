// Tests only: run a local model's ONNX file in the engine's own session on a fixture (an input and the
// output torch computed for it), as the shipped models' and the CryoLithe converter's checks both do; and the
// tiny test networks with the random series that the pipeline's checks (GPU path and CPU path) run them on.
import { readFileSync } from 'node:fs';
import { readFloats, storageBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import type { TinyLocalnetCard } from '../../reference/localnet.ts';
import { Rng } from '../../sim/random.ts';
import type { TiltSeries } from '../../types.ts';
import { LocalModel } from './model.ts';

/** A tiny network of models/tiny (make_tiny.py): its ONNX bytes, and its weights card for the CPU reference. */
export function tinyModel(variant: 'voxel' | 'wavelet'): { bytes: Uint8Array; card: TinyLocalnetCard } {
  return {
    bytes: readFileSync(new URL(`../../../../models/tiny/tiny_${variant}.onnx`, import.meta.url)),
    card: JSON.parse(readFileSync(new URL(`../../../../models/tiny/tiny_${variant}.json`, import.meta.url), 'utf8')) as TinyLocalnetCard,
  };
}

/** Seeded noise around 3 (an offset the pipeline must remove) at random angles within ±60°. */
export function noisyTiltSeries(nx: number, ny: number, nTilts: number, seed: number): TiltSeries {
  const rng = new Rng(seed);
  const data = Float32Array.from({ length: nx * ny * nTilts }, () => 3 + rng.normal());
  const tiltAngles = Array.from({ length: nTilts }, () => rng.uniform(-60, 60));
  return { nx, ny, nTilts, data, tiltAngles, pixelSize: 2 };
}

/** patches [batch, nTilts, P, P] flattened, with `shape` = [batch, nTilts, P, P]; angles in degrees. */
export interface ModelFixture {
  shape: number[];
  patches: number[];
  angles: number[];
  out: number[];
}

export interface FixtureRun {
  /** P and output count as the session read them from the file. */
  patch: number;
  outputs: number;
  /** Whether the model is odd in its patches (the engine's polarity check, model.ts). */
  odd: boolean;
  /** The model's outputs for the fixture's patches, [batch, outputs]. */
  got: Float32Array;
}

/**
 * On onnxruntime-web's wasm backend, whatever the GPU: fixtures check the exported graph against torch to
 * float tolerance, which WebGPU's sin/cos (2^-11, session.ts) would not meet. The graph as exported: a model
 * that is not odd is run as it is here, not as its odd part.
 */
export async function runModelOnFixture(onnx: Uint8Array, fixture: ModelFixture): Promise<FixtureRun> {
  const batch = fixture.shape[0];
  const gpu = await openNodeGpu();
  const model = await LocalModel.open(gpu, onnx, { backend: 'wasm', oddPart: false });
  const input = uploadBuffer(gpu, Float32Array.from(fixture.patches), 'test.patches');
  const target = storageBuffer(gpu, batch * model.outputs * 4, 'test.target');
  try {
    await model.run(input, batch, Float32Array.from(fixture.angles), target, 0, batch);
    return { patch: model.patch, outputs: model.outputs, odd: model.odd, got: await readFloats(gpu, target, batch * model.outputs) };
  } finally {
    await model.release();
    input.destroy();
    target.destroy();
  }
}
