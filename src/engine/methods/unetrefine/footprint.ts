/**
 * What a refinement model's activations take per voxel of its input cube, read from the model's own graph
 * (../../onnx/graph.ts), so that the GPU path's batches and cubes (cubes.ts fitCubes) fit a user's wider network
 * as they fit the shipped one. Each tensor's size is followed through the graph in node order as channels × the
 * fraction of the cube's voxels it spans: a Conv gives its weight's output channels, a stride s divides the voxels
 * by s per axis (Conv, pooling), a Resize multiplies them by its scales (a full-size tensor when they cannot be
 * read), a Concat along channels adds them, and every other operator keeps its widest input's size.
 * For the shipped U-Net (models/refine/unet.py, channels 8/16/32, 3 levels): the widest tensor is the last skip
 * concatenation, 16 floats a voxel, and 33 floats a voxel are alive at the peak (the cube, the first level's 8
 * kept for the skip, the upsampled 16 and the 8 its convolution makes).
 */
import type { OnnxGraph, OnnxNode } from '../../onnx/graph.ts';

/** Floats per voxel of the model's input cube (batch 1). */
export interface ModelFootprint {
  /** The largest single tensor: onnxruntime binds each tensor as one buffer. */
  widestFloats: number;
  /**
   * The most floats alive at once, walking the nodes in order: a tensor lives from its node to its last consumer
   * (the input to its last too, outputs to the end). Counted unfused: ORT's fused Conv + ReLU holds less.
   */
  liveFloats: number;
}

interface TensorSize {
  channels: number;
  /** Share of the input cube's voxels. */
  fraction: number;
}

const product = (values: readonly number[]) => values.reduce((a, b) => a * b, 1);

/** The size of a node's output from its activation inputs' sizes (see the file's comment). */
function outputSize(graph: OnnxGraph, node: OnnxNode, inputs: TensorSize[]): TensorSize {
  const channels = Math.max(0, ...inputs.map((t) => t.channels));
  const fraction = Math.max(0, ...inputs.map((t) => t.fraction));
  const strides = product(node.attributes.get('strides') ?? []);
  switch (node.opType) {
    case 'Conv':
      return { channels: graph.initializers.get(node.inputs[1])?.[0] ?? channels, fraction: fraction / strides };
    case 'MaxPool':
    case 'AveragePool':
      return { channels, fraction: fraction / strides };
    case 'Resize':
    case 'Upsample': {
      const scales = graph.constants.get(node.inputs[node.opType === 'Resize' ? 2 : 1]);
      return { channels, fraction: scales ? fraction * product(scales.slice(2)) : Math.max(1, fraction) };
    }
    case 'Concat':
      return (node.attributes.get('axis') ?? [])[0] === 1 ? { channels: inputs.reduce((sum, t) => sum + t.channels, 0), fraction } : { channels, fraction };
    default:
      return { channels, fraction };
  }
}

/** The footprint of a model's graph (see ModelFootprint); its inputs are the cube, [batch, 1, nz, ny, nx]. */
export function modelFootprint(graph: OnnxGraph): ModelFootprint {
  const sizes = new Map<string, TensorSize>(graph.inputs.map((name) => [name, { channels: 1, fraction: 1 }]));
  const lastUse = new Map<string, number>();
  graph.nodes.forEach((node, k) => node.inputs.forEach((name) => lastUse.set(name, k)));
  const floats = (name: string) => {
    const size = sizes.get(name);
    return size ? size.channels * size.fraction : 0;
  };
  const alive = new Set(graph.inputs);
  let widestFloats = Math.max(0, ...graph.inputs.map(floats));
  let liveFloats = widestFloats;
  graph.nodes.forEach((node, k) => {
    const inputs = node.inputs.flatMap((name) => sizes.get(name) ?? []);
    if (inputs.length === 0) return; // constants and shapes, not activations
    const size = outputSize(graph, node, inputs);
    for (const name of node.outputs) {
      sizes.set(name, size);
      alive.add(name);
    }
    widestFloats = Math.max(widestFloats, size.channels * size.fraction);
    liveFloats = Math.max(liveFloats, [...alive].reduce((sum, name) => sum + floats(name), 0));
    for (const name of [...alive]) if ((lastUse.get(name) ?? Infinity) <= k) alive.delete(name);
  });
  return { widestFloats, liveFloats };
}
