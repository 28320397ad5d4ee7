// Tests only: run a local model's ONNX file in the engine's own session on a fixture (an input and the
// output torch computed for it), as the shipped models' and the CryoLithe converter's checks both do.
import { readFloats, storageBuffer, uploadBuffer } from '../../gpu/buffers.ts';
import { openNodeGpu } from '../../gpu/node.ts';
import { LocalModel } from './model.ts';

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
