// A refinement model's graph read from its ONNX bytes (onnx/graph.ts) against what Python's onnx package lists for
// the shipped model (initialiser dims, strides, Resize scales), and the activation footprint the GPU path fits its
// batches to (footprint.ts): the shipped U-Net's figures worked out by hand, and a network twice as wide (the
// shipped graph with every channel count doubled, as `train.py --channels 16` exports it) needing twice as much.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readOnnxGraph, type OnnxGraph } from '../../onnx/graph.ts';
import { modelFootprint } from './footprint.ts';
import { REFINE_MODELS } from './models.ts';

const modelFile = (file: string) => readFileSync(new URL(`../../../../models/${file}`, import.meta.url));
const shipped = readOnnxGraph(modelFile('refine/isonet_sim/model.onnx'));

/** The same graph with every channel count doubled but the cube's 1 (the first Conv's input, the head's output). */
function twiceAsWide(graph: OnnxGraph): OnnxGraph {
  const initializers = new Map([...graph.initializers].map(([name, dims]) => [name, dims.map((d, axis) => (axis < 2 && d > 1 ? 2 * d : d))]));
  return { ...graph, initializers };
}

describe('refinement model footprint', () => {
  it("reads the shipped model's graph as Python's onnx package lists it", () => {
    expect(shipped.inputs).toEqual(['cube']);
    // python3 -c "import onnx; [print(i.name, list(i.dims)) for i in onnx.load('models/refine/isonet_sim/model.onnx').graph.initializer]"
    expect([...shipped.initializers]).toEqual([
      ['enc1.0.weight', [8, 1, 3, 3, 3]],
      ['enc1.2.weight', [8, 8, 3, 3, 3]],
      ['enc2.0.weight', [16, 8, 3, 3, 3]],
      ['enc2.2.weight', [16, 16, 3, 3, 3]],
      ['bottom.0.weight', [32, 16, 3, 3, 3]],
      ['bottom.2.weight', [32, 32, 3, 3, 3]],
      ['up2.0.weight', [16, 32, 3, 3, 3]],
      ['dec2.0.weight', [16, 32, 3, 3, 3]],
      ['up1.0.weight', [8, 16, 3, 3, 3]],
      ['dec1.0.weight', [8, 16, 3, 3, 3]],
      ['head.weight', [1, 8, 1, 1, 1]],
    ]);
    const ops = shipped.nodes.map((n) => n.opType);
    expect(ops.filter((op) => op === 'Conv')).toHaveLength(11);
    expect(ops.filter((op) => op === 'Relu')).toHaveLength(10);
    expect(ops.filter((op) => op === 'Resize')).toHaveLength(2);
    expect(ops.at(-1)).toBe('Add');
    const strides = shipped.nodes.filter((n) => n.opType === 'Conv').map((n) => n.attributes.get('strides'));
    expect(strides.filter((s) => s?.join() === '2,2,2')).toHaveLength(2);
    expect(strides.filter((s) => s?.join() === '1,1,1')).toHaveLength(9);
    for (const resize of shipped.nodes.filter((n) => n.opType === 'Resize')) expect(shipped.constants.get(resize.inputs[2])).toEqual([1, 1, 2, 2, 2]);
    expect(shipped.nodes.filter((n) => n.opType === 'Concat').map((n) => n.attributes.get('axis'))).toEqual([[1], [1]]);
  });

  it('gives the shipped U-Net 16 floats a voxel in its widest tensor and 33 alive at the peak, both models alike', () => {
    // Widest: the last skip concatenation, 8 + 8 channels at full size. Peak, at the first level's up-convolution:
    // the cube (1, kept for the residual add), the first level's output kept for the skip (8), the upsampled
    // second-level output (16 channels at full size) and the convolution's own output (8).
    for (const model of REFINE_MODELS) {
      expect(modelFootprint(readOnnxGraph(modelFile(model.file)))).toEqual({ widestFloats: 16, liveFloats: 33 });
    }
  });

  it('gives a network twice as wide twice the widest tensor and all but the cube twice the live floats', () => {
    // 16 + 16 channels at full size; the cube (1) + 16 + 32 + 16 at the peak.
    expect(modelFootprint(twiceAsWide(shipped))).toEqual({ widestFloats: 32, liveFloats: 65 });
  });

  it('follows strides, pooling and scales it cannot read conservatively', () => {
    const node = (opType: string, inputs: string[], output: string, attributes: [string, number[]][] = []) => ({ opType, inputs, outputs: [output], attributes: new Map(attributes) });
    const graph: OnnxGraph = {
      inputs: ['x'],
      initializers: new Map([
        ['w', [24, 1, 3, 3, 3]],
        ['size', [5]],
      ]),
      constants: new Map(),
      nodes: [
        node('Conv', ['x', 'w'], 'a', [['strides', [2, 2, 2]]]),
        node('MaxPool', ['a'], 'b', [['strides', [2, 2, 2]]]),
        // Resized to sizes given at run time: counted as full size.
        node('Resize', ['b', '', '', 'size'], 'c'),
        node('Add', ['c', 'x'], 'y'),
      ],
    };
    // a: 24 channels at 1/8 (3 floats a voxel), b: at 1/64 (0.375), c and y: 24 at full size.
    // Peak at Add: x (1), c (24), y (24).
    expect(modelFootprint(graph)).toEqual({ widestFloats: 24, liveFloats: 49 });
  });

  it('refuses bytes that are no ONNX model', () => {
    expect(() => readOnnxGraph(new TextEncoder().encode('not a model at all'))).toThrow(/not an ONNX model/);
  });
});
