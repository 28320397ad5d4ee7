/**
 * The projector pair of projector.ts (backProjectRow, forwardProjectRow) in WebAssembly SIMD (wasm/projector.wat,
 * built into wasm/projectorModule.ts by wasm/build.sh): the same geometry and samples, with sums in float32
 * instead of float64. Each thread (a worker_thread in Node, a module worker in the page) instantiates the module
 * once, at its first row, from the bytes in the bundle; a row of every tilt (with zeros either side) and an x–z
 * section are copied into the module's memory, the kernel adds into one of them, and that one is copied back.
 */
import { backProjectRow, forwardProjectRow, type RowGeometry } from './projector.ts';
import { PROJECTOR_WASM_BASE64 } from './wasm/projectorModule.ts';

interface ProjectorKernel {
  memory: WebAssembly.Memory;
  backProjectSection(nx: number, nz: number, nTilts: number, trig: number, tilts: number, rowStride: number, pad: number, table: number, out: number, weight: number, zCentre: number): void;
  forwardProjectSection(nx: number, nz: number, nTilts: number, trig: number, volume: number, rowStride: number, pad: number, out: number, zCentre: number): void;
}

/** This thread's instance. */
let kernel: ProjectorKernel | null = null;
/** Whether this platform's WebAssembly has SIMD (Chrome 91, Firefox 89, Safari 16.4, Node 16 on). */
let simd: boolean | null = null;

const moduleBytes = () => Uint8Array.from(atob(PROJECTOR_WASM_BASE64), (c) => c.charCodeAt(0));

function projectorKernel(): ProjectorKernel {
  kernel ??= new WebAssembly.Instance(new WebAssembly.Module(moduleBytes())).exports as unknown as ProjectorKernel;
  return kernel;
}

/** Where a row of every tilt and an x–z section lie in the module's memory, in float32 elements. */
interface SectionLayout {
  trig: number;
  table: number;
  tilts: number;
  /** Floats per padded tilt row: pad zeros, nx pixels, pad zeros. */
  width: number;
  /** Zeros either side of a row: past the farthest sample, |t − half| ≤ half + 7 + nz/2 + |zCentre|, and its neighbour. */
  pad: number;
  section: number;
  /** Floats per row of the section: nx rounded up to whole steps of 8 voxels. */
  sectionWidth: number;
  floats: number;
}

function sectionLayout({ nx, nz, nTilts, zCentre = 0 }: RowGeometry): SectionLayout {
  const pad = Math.ceil(nz / 2 + Math.abs(zCentre)) + 12;
  const width = nx + 2 * pad;
  const sectionWidth = Math.ceil(nx / 8) * 8;
  const trig = 0;
  const table = trig + 2 * nTilts;
  const tilts = table + 4 * nTilts;
  const section = tilts + nTilts * width;
  return { trig, table, tilts, width, pad, section, sectionWidth, floats: section + nz * sectionWidth };
}

/** The module's memory as floats, grown to hold `floats`. */
function memoryFloats(k: ProjectorKernel, floats: number): Float32Array {
  const missing = floats * 4 - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / 65536));
  return new Float32Array(k.memory.buffer);
}

/**
 * Row `y` of every tilt between the caller's array and the module's padded rows. The kernels add into what the
 * module's memory holds and the results are copied back whole (plain copies, about 5 % of a row's time once the
 * caller's pages are mapped; the first pass over a fresh volume pays its page faults, as any kernel would).
 */
function copyTiltRows(tilts: Float32Array, tiltRows: number, y: number, memory: Float32Array, at: SectionLayout, nx: number, nTilts: number, way: 'in' | 'out'): void {
  for (let t = 0; t < nTilts; t++) {
    const from = (t * tiltRows + y) * nx;
    const to = at.tilts + t * at.width + at.pad;
    if (way === 'in') memory.set(tilts.subarray(from, from + nx), to);
    else tilts.set(memory.subarray(to, to + nx), from);
  }
}

/** Row `y` of every section z of a volume between the caller's array and the module's section (copyTiltRows). */
function copySection(volume: Float32Array, volumeRows: number, y: number, memory: Float32Array, at: SectionLayout, nx: number, nz: number, way: 'in' | 'out'): void {
  for (let z = 0; z < nz; z++) {
    const from = nx * (y + volumeRows * z);
    const to = at.section + z * at.sectionWidth;
    if (way === 'in') memory.set(volume.subarray(from, from + nx), to);
    else volume.set(memory.subarray(to, to + nx), from);
  }
}

/** This thread's module, its layout for `g` and its memory, with the trig in place and the rest zeroed. */
function moduleFor(g: RowGeometry): { k: ProjectorKernel; at: SectionLayout; memory: Float32Array } {
  const k = projectorKernel();
  const at = sectionLayout(g);
  const memory = memoryFloats(k, at.floats);
  memory.set(g.trig, at.trig);
  memory.fill(0, at.tilts, at.floats);
  return { k, at, memory };
}

/** Add weight·Aᵀ(tilts) of row `yTilt` of the tilts into row `yVolume` of the volume (as backProjectRow). */
export function backProjectRowWasm(g: RowGeometry, tilts: Float32Array, tiltRows: number, yTilt: number, volume: Float32Array, volumeRows: number, yVolume: number, weight: number): void {
  const { nx, nz, nTilts } = g;
  const { k, at, memory } = moduleFor(g);
  copyTiltRows(tilts, tiltRows, yTilt, memory, at, nx, nTilts, 'in');
  copySection(volume, volumeRows, yVolume, memory, at, nx, nz, 'in');
  k.backProjectSection(nx, nz, nTilts, at.trig * 4, at.tilts * 4, at.width * 4, at.pad, at.table * 4, at.section * 4, weight, g.zCentre ?? 0);
  copySection(volume, volumeRows, yVolume, memory, at, nx, nz, 'out');
}

/** Add A(volume) of row `yVolume` of the volume into row `yTilt` of the tilts (as projector.ts's forwardProjectRow). */
export function forwardProjectRowWasm(g: RowGeometry, volume: Float32Array, volumeRows: number, yVolume: number, tilts: Float32Array, tiltRows: number, yTilt: number): void {
  const { nx, nz, nTilts } = g;
  const { k, at, memory } = moduleFor(g);
  copySection(volume, volumeRows, yVolume, memory, at, nx, nz, 'in');
  copyTiltRows(tilts, tiltRows, yTilt, memory, at, nx, nTilts, 'in');
  k.forwardProjectSection(nx, nz, nTilts, at.trig * 4, at.section * 4, at.width * 4, at.pad, at.tilts * 4, g.zCentre ?? 0);
  copyTiltRows(tilts, tiltRows, yTilt, memory, at, nx, nTilts, 'out');
}

/** Whether this platform's WebAssembly has SIMD, asked once per thread. */
function hasSimd(): boolean {
  simd ??= typeof WebAssembly !== 'undefined' && WebAssembly.validate(moduleBytes());
  return simd;
}

/**
 * The projector pair the CPU path runs (docs/cpu.md: per voxel-tilt update WebAssembly SIMD measured about 3×
 * faster than V8 on the TypeScript loop for the back-projection, 1.6× for the forward projection): this module's,
 * or projector.ts's where WebAssembly lacks SIMD.
 */
export function backProjectRowOnCpu(g: RowGeometry, tilts: Float32Array, tiltRows: number, yTilt: number, volume: Float32Array, volumeRows: number, yVolume: number, weight: number): void {
  (hasSimd() ? backProjectRowWasm : backProjectRow)(g, tilts, tiltRows, yTilt, volume, volumeRows, yVolume, weight);
}

export function forwardProjectRowOnCpu(g: RowGeometry, volume: Float32Array, volumeRows: number, yVolume: number, tilts: Float32Array, tiltRows: number, yTilt: number): void {
  (hasSimd() ? forwardProjectRowWasm : forwardProjectRow)(g, volume, volumeRows, yVolume, tilts, tiltRows, yTilt);
}
