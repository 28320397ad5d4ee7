/**
 * The structure of an ONNX model read from its bytes: its nodes in order (operator, tensor names, the integer and
 * float attributes), its initialisers' shapes, and the values of small float constants (a Resize's scales).
 * onnxruntime-web's session tells only a graph's inputs and outputs; what a model's layers need in memory is in
 * the graph itself (the U-Net refinement sizes its batches by it: methods/unetrefine/footprint.ts).
 *
 * A minimal protocol-buffer reader of onnx.proto's ModelProto → GraphProto → NodeProto, AttributeProto and
 * TensorProto: the fields below by number, everything else skipped by its wire type. Weights are never decoded.
 */

/** One node: `attributes` holds each integer or float attribute as a list (a single value as a list of one). */
export interface OnnxNode {
  opType: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, number[]>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  /** Every initialiser's dims, by name. */
  initializers: Map<string, number[]>;
  /** Float values of initialisers and Constant nodes' tensors of at most 64 values, by name (e.g. Resize scales). */
  constants: Map<string, number[]>;
  /** Names of the graph's inputs that are not initialisers. */
  inputs: string[];
}

// Field numbers of onnx.proto.
const MODEL_GRAPH = 7;
const GRAPH = { node: 1, initializer: 5, input: 11 };
const NODE = { input: 1, output: 2, opType: 4, attribute: 5 };
const ATTRIBUTE = { name: 1, f: 2, i: 3, t: 5, floats: 7, ints: 8 };
const TENSOR = { dims: 1, dataType: 2, floatData: 4, name: 8, rawData: 9 };
const VALUE_INFO_NAME = 1;
const FLOAT = 1;
/** Constants larger than this are weights, not shapes or scales: not decoded. */
const MAX_CONSTANT = 64;

/** One field of a message: its number and either a varint / fixed value or the bytes of a length-delimited one. */
interface Field {
  number: number;
  value: bigint;
  bytes: Uint8Array;
  wire: number;
}

/** Protocol-buffer wire format: a message is fields of (number << 3 | wire type), each a varint, 8 or 4 bytes, or length-prefixed bytes. */
class Reader {
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  varint(): bigint {
    let value = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (this.at >= this.bytes.length) throw new Error('not an ONNX model: truncated protocol buffer');
      const byte = this.bytes[this.at++];
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  }

  *fields(): Generator<Field> {
    while (!this.done) {
      const key = Number(this.varint());
      const [number, wire] = [key >>> 3, key & 7];
      const field: Field = { number, wire, value: 0n, bytes: new Uint8Array(0) };
      if (wire === 0) field.value = this.varint();
      else if (wire === 2) {
        const length = Number(this.varint());
        field.bytes = this.bytes.subarray(this.at, this.at + length);
        this.at += length;
      } else if (wire === 1 || wire === 5) {
        const size = wire === 1 ? 8 : 4;
        field.bytes = this.bytes.subarray(this.at, this.at + size);
        this.at += size;
      } else throw new Error(`not an ONNX model: protocol buffer wire type ${wire}`);
      if (this.at > this.bytes.length) throw new Error('not an ONNX model: truncated protocol buffer');
      yield field;
    }
  }
}

function fieldsOf(bytes: Uint8Array): Field[] {
  return [...new Reader(bytes).fields()];
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const signed = (value: bigint) => Number(BigInt.asIntN(64, value));
const float32 = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);

/** A repeated integer field's values, packed (one length-delimited field of varints) or not. */
function integers(field: Field): number[] {
  if (field.wire === 0) return [signed(field.value)];
  const reader = new Reader(field.bytes);
  const values: number[] = [];
  while (!reader.done) values.push(signed(reader.varint()));
  return values;
}

/** A repeated float field's values, packed or not. */
function floats(field: Field): number[] {
  if (field.wire === 5) return [float32(field.bytes)];
  return Array.from({ length: field.bytes.length / 4 }, (_, k) => float32(field.bytes.subarray(4 * k)));
}

/** A TensorProto's name, dims and, for a small float tensor, its values. */
function readTensor(bytes: Uint8Array): { name: string; dims: number[]; values: number[] | null } {
  let name = '';
  const dims: number[] = [];
  let dataType = 0;
  let values: number[] = [];
  for (const field of fieldsOf(bytes)) {
    if (field.number === TENSOR.name) name = text(field.bytes);
    else if (field.number === TENSOR.dims) dims.push(...integers(field));
    else if (field.number === TENSOR.dataType) dataType = Number(field.value);
    else if (field.number === TENSOR.floatData) values.push(...floats(field));
    else if (field.number === TENSOR.rawData && field.bytes.length <= 4 * MAX_CONSTANT) values = floats(field);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  return { name, dims, values: dataType === FLOAT && count <= MAX_CONSTANT && values.length === count ? values : null };
}

function readNode(bytes: Uint8Array, constants: Map<string, number[]>): OnnxNode {
  const node: OnnxNode = { opType: '', inputs: [], outputs: [], attributes: new Map() };
  let tensor: number[] | null = null;
  for (const field of fieldsOf(bytes)) {
    if (field.number === NODE.input) node.inputs.push(text(field.bytes));
    else if (field.number === NODE.output) node.outputs.push(text(field.bytes));
    else if (field.number === NODE.opType) node.opType = text(field.bytes);
    else if (field.number === NODE.attribute) {
      let name = '';
      const values: number[] = [];
      for (const part of fieldsOf(field.bytes)) {
        if (part.number === ATTRIBUTE.name) name = text(part.bytes);
        else if (part.number === ATTRIBUTE.i || part.number === ATTRIBUTE.ints) values.push(...integers(part));
        else if (part.number === ATTRIBUTE.f || part.number === ATTRIBUTE.floats) values.push(...floats(part));
        else if (part.number === ATTRIBUTE.t) tensor = readTensor(part.bytes).values;
      }
      node.attributes.set(name, values);
    }
  }
  if (node.opType === 'Constant' && tensor) constants.set(node.outputs[0], tensor);
  return node;
}

/** Read an ONNX model's graph (see the file's comment); throws on bytes that are no protocol buffer. */
export function readOnnxGraph(modelBytes: Uint8Array): OnnxGraph {
  const graph: OnnxGraph = { nodes: [], initializers: new Map(), constants: new Map(), inputs: [] };
  const graphBytes = fieldsOf(modelBytes).find((f) => f.number === MODEL_GRAPH && f.wire === 2);
  if (!graphBytes) throw new Error('not an ONNX model: no graph');
  const declared: string[] = [];
  for (const field of fieldsOf(graphBytes.bytes)) {
    if (field.number === GRAPH.node) graph.nodes.push(readNode(field.bytes, graph.constants));
    else if (field.number === GRAPH.initializer) {
      const { name, dims, values } = readTensor(field.bytes);
      graph.initializers.set(name, dims);
      if (values) graph.constants.set(name, values);
    } else if (field.number === GRAPH.input) {
      const name = fieldsOf(field.bytes).find((f) => f.number === VALUE_INFO_NAME);
      if (name) declared.push(text(name.bytes));
    }
  }
  graph.inputs = declared.filter((name) => !graph.initializers.has(name));
  return graph;
}
