/**
 * The back-projection of projector.ts's backProjectRow in WebAssembly SIMD (wasm/backproject.wat, built into
 * wasm/backprojectModule.ts by wasm/build.sh): the same geometry and samples, with the section's sums in float32
 * instead of float64. Each thread (a worker_thread in Node, a module worker in the page) instantiates the module
 * once, at its first row, from the bytes in the bundle; a row's tilts are copied into the module's memory, with
 * zeros either side, and its sums added back into the volume.
 */
import { backProjectRow, type RowGeometry } from './projector.ts';
import { BACKPROJECT_WASM_BASE64 } from './wasm/backprojectModule.ts';

interface BackProjectKernel {
  memory: WebAssembly.Memory;
  backProjectSection(nx: number, nz: number, nTilts: number, trig: number, tilts: number, rowStride: number, pad: number, table: number, out: number): void;
}

/** This thread's instance. */
let kernel: BackProjectKernel | null = null;
/** Whether this platform's WebAssembly has SIMD (Chrome 91, Firefox 89, Safari 16.4, Node 16 on). */
let simd: boolean | null = null;

const moduleBytes = () => Uint8Array.from(atob(BACKPROJECT_WASM_BASE64), (c) => c.charCodeAt(0));

function backProjectKernel(): BackProjectKernel {
  kernel ??= new WebAssembly.Instance(new WebAssembly.Module(moduleBytes())).exports as unknown as BackProjectKernel;
  return kernel;
}

/** Where a section's inputs and sums lie in the module's memory, in float32 elements. */
interface SectionLayout {
  trig: number;
  table: number;
  tilts: number;
  /** Floats per padded tilt row: pad zeros, nx pixels, pad zeros. */
  width: number;
  /** Zeros either side of a row: past the farthest sample, |t − half| ≤ half + 7 + nz/2, and its neighbour. */
  pad: number;
  out: number;
  /** Floats per row of sums: nx rounded up to whole steps of 8 voxels. */
  outWidth: number;
  floats: number;
}

function sectionLayout({ nx, nz, nTilts }: RowGeometry): SectionLayout {
  const pad = Math.ceil(nz / 2) + 12;
  const width = nx + 2 * pad;
  const outWidth = Math.ceil(nx / 8) * 8;
  const trig = 0;
  const table = trig + 2 * nTilts;
  const tilts = table + 4 * nTilts;
  const out = tilts + nTilts * width;
  return { trig, table, tilts, width, pad, out, outWidth, floats: out + nz * outWidth };
}

/** The module's memory as floats, grown to hold `floats`. */
function memoryFloats(k: BackProjectKernel, floats: number): Float32Array {
  const missing = floats * 4 - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / 65536));
  return new Float32Array(k.memory.buffer);
}

/** Add weight·Aᵀ(tilts) of row `yTilt` of the tilts into row `yVolume` of the volume (as backProjectRow). */
export function backProjectRowWasm(g: RowGeometry, tilts: Float32Array, tiltRows: number, yTilt: number, volume: Float32Array, volumeRows: number, yVolume: number, weight: number): void {
  const { nx, nz, nTilts } = g;
  const k = backProjectKernel();
  const at = sectionLayout(g);
  const memory = memoryFloats(k, at.floats);
  memory.set(g.trig, at.trig);
  memory.fill(0, at.tilts, at.out);
  for (let t = 0; t < nTilts; t++) {
    const from = (t * tiltRows + yTilt) * nx;
    memory.set(tilts.subarray(from, from + nx), at.tilts + t * at.width + at.pad);
  }
  k.backProjectSection(nx, nz, nTilts, at.trig * 4, at.tilts * 4, at.width * 4, at.pad, at.table * 4, at.out * 4);
  for (let z = 0; z < nz; z++) {
    const to = nx * (yVolume + volumeRows * z);
    const sums = at.out + z * at.outWidth;
    for (let x = 0; x < nx; x++) volume[to + x] += weight * memory[sums + x];
  }
}

/**
 * The back-projection the CPU path runs (docs/cpu.md: WebAssembly SIMD measured 2–3× faster per update than V8 on
 * the TypeScript loop): this module's, or projector.ts's where WebAssembly lacks SIMD.
 */
export function backProjectRowOnCpu(g: RowGeometry, tilts: Float32Array, tiltRows: number, yTilt: number, volume: Float32Array, volumeRows: number, yVolume: number, weight: number): void {
  simd ??= typeof WebAssembly !== 'undefined' && WebAssembly.validate(moduleBytes());
  (simd ? backProjectRowWasm : backProjectRow)(g, tilts, tiltRows, yTilt, volume, volumeRows, yVolume, weight);
}
