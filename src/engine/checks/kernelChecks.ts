/**
 * GPU kernels against the plain TypeScript references, on seeded random inputs.
 * One suite, run by Vitest in Node (Dawn) and by Playwright in Chromium (e2e/gpu-kernels.html),
 * so both WebGPU implementations are held to the same numbers.
 */
import { FILTER_NAMES, filterResponse, paddedLength } from '../filters.ts';
import { reconstructFbp } from '../methods/fbp/run.ts';
import { FBP } from '../methods/fbp/base.ts';
import { SIRT } from '../methods/sirt/base.ts';
import { backProjectGpu, forwardProjectGpu } from '../methods/projection.ts';
import { reconstructSirt } from '../methods/sirt/run.ts';
import { reprojectTilts } from '../methods/reproject/run.ts';
import { fsc, measuredMask } from '../metrics/fsc.ts';
import { fbpCpu, filterRowsCpu } from '../reference/filter.ts';
import { backProjectCpu, forwardProjectCpu } from '../reference/projector.ts';
import { sirtCpu } from '../reference/sirt.ts';
import { Rng } from '../sim/random.ts';
import type { TiltSeries, Volume } from '../types.ts';
import { readFloats, storageBuffer, uploadBuffer } from '../gpu/buffers.ts';
import { CoordnetSlab } from '../methods/coordnet/run.ts';
import { initSiren, type SirenGrid, type SirenShape } from '../methods/coordnet/network.ts';
import { gridCoords, sirenBackwardCpu, sirenForwardCpu, sirenStepCpu } from '../reference/siren.ts';
import { planSlabs, tiltTrig } from '../geometry.ts';
import { SirenNetwork } from '../methods/coordnet/siren.ts';
import type { GpuContext } from '../gpu/device.ts';
import { gpuEngine } from '../context.ts';
import { fft3d as fft3dCpu } from '../metrics/fourier.ts';
import { fft3dGpu, Fft3dPlan } from '../gpu/kernels/fft3d.ts';
import { doseWeightTiltSeries } from '../doseWeighting.ts';
import { doseWeightTiltSeriesGpu } from '../doseWeightingGpu.ts';
import { fscGpu } from '../gpu/kernels/fscShells.ts';
import { RowFilterPlan } from '../gpu/kernels/rowFilter.ts';
import { PatchExtractor } from '../methods/localnet/patches.ts';
import { halfGridOrigin, halfLength, type PatchGrid, type PatchSource } from '../methods/localnet/grid.ts';
import { extractPatchesCpu } from '../reference/patches.ts';
import { InverseWavelet3d } from '../methods/localnet/wavelet3d.ts';
import { idwt3Cpu } from '../reference/wavelet3d.ts';
import { slabVolume } from '../methods/slabs.ts';
import { reconstructLocalnet } from '../methods/localnet/run.ts';
import { reconstructLocalnetCpu, type TinyLocalnetCard } from '../reference/localnet.ts';
import { wholeVolume } from '../../io/piecedVolume.ts';
import { SlabProjector, type SlabShape } from '../gpu/kernels/projector.ts';
import { channelRows, placeChannelRows } from '../cpu/projection.ts';
import type { SynthFixture } from '../methods/latentbp/synthFixture.ts';
import { refineOnGpu, refineWithModel } from '../methods/unetrefine/run.ts';
import { RefineModel } from '../methods/unetrefine/model.ts';
import { REFINE_MODELS } from '../methods/unetrefine/models.ts';
import type { Triple } from '../methods/unetrefine/cubes.ts';
import { radialFilterCpu } from '../methods/localnet/fbpHandover.ts';
import { radialFilterGpu } from '../methods/localnet/fbpHandoverGpu.ts';

export interface KernelCheckResult {
  name: string;
  /** max |gpu − reference| / max |reference| */
  relativeError: number;
  tolerance: number;
  passed: boolean;
}

export interface KernelCheck {
  name: string;
  run(gpu: GpuContext): Promise<KernelCheckResult>;
}

function randomArray(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

function randomAngles(n: number, rng: Rng, range = 70): number[] {
  return Array.from({ length: n }, () => rng.uniform(-range, range));
}

function randomTilts(nx: number, ny: number, nTilts: number, seed: number): TiltSeries {
  const rng = new Rng(seed);
  return { nx, ny, nTilts, data: randomArray(nx * ny * nTilts, rng), tiltAngles: randomAngles(nTilts, rng), pixelSize: 1 };
}

function randomVolume(nx: number, ny: number, nz: number, seed: number): Volume {
  return { nx, ny, nz, data: randomArray(nx * ny * nz, new Rng(seed)), pixelSize: 1 };
}

export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  return maxDiff / (maxRef || 1);
}

function result(name: string, relativeError: number, tolerance: number): KernelCheckResult {
  return { name, relativeError, tolerance, passed: relativeError <= tolerance };
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** A tiny memory budget forces several slabs, so slab stitching is tested too. */
const SMALL_BUDGET = 24 * 1024;

const filterChecks: KernelCheck[] = FILTER_NAMES.map((name) => ({
  name: `row filter (${name}) vs CPU FFT, 7 rows × 37`,
  async run(gpu) {
    const nRows = 7;
    const nx = 37;
    const response = filterResponse({ name }, paddedLength(nx));
    const rows = randomArray(nRows * nx, new Rng(11));
    const buffer = uploadBuffer(gpu, rows, 'check.rows');
    const plan = new RowFilterPlan(gpu, buffer, nRows, nx, response);
    const encoder = gpu.device.createCommandEncoder();
    plan.encode(encoder);
    gpu.device.queue.submit([encoder.finish()]);
    const actual = await readFloats(gpu, buffer, nRows * nx);
    plan.destroy();
    buffer.destroy();
    return result(this.name, relativeError(actual, filterRowsCpu(rows, nRows, nx, response)), 1e-4);
  },
}));

/** A random network (width W, 2 hidden layers) on a grid: its forward pass and gradient for a random ∂L/∂voxel, from the GPU. */
async function sirenCaseGpu(gpu: GpuContext, width: number, grid: SirenGrid, seed: number, chunk: number) {
  const shape: SirenShape = { width, layers: 2, omega0: 30 };
  const theta = initSiren(shape, seed);
  const dOut = randomArray(grid.nx * grid.ny * grid.nz, new Rng(seed + 1));
  const voxels = grid.nx * grid.ny * grid.nz;
  const volume = storageBuffer(gpu, voxels * 4, 'check.siren.volume');
  const gVolume = uploadBuffer(gpu, dOut, 'check.siren.dOut');
  const network = new SirenNetwork(gpu, shape, grid, volume, gVolume, chunk);
  network.load(theta);
  const encoder = gpu.device.createCommandEncoder();
  network.encodeForward(encoder);
  network.encodeBackward(encoder);
  gpu.device.queue.submit([encoder.finish()]);
  const out = await readFloats(gpu, volume, voxels);
  const grad = await readFloats(gpu, network.grad, network.count);
  network.destroy();
  volume.destroy();
  gVolume.destroy();
  return { shape, theta, dOut, coords: gridCoords(grid), out, grad };
}

/** Coordinate network: GPU backward vs finite differences and vs the CPU backward; whole optimisation steps vs the CPU reference. */
const sirenChecks: KernelCheck[] = [
  {
    name: 'SIREN forward and backward vs float64 forward and central finite differences, W 8, L 2, 50 voxels in 4 chunks',
    async run(gpu) {
      const { shape, theta, dOut, coords, out, grad } = await sirenCaseGpu(gpu, 8, { nx: 5, ny: 2, nz: 5, rowStep: 1 }, 7, 16);
      const t = Float64Array.from(theta);
      const loss = () => dot(sirenForwardCpu(shape, t, coords).out, dOut);
      const h = 1e-5;
      const expected = Array.from(t, (value, j) => {
        t[j] = value + h;
        const plus = loss();
        t[j] = value - h;
        const minus = loss();
        t[j] = value;
        return (plus - minus) / (2 * h);
      });
      return result(this.name, Math.max(relativeError(grad, expected), relativeError(out, sirenForwardCpu(shape, t, coords).out)), 1e-3);
    },
  },
  {
    name: 'SIREN vs the float64 backward, W 80, L 2 (partial tiles, split voxel sums), 700 voxels in 2 chunks',
    async run(gpu) {
      const { shape, theta, dOut, coords, out, grad } = await sirenCaseGpu(gpu, 80, { nx: 14, ny: 5, nz: 10, rowStep: 0.25 }, 17, 512);
      const errors = [relativeError(grad, sirenBackwardCpu(shape, theta, coords, dOut)), relativeError(out, sirenForwardCpu(shape, theta, coords).out)];
      return result(this.name, Math.max(...errors), 1e-3);
    },
  },
  {
    name: 'coordinate network: 2 steps (forward, projection, L1 + TV, back-projection, backward, Adam) vs CPU, 9 × 3 × 6 from 7 tilts',
    async run(gpu) {
      const shape: SirenShape = { width: 8, layers: 2, omega0: 30 };
      const grid: SirenGrid = { nx: 9, ny: 3, nz: 6, rowStep: 0.5 };
      const angles = randomAngles(7, new Rng(71), 60);
      const phantom = randomVolume(9, 3, 6, 72);
      for (let i = 0; i < phantom.data.length; i++) phantom.data[i] = 0.05 * (phantom.data[i] + 1);
      const tilts = forwardProjectCpu(phantom, angles).data;
      const theta = initSiren(shape, 73);
      const trig = uploadBuffer(gpu, tiltTrig(angles), 'check.trig');
      const slab = new CoordnetSlab(gpu, shape, grid, trig, tilts, 7, 0.05, 64);
      slab.network.load(theta);
      const state = { theta: Float64Array.from(theta), m: new Float64Array(theta.length), v: new Float64Array(theta.length), t: 0 };
      const lossGpu: number[] = [];
      const lossCpu: number[] = [];
      const gradsCpu: Float64Array[] = [];
      let afterFirst: Float32Array = new Float32Array(0);
      let thetaFirst = new Float64Array(0);
      for (const [s, lr] of [1e-3, 5e-4].entries()) {
        lossGpu.push(await slab.step(lr, s + 1));
        const cpu = sirenStepCpu(shape, state, grid, tilts, angles, 0.05, lr);
        lossCpu.push(cpu.loss);
        gradsCpu.push(cpu.grad);
        if (s === 0) {
          afterFirst = await readFloats(gpu, slab.network.theta, slab.network.count);
          thetaFirst = state.theta.slice();
        }
      }
      const grad = await readFloats(gpu, slab.network.grad, slab.network.count);
      slab.destroy();
      trig.destroy();
      // Adam's first step moves each weight by ±lr whatever |g|: compare the moves where g is clearly non-zero
      // (the second step's moves cancel partly in m and amplify float32 rounding, so its gradient is compared instead).
      const maxG = Math.max(...gradsCpu[0].map(Math.abs));
      const move = (t: ArrayLike<number>) => Array.from(theta, (t0, i) => (Math.abs(gradsCpu[0][i]) > 1e-3 * maxG ? t[i] - t0 : 0));
      const errors = [relativeError(lossGpu, lossCpu), relativeError(grad, gradsCpu[1]), relativeError(move(afterFirst), move(thetaFirst))];
      return result(this.name, Math.max(...errors), 1e-3);
    },
  },
];

/**
 * CryoLithe patch extraction vs the CPU reference: random tilt counts and angles, non-square detectors,
 * odd and even P, voxel and bior3.1 half grids, points off the detector's sides and ends, a source holding
 * only some rows, batches split at odd places and a short last batch padded with zeros.
 */
const patchChecks: KernelCheck[] = (
  [
    { name: 'voxel grid wider than the detector, source rows 2–8 of 9', seed: 201, nDet: 23, nyDet: 9, rows: [2, 7], patch: 5, half: false },
    { name: 'bior3.1 half grid of a 18 × 7 × 6 volume, even P', seed: 202, nDet: 18, nyDet: 7, rows: [0, 7], patch: 4, half: true },
  ] as const
).map(
  (c): KernelCheck => ({
    name: `patch extraction vs CPU, ${c.name}, P ${c.patch}`,
    async run(gpu) {
      const rng = new Rng(c.seed);
      const nTilts = rng.int(3, 9);
      const [rowOffset, nRows] = c.rows;
      const source: PatchSource = { nTilts, nDet: c.nDet, nRows, rowOffset, nyDet: c.nyDet, data: randomArray(nTilts * nRows * c.nDet, rng) };
      // The voxel grid spans x −13…13 (the detector −11…11) on rows 4–6 and z −3…3; the half grid covers the whole volume.
      const grid: PatchGrid = c.half
        ? { gx: halfLength(18), gy: halfLength(7), gz: halfLength(6), origin: [halfGridOrigin(18), halfGridOrigin(7), halfGridOrigin(6)], step: [2, 2, 2] }
        : { gx: 27, gy: 3, gz: 7, origin: [-13, 0, -3], step: [1, 1, 1] };
      const trig = tiltTrig(randomAngles(nTilts, rng, 70));
      const total = grid.gx * grid.gy * grid.gz;
      const batch = Math.ceil(total / 3) + 5;
      const trigBuffer = uploadBuffer(gpu, trig, 'check.patches.trig');
      const tilts = uploadBuffer(gpu, source.data, 'check.patches.tilts');
      const extractor = new PatchExtractor(gpu, source, grid, c.patch, batch, trigBuffer, tilts);
      const errors: number[] = [];
      for (let start = 0; start < total; start += batch) {
        const count = Math.min(batch, total - start);
        const encoder = gpu.device.createCommandEncoder();
        extractor.encode(encoder, start, count);
        gpu.device.queue.submit([encoder.finish()]);
        const actual = await readFloats(gpu, extractor.patches, batch * nTilts * c.patch * c.patch);
        errors.push(relativeError(actual, extractPatchesCpu(source, trig, grid, c.patch, start, count, batch)));
      }
      for (const b of [extractor, trigBuffer, tilts]) b.destroy();
      return result(this.name, Math.max(...errors), 1e-5);
    },
  }),
);

/** Inverse bior3.1 on the GPU vs the CPU reference: whole volume, and slabs holding only the half rows they need. */
const waveletChecks: KernelCheck[] = [
  {
    name: 'inverse 3-D bior3.1 wavelet vs CPU, random coefficients of a 9 × 7 × 6 volume, whole and in 3 slabs',
    async run(gpu) {
      const [nx, ny, nz] = [9, 7, 6];
      const [mx, my, mz] = [halfLength(nx), halfLength(ny), halfLength(nz)];
      const coeffs = { mx, my, mz, data: randomArray(mx * my * mz * 8, new Rng(301)) };
      const expected = idwt3Cpu(coeffs, nx, ny, nz);
      const errors: number[] = [];
      for (const slabs of [[{ y0: 0, ny }], planSlabs(ny, 3)]) {
        for (const slab of slabs) {
          const ky0 = Math.floor(slab.y0 / 2);
          const myHeld = Math.min(my, Math.floor((slab.y0 + slab.ny - 1) / 2) + 2) - ky0;
          // The half rows this slab holds: [kz][ky0 … ky0 + myHeld)[kx][band].
          const held = new Float32Array(mz * myHeld * mx * 8);
          for (let kz = 0; kz < mz; kz++) {
            const from = (kz * my + ky0) * mx * 8;
            held.set(coeffs.data.subarray(from, from + myHeld * mx * 8), kz * myHeld * mx * 8);
          }
          const input = uploadBuffer(gpu, held, 'check.wavelet.coeffs');
          const output = storageBuffer(gpu, nx * slab.ny * nz * 4, 'check.wavelet.volume');
          const inverse = new InverseWavelet3d(gpu, { nx, ny: slab.ny, nz, y0: slab.y0, mx, myHeld, mz, ky0 }, input, output);
          const encoder = gpu.device.createCommandEncoder();
          inverse.encode(encoder);
          gpu.device.queue.submit([encoder.finish()]);
          const actual = await readFloats(gpu, output, nx * slab.ny * nz);
          errors.push(relativeError(actual, slabVolume(expected, slab)));
          for (const b of [inverse, input, output]) b.destroy();
        }
      }
      return result(this.name, Math.max(...errors), 1e-5);
    },
  },
];

/**
 * A file of models/: from the disk in Node, from the dev server in a page. Callers write the URL as
 * `new URL(\`../../../models/FOLDER/${name}\`, import.meta.url)` with the folder spelt out: Vite turns that into a
 * glob over the folder's files, one level deep.
 */
async function modelFile(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:') return new Uint8Array(process.getBuiltinModule('node:fs').readFileSync(url));
  return new Uint8Array(await (await fetch(url)).arrayBuffer());
}

const tinyModelFile = (name: string) => modelFile(new URL(`../../../models/tiny/${name}`, import.meta.url));
const synthModelFile = (name: string) => modelFile(new URL(`../../../models/synth/lbp_small/${name}`, import.meta.url));

/** onnxruntime-web's .wasm: Node finds it itself, a page gets the bundled asset's URL. */
async function ortWasmUrl(): Promise<string | undefined> {
  const { isNode } = await import('../onnx/session.ts');
  return isNode() ? undefined : (await import('../onnx/wasmUrl.browser.ts')).ORT_WASM_URL;
}

/**
 * The whole local-model pipeline (normalise, filter, patches, onnxruntime-web, inverse wavelet) with the tiny
 * wavelet model vs its CPU evaluation. Both model backends run, in a page and in Node (Dawn): wasm, and
 * WebGPU on the shared device (GPU patch buffer in, GPU output out); WGSL sin/cos are specified to 2^-11
 * only, hence its looser tolerance.
 */
const localnetChecks: KernelCheck[] = (['wasm', 'webgpu'] as const).map(
  (backend): KernelCheck => ({
    name: `local model pipeline (tiny bior3.1 wavelet model, onnxruntime-web ${backend === 'wasm' ? 'wasm' : 'WebGPU'}) vs CPU, 12 × 5 × 4 from 4 tilts`,
    async run(gpu) {
      const { LocalModel } = await import('../methods/localnet/model.ts');
      const wasmUrl = await ortWasmUrl();
      const card = JSON.parse(new TextDecoder().decode(await tinyModelFile('tiny_wavelet.json'))) as TinyLocalnetCard;
      const model = await LocalModel.open(gpu, await tinyModelFile('tiny_wavelet.onnx'), { backend, wasmUrl });
      const ts = randomTilts(12, 5, 4, 401);
      const params = { thickness: 4, binning: 1, invertAngles: false, subtractMean: false, model: 'tiny_wavelet', batchSize: 29 };
      const actual = await reconstructLocalnet(gpu, ts, params, model, { memoryBudgetBytes: 8 * 1024 });
      await model.release();
      return result(this.name, relativeError(wholeVolume(actual, 'The local network check').data, reconstructLocalnetCpu(card, ts, 4).data), backend === 'wasm' ? 1e-4 : 1e-3);
    },
  }),
);

/** One C-channel projector pass on GPU copies of `tilts` and `volume`: both buffers read back (untouched rows included). */
async function projectChannels(gpu: GpuContext, shape: SlabShape, angles: number[], tilts: Float32Array, volume: Float32Array, weight: number, direction: 'back' | 'forward') {
  const trigBuffer = uploadBuffer(gpu, tiltTrig(angles), 'check.latent.trig');
  const tiltBuffer = uploadBuffer(gpu, tilts, 'check.latent.tilts');
  const volumeBuffer = uploadBuffer(gpu, volume, 'check.latent.volume');
  const projector = new SlabProjector(gpu, shape, trigBuffer, tiltBuffer, volumeBuffer, weight);
  const encoder = gpu.device.createCommandEncoder();
  if (direction === 'back') projector.encodeBackProject(encoder);
  else projector.encodeForwardProject(encoder);
  gpu.device.queue.submit([encoder.finish()]);
  const out = { tilts: await readFloats(gpu, tiltBuffer, tilts.length), volume: await readFloats(gpu, volumeBuffer, volume.length) };
  for (const b of [projector, trigBuffer, tiltBuffer, volumeBuffer]) b.destroy();
  return out;
}

/**
 * The projector with C channels (the latent back-projection network's layouts: tilts [N, C, rows, w], volume
 * [C, D, rows, w]) on a window of rows inside larger buffers, per channel against the CPU reference; the rows
 * outside the window must come back untouched.
 */
const latentProjectorChecks: KernelCheck[] = (
  [
    { direction: 'back', seed: 501, channels: 3, nTilts: 6, w: 13, nz: 9, tiltRows: 7, tiltRow0: 2, volumeRows: 6, volumeRow0: 1, ny: 4, range: 80, zCentre: 0 },
    { direction: 'forward', seed: 502, channels: 4, nTilts: 5, w: 11, nz: 7, tiltRows: 6, tiltRow0: 1, volumeRows: 5, volumeRow0: 2, ny: 3, range: 85, zCentre: 0 },
    // A depth slab's volume (methods/fbp/ctfByDepth.ts): its middle sections above and below the tomogram's.
    { direction: 'back', seed: 503, channels: 1, nTilts: 7, w: 15, nz: 5, tiltRows: 3, tiltRow0: 0, volumeRows: 3, volumeRow0: 0, ny: 3, range: 70, zCentre: 6.5 },
    { direction: 'forward', seed: 504, channels: 2, nTilts: 6, w: 14, nz: 4, tiltRows: 4, tiltRow0: 1, volumeRows: 3, volumeRow0: 0, ny: 3, range: 75, zCentre: -5 },
  ] as const
).map((c): KernelCheck => {
  const tiltText = `${c.nTilts} tilts [${c.nTilts}, ${c.channels}, ${c.tiltRows}, ${c.w}] rows ${c.tiltRow0}–${c.tiltRow0 + c.ny - 1}`;
  const volumeText = `volume [${c.channels}, ${c.nz}, ${c.volumeRows}, ${c.w}] rows ${c.volumeRow0}–${c.volumeRow0 + c.ny - 1}${c.zCentre ? `, its middle at z ${c.zCentre}` : ''}`;
  return {
    name:
      c.direction === 'back'
        ? `C-channel back-projection vs CPU per channel, ${c.channels} channels, ${tiltText} → ${volumeText}`
        : `C-channel forward projection vs CPU per channel, ${c.channels} channels, ${volumeText} → ${tiltText}`,
    async run(gpu) {
      const { channels, nTilts, w, nz, tiltRows, tiltRow0, volumeRows, volumeRow0, ny, zCentre } = c;
      const rng = new Rng(c.seed);
      const angles = randomAngles(nTilts, rng, c.range);
      const tilts = randomArray(nTilts * channels * tiltRows * w, rng);
      const volume = randomArray(channels * nz * volumeRows * w, rng);
      // The weights the synthesis uses: 1/K back, 1/D forward.
      const weight = c.direction === 'back' ? 1 / nTilts : 1 / nz;
      const shape = { nx: w, ny, nz, nTilts, nDet: w, channels, tiltRows, tiltRow0, volumeRows, volumeRow0, zCentre };
      const actual = await projectChannels(gpu, shape, angles, tilts, volume, weight, c.direction);
      const expected = { tilts: tilts.slice(), volume: volume.slice() };
      for (let ch = 0; ch < channels; ch++) {
        if (c.direction === 'back') {
          const channelTilts = { nx: w, ny, nTilts, data: channelRows(tilts, nTilts, channels, tiltRows, w, ch, tiltRow0, ny), tiltAngles: angles, pixelSize: 1 };
          placeChannelRows(expected.volume, backProjectCpu(channelTilts, nz, false, zCentre).data, nz, 1, volumeRows, w, 0, ch * nz * volumeRows + volumeRow0, weight);
        } else {
          // Channel ch's volume [D][volumeRows][w] sliced as D planes of one channel: the same helper as the tilts.
          const rows = channelRows(volume.subarray(ch * nz * volumeRows * w, (ch + 1) * nz * volumeRows * w), nz, 1, volumeRows, w, 0, volumeRow0, ny);
          placeChannelRows(expected.tilts, forwardProjectCpu({ nx: w, ny, nz, data: rows, pixelSize: 1 }, angles, false, zCentre).data, nTilts, channels, tiltRows, w, ch, tiltRow0, weight);
        }
      }
      return result(this.name, Math.max(relativeError(actual.tilts, expected.tilts), relativeError(actual.volume, expected.volume)), 1e-5);
    },
  };
});

/**
 * The whole latent back-projection synthesis (../methods/latentbp/run.ts) with the shipped lbp-small model's three
 * parts forced onto onnxruntime-web's WebGPU backend (latent tensors in GPU buffers between the parts and the
 * C-channel projector) against torch's evaluation of the same input (models/synth/lbp_small/fixture.json), in one
 * band and in three (a budget of one latent row: 5 + 6 · 3 + 49 · 1 rows of C · w = 16 · 4 floats,
 * methods/latentbp/bands.ts), where each ORT call takes one tilt, gathered into the band's GPU buffers at offsets.
 * Small (5 tilts 16 × 12, latent 4 × 3 × 3): ORT's WebGPU kernels are slow on SwiftShader.
 */
const latentbpChecks: KernelCheck[] = [
  { bands: 1, memoryBudgetBytes: undefined },
  { bands: 3, memoryBudgetBytes: (5 + 6 * 3 + 49) * 16 * 4 * 4 },
].map(
  ({ bands, memoryBudgetBytes }): KernelCheck => ({
    name: `latent back-projection network (lbp-small, onnxruntime-web WebGPU${bands > 1 ? `, ${bands} bands, one tilt a call` : ''}) vs torch's fixture, 5 tilts 16 × 12 → 3 new`,
    async run(gpu) {
      const { synthesiseLatentbp } = await import('../methods/latentbp/run.ts');
      const wasmUrl = await ortWasmUrl();
      const fixture = JSON.parse(new TextDecoder().decode(await synthModelFile('fixture.json'))) as SynthFixture;
      // The parts' names ("lbp-small/encoder") as files of models/synth/lbp_small.
      const models = { load: (name: string) => synthModelFile(`${name.split('/')[1]}.onnx`), wasmUrl };
      const [nTilts, ny, nx] = fixture.shape;
      const ts = { nx, ny, nTilts, data: Float32Array.from(fixture.tilts), tiltAngles: fixture.angles, pixelSize: 1 };
      const params = { angles: fixture.targets, thickness: fixture.thickness, model: 'lbp-small', contrast: 'dense-bright' as const };
      let bandsRun = 0;
      const onProgress = ({ message }: { message: string }) => void (message.startsWith('Rows') && bandsRun++);
      const out = await synthesiseLatentbp(gpuEngine(gpu), ts, params, { models, memoryBudgetBytes, onProgress }, { backend: 'webgpu' });
      const asPlanned = out.facts.backend === 'webgpu' && bandsRun === bands;
      return result(this.name, asPlanned ? synthFixtureError(fixture, out.tiltSeries.data.subarray(ts.data.length)) : Infinity, 1e-4);
    },
  }),
);

/**
 * Relative error of synthesised tilts against torch's in a synthesis fixture, both taken about torch's mean so
 * that the series' mean (added back at the end) cannot hide a difference.
 */
export function synthFixtureError(fixture: SynthFixture, synthesised: Float32Array): number {
  const mean = fixture.out.reduce((a, b) => a + b, 0) / fixture.out.length;
  return relativeError(
    synthesised.map((v) => v - mean),
    Float32Array.from(fixture.out, (v) => v - mean),
  );
}

/** A stand-in U-Net: voxelwise but for a term set by the voxel's place in its cube, so a misplaced cube shows. */
function placedStandIn(values: Float32Array, cubeVoxels: number): Float32Array {
  return values.map((v, i) => Math.tanh(v) + 0.5 * v + 0.01 * ((i % cubeVoxels) % 7));
}

export const standInRefineModel = {
  /** Voxelwise: its input and its output, one float a voxel each. */
  footprint: { widestFloats: 1, liveFloats: 2 },
  run: async (cubes: Float32Array, _batch: number, [cx, cy, cz]: Triple) => placedStandIn(cubes, cx * cy * cz),
  async runOnGpu(gpu: GpuContext, cubes: GPUBuffer, batch: number, _count: number, [cx, cy, cz]: Triple, target: GPUBuffer) {
    const out = placedStandIn(await readFloats(gpu, cubes, batch * cx * cy * cz), cx * cy * cz);
    gpu.device.queue.writeBuffer(target, 0, out);
  },
};

/** A random tomogram away from 0 (mean 2, std ≈ 1.7), so the cubes' normalisation matters. */
function offsetVolume(nx: number, ny: number, nz: number, seed: number): Volume {
  const volume = randomVolume(nx, ny, nz, seed);
  for (let i = 0; i < volume.data.length; i++) volume.data[i] = 2 + 3 * volume.data[i];
  return volume;
}

/**
 * U-Net refinement (#16): the GPU path's cutting and blending kernels vs cubes.ts with a stand-in model (the
 * z axis shorter than the cube, so padded; whole and in slabs); each shipped model on onnxruntime-web's WebGPU
 * backend, forced even on a fallback adapter, vs torch's output in its fixture.json; and the whole GPU path
 * (kernels, the model on WebGPU fed the cube buffer, slabs) vs the CPU path (cubes.ts, the model on wasm).
 */
const refineModelFiles: Record<string, (name: string) => Promise<Uint8Array>> = {
  'cryogen-sim': (name) => modelFile(new URL(`../../../models/refine/cryogen_sim/${name}`, import.meta.url)),
  'isonet-sim': (name) => modelFile(new URL(`../../../models/refine/isonet_sim/${name}`, import.meta.url)),
};

const refineChecks: KernelCheck[] = [
  ...(
    [
      [Infinity, 1],
      [20, 1],
      [20, -1],
    ] as const
  ).map(
    ([slabRows, sign]): KernelCheck => ({
      name: `U-Net cube cutting and blending kernels vs cubes.ts (stand-in model), 37 × 29 × 10, 12³ cubes overlapping by 3, batch 3, ${slabRows === Infinity ? 'one slab' : 'slabs of ≤ 20 input rows'}${sign < 0 ? ', run negated (a dense-dark tomogram)' : ''}`,
      async run(gpu) {
        const volume = offsetVolume(37, 29, 10, 501);
        const params = { model: 'stand-in', cube: 12, overlap: 3, batchSize: 3 };
        const run = await refineOnGpu(gpu, standInRefineModel, volume, params, 'check', { slabRows, sign });
        const expected = await refineWithModel(standInRefineModel, volume, params, 'check', { sign });
        const slabsAsPlanned = slabRows === Infinity ? run.slabs === 1 : run.slabs === 3;
        return result(this.name, slabsAsPlanned ? relativeError(wholeVolume(run.volume, 'check').data, wholeVolume(expected.volume, 'check').data) : Infinity, 1e-5);
      },
    }),
  ),
  ...REFINE_MODELS.map(
    (m): KernelCheck => ({
      name: `shipped U-Net ${m.name} on onnxruntime-web's WebGPU backend vs torch (its fixture.json, 16³)`,
      async run(gpu) {
        const file = refineModelFiles[m.name];
        const fixture = JSON.parse(new TextDecoder().decode(await file('fixture.json'))) as { dims: number[]; cube: number[]; out: number[] };
        const model = await RefineModel.open(gpu, await file('model.onnx'), { backend: 'webgpu', wasmUrl: await ortWasmUrl() });
        try {
          const [batch, , nz, ny, nx] = fixture.dims;
          const got = await model.run(Float32Array.from(fixture.cube), batch, [nx, ny, nz]);
          return result(this.name, model.backend === 'webgpu' ? relativeError(got, fixture.out) : Infinity, 1e-5);
        } finally {
          await model.release();
        }
      },
    }),
  ),
  {
    name: 'U-Net refinement on the GPU path (kernels, isonet-sim on onnxruntime-web WebGPU from the cube buffer, 4 slabs) vs the CPU path (cubes.ts, wasm), 12 × 22 × 8, 8³ cubes overlapping by 2, batch 2',
    async run(gpu) {
      const volume = offsetVolume(12, 22, 8, 502);
      const params = { model: 'isonet-sim', cube: 8, overlap: 2, batchSize: 2 };
      const bytes = await refineModelFiles['isonet-sim']('model.onnx');
      const wasmUrl = await ortWasmUrl();
      const onGpu = await RefineModel.open(gpu, bytes, { backend: 'webgpu', wasmUrl });
      const onCpu = await RefineModel.open(null, bytes, { backend: 'wasm', wasmUrl });
      try {
        const run = await refineOnGpu(gpu, onGpu, volume, params, 'check', { slabRows: 12 });
        const expected = await refineWithModel(onCpu, volume, params, 'check');
        return result(this.name, run.slabs === 4 ? relativeError(wholeVolume(run.volume, 'check').data, wholeVolume(expected.volume, 'check').data) : Infinity, 1e-5);
      } finally {
        await onGpu.release();
        await onCpu.release();
      }
    },
  },
];

export const KERNEL_CHECKS: KernelCheck[] = [
  ...filterChecks,
  {
    name: "local network's FBP hand-over and FSC smoothing: the radial filter (FFT, taper × wedge cone, inverse FFT) vs CPU, raised cosine, per-shell weights, and per-shell weights floored by a Gaussian on every direction, 16 × 12 × 10 and 17 × 9 × 7 (Stockham and Bluestein axes)",
    async run(gpu) {
      const angles = [-57, -41, -22, -5, 9, 30, 48, 56];
      let worst = 0;
      // No |k|·n_max of these grids lies on a half-integer, so f32 and f64 pick the same shell.
      for (const [nx, ny, nz] of [
        [16, 12, 10],
        [17, 9, 7],
      ]) {
        const volumes = [randomVolume(nx, ny, nz, 4), randomVolume(nx, ny, nz, 5)];
        const shells = Float32Array.from({ length: 9 }, (_, r) => new Rng(6 + r).uniform(0, 1));
        for (const [cone, weight] of [
          [angles, { below: 0.2 }],
          [angles, { shells }],
          [null, { shells, floorSigma: 1.3 }],
        ] as const) {
          const actual = await radialFilterGpu(gpu, volumes, cone, weight);
          volumes.forEach((v, i) => (worst = Math.max(worst, relativeError(actual[i], radialFilterCpu(v, cone, weight)))));
        }
      }
      return result(this.name, worst, 1e-4);
    },
  },
  {
    name: 'back-projection vs CPU, 23 × 5 × 11 from 9 random tilts, several slabs',
    async run(gpu) {
      const ts = randomTilts(23, 5, 9, 21);
      const actual = await backProjectGpu(gpu, ts, 11, { memoryBudgetBytes: SMALL_BUDGET });
      return result(this.name, relativeError(actual.data, backProjectCpu(ts, 11).data), 1e-4);
    },
  },
  {
    name: 'forward projection vs CPU, 19 × 6 × 13 volume at 8 random tilts',
    async run(gpu) {
      const volume = randomVolume(19, 6, 13, 31);
      const angles = randomAngles(8, new Rng(32), 75);
      const actual = await forwardProjectGpu(gpu, volume, angles, { memoryBudgetBytes: SMALL_BUDGET });
      return result(this.name, relativeError(actual.data, forwardProjectCpu(volume, angles).data), 1e-4);
    },
  },
  {
    name: 'adjoint test ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ on the GPU, 31 × 4 × 17, 11 tilts',
    async run(gpu) {
      const volume = randomVolume(31, 4, 17, 41);
      const tilts = randomTilts(31, 4, 11, 42);
      const ax = await forwardProjectGpu(gpu, volume, tilts.tiltAngles);
      const aty = await backProjectGpu(gpu, tilts, volume.nz);
      const lhs = dot(ax.data, tilts.data);
      const rhs = dot(volume.data, aty.data);
      return result(this.name, Math.abs(lhs - rhs) / Math.abs(lhs), 1e-5);
    },
  },
  {
    name: 'FBP (cosine filter) vs CPU, 40 × 9 × 12 from 15 tilts, several slabs',
    async run(gpu) {
      const ts = randomTilts(40, 9, 15, 51);
      const params = FBP.defaults(ts, { thickness: 12, filter: { name: 'cosine' } });
      const actual = await reconstructFbp(gpu, ts, params, { memoryBudgetBytes: SMALL_BUDGET });
      return result(this.name, relativeError(wholeVolume(actual, 'The FBP check').data, fbpCpu(ts, params.filter, 12).data), 1e-4);
    },
  },
  {
    name: 'SIRT (4 iterations, λ 0.9, positivity) vs CPU, 24 × 5 × 10 from 13 tilts',
    async run(gpu) {
      const ts = randomTilts(24, 5, 13, 61);
      for (let i = 0; i < ts.data.length; i++) ts.data[i] = Math.abs(ts.data[i]);
      const params = SIRT.defaults(ts, { thickness: 10, iterations: 4, relaxation: 0.9, positivity: true });
      const actual = await reconstructSirt(gpu, ts, params, { memoryBudgetBytes: SMALL_BUDGET });
      const expected = sirtCpu(ts, 10, 4, 0.9, true);
      const residualError = relativeError(actual.residuals, expected.residuals);
      return result(this.name, Math.max(relativeError(wholeVolume(actual.volume, 'The SIRT check').data, expected.volume.data), residualError), 1e-3);
    },
  },
  {
    name: 'reprojection (SIRT 3 iterations, then 3 new tilts) vs CPU SIRT and projector, 20 × 4 × 8 from 7 tilts',
    async run(gpu) {
      const ts = randomTilts(20, 4, 7, 45);
      const added = [60, -60, 75];
      const out = await reprojectTilts(gpu, ts, { angles: added, thickness: 8, iterations: 3 }, { memoryBudgetBytes: SMALL_BUDGET });
      const expected = forwardProjectCpu(sirtCpu(ts, 8, 3, 1, false).volume, added);
      // The measured tilts come through untouched: their error is exactly 0.
      const kept = relativeError(out.data.subarray(0, ts.data.length), ts.data);
      return result(this.name, Math.max(kept, relativeError(out.data.subarray(ts.data.length), expected.data)), 1e-3);
    },
  },
  // 3-D FFT: mixed radix (12 = 4·3, 10 = 2·5, 7, 9 = 3·3, 5), powers of two, and Bluestein
  // (19, 23: prime factors above 13) with tiny work buffers so that its line chunking runs too.
  ...(
    [
      [12, 10, 7, {}],
      [16, 9, 5, {}],
      [16, 8, 4, {}],
      [19, 6, 23, { bluesteinChunkBytes: 4096 }],
    ] as const
  ).map(([nx, ny, nz, options]): KernelCheck => ({
    name: `3-D FFT vs CPU FFT, forward, ${nx} × ${ny} × ${nz}${'bluesteinChunkBytes' in options ? ' (Bluestein, chunked)' : ''}`,
    async run(gpu) {
      const volume = randomVolume(nx, ny, nz, 81 + nx);
      const actual = await fft3dGpu(gpu, volume, options);
      const re = Float64Array.from(volume.data);
      const im = new Float64Array(re.length);
      fft3dCpu(re, im, nx, ny, nz);
      return result(this.name, Math.max(relativeError(actual.re, re), relativeError(actual.im, im)), 1e-4);
    },
  })),
  ...(
    [
      [12, 10, 7, {}],
      [17, 8, 13, { bluesteinChunkBytes: 2048 }],
    ] as const
  ).map(([nx, ny, nz, options]): KernelCheck => ({
    name: `3-D FFT inverse vs CPU, and forward → inverse round trip, complex ${nx} × ${ny} × ${nz}`,
    async run(gpu) {
      const n = nx * ny * nz;
      const input = randomArray(2 * n, new Rng(91 + nx));
      const buffer = uploadBuffer(gpu, input, 'check.fft3d');
      const copy = uploadBuffer(gpu, input, 'check.fft3d.copy');
      const plan = new Fft3dPlan(gpu, nx, ny, nz, options);
      const encoder = gpu.device.createCommandEncoder();
      plan.encode(encoder, buffer, true);
      plan.encode(encoder, copy, false);
      plan.encode(encoder, copy, true);
      gpu.device.queue.submit([encoder.finish()]);
      const inverse = await readFloats(gpu, buffer, 2 * n);
      const roundTrip = await readFloats(gpu, copy, 2 * n);
      plan.destroy();
      buffer.destroy();
      copy.destroy();
      const re = Float64Array.from({ length: n }, (_, i) => input[2 * i]);
      const im = Float64Array.from({ length: n }, (_, i) => input[2 * i + 1]);
      fft3dCpu(re, im, nx, ny, nz, true);
      const expected = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        expected[2 * i] = re[i];
        expected[2 * i + 1] = im[i];
      }
      return result(this.name, Math.max(relativeError(inverse, expected), relativeError(roundTrip, input)), 1e-4);
    },
  })),
  // Dose weighting: 2 Å pixels and up to 58.5 e/Å², so the last tilt keeps 0.4 % at Nyquist (0.25 Å⁻¹).
  ...(
    [
      [16, 12, 5, undefined],
      [17, 9, 7, 17 * 9 * 8 * 3],
    ] as const
  ).map(([nx, ny, nTilts, chunkBytes]): KernelCheck => ({
    name: `dose weighting vs CPU (doseWeighting.ts), random ${nx} × ${ny} tilts × ${nTilts}${chunkBytes ? ' (Bluestein along x, 3 tilts a batch, the last batch 1)' : ''}`,
    async run(gpu) {
      const ts = { ...randomTilts(nx, ny, nTilts, 111 + nx), pixelSize: 2, voltage: 300 };
      const dosed = { ...ts, accumulatedDose: Array.from({ length: nTilts }, (_, k) => 9 * k), exposureDose: new Array<number>(nTilts).fill(9) };
      const actual = await doseWeightTiltSeriesGpu(gpu, dosed, { chunkBytes });
      return result(this.name, relativeError(actual.data, doseWeightTiltSeries(dosed).data), 1e-4);
    },
  })),
  // FSC: every curve and every shell count against metrics/fsc.ts (float64); counts must match exactly.
  ...([false, true] as const).map(
    (masked): KernelCheck => ({
      name: `FSC on the GPU vs CPU (metrics/fsc.ts), two correlated random 14 × 11 × 9 volumes${masked ? ', measured/missing mask from 9 tilts' : ''}`,
      async run(gpu) {
        const a = randomVolume(14, 11, 9, 101);
        const b = randomVolume(14, 11, 9, 102);
        for (let i = 0; i < b.data.length; i++) b.data[i] = 0.7 * a.data[i] + 0.5 * b.data[i];
        const angles = [-60, -45, -30, -15, 0, 15, 30, 45, 60];
        const expected = masked ? fsc(a, b, angles) : fsc(a, b);
        const actual = await fscGpu(gpu, a, b, masked ? measuredMask(a, angles) : undefined);
        const compare = (x?: number[], y?: number[]) => (x && y ? relativeError(x, y) : Infinity);
        const curves = masked ? (['fsc', 'fscMeasured', 'fscMissing'] as const) : (['fsc'] as const);
        const exactly = masked ? (['shells', 'counts', 'countsMeasured', 'countsMissing'] as const) : (['shells', 'counts'] as const);
        const exact = exactly.every((key) => compare(actual[key], expected[key]) === 0);
        const error = Math.max(...curves.map((key) => compare(actual[key], expected[key])));
        return result(this.name, exact ? error : Infinity, 1e-4);
      },
    }),
  ),
  ...sirenChecks,
  ...patchChecks,
  ...waveletChecks,
  ...localnetChecks,
  ...latentProjectorChecks,
  ...latentbpChecks,
  ...refineChecks,
];

export async function runKernelChecks(gpu: GpuContext): Promise<KernelCheckResult[]> {
  const results: KernelCheckResult[] = [];
  for (const check of KERNEL_CHECKS) results.push(await check.run(gpu));
  return results;
}
