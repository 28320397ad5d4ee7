/** `wedgelab recon`: reconstruct a tilt series file into a tomogram MRC. */
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { isFilterName } from '../engine/filters.ts';
import { reconstruct } from '../engine/methods/index.ts';
import type { CoordnetParams, MethodRequest } from '../engine/methods/params.ts';
import { DEFAULT_LOCAL_MODEL } from '../engine/onnx/catalogue.ts';
import type { Progress } from '../engine/types.ts';
import { writeMrc } from '../io/mrc.ts';
import { readTiltSeriesFiles, type LoadedTiltSeries } from '../io/tiltSeriesFiles.ts';
import { openCliGpu } from './gpu.ts';
import { cliModelLibrary } from './models.ts';
import { intOption, numberOption, parseOptions, requireOption, UsageError } from './options.ts';

/** Options of every command that runs a reconstruction method (recon, cv, oddeven). */
export const METHOD_OPTIONS = {
  tilts: { type: 'string' },
  angles: { type: 'string' },
  method: { type: 'string' },
  filter: { type: 'string' },
  cutoff: { type: 'string' },
  falloff: { type: 'string' },
  thickness: { type: 'string' },
  iterations: { type: 'string' },
  relaxation: { type: 'string' },
  positivity: { type: 'boolean' },
  width: { type: 'string' },
  layers: { type: 'string' },
  slab: { type: 'string' },
  'steps-first': { type: 'string' },
  'steps-next': { type: 'string' },
  lr: { type: 'string' },
  'lr-next': { type: 'string' },
  tv: { type: 'string' },
  omega0: { type: 'string' },
  seed: { type: 'string' },
  bin: { type: 'string' },
  'invert-angles': { type: 'boolean' },
  'subtract-mean': { type: 'boolean' },
  model: { type: 'string' },
  batch: { type: 'string' },
  quiet: { type: 'boolean' },
} as const;

const OPTIONS = { ...METHOD_OPTIONS, out: { type: 'string' } } as const;

/** Parameters every method shares; unset ones stay undefined. */
function commonOptions(values: Record<string, unknown>) {
  return {
    thickness: intOption(values, 'thickness'),
    binning: intOption(values, 'bin'),
    invertAngles: values['invert-angles'] === true ? true : undefined,
    subtractMean: values['subtract-mean'] === true ? true : undefined,
  };
}

/** The method and its parameters from the command line; unset (undefined) parameters take the method's defaults. */
export function methodRequest(values: Record<string, unknown>): MethodRequest {
  const method = requireOption(values, 'method');
  const common = commonOptions(values);
  if (method === 'fbp') {
    const name = (values.filter as string | undefined) ?? 'ram-lak';
    if (!isFilterName(name)) throw new UsageError(`unknown filter "${name}": use ram-lak, shepp-logan, cosine, hamming, hann or radial`);
    const filter = { name, cutoff: numberOption(values, 'cutoff'), falloff: numberOption(values, 'falloff') };
    return { method, params: { ...common, filter } };
  }
  if (method === 'sirt') {
    const positivity = values.positivity === true ? true : undefined;
    return { method, params: { ...common, iterations: intOption(values, 'iterations'), relaxation: numberOption(values, 'relaxation'), positivity } };
  }
  if (method === 'coordnet') return { method, params: { ...common, ...coordnetOptions(values) } };
  if (method === 'localnet' || method === 'localnet-wavelet') {
    // The variant follows the model; `localnet-wavelet` only changes which shipped model is the default.
    const model = (values.model as string | undefined) ?? DEFAULT_LOCAL_MODEL[method === 'localnet' ? 'voxel' : 'wavelet'];
    return { method: 'localnet', params: { ...common, model, batchSize: intOption(values, 'batch') } };
  }
  throw new UsageError(`unknown method "${method}": use fbp, sirt, coordnet, localnet or localnet-wavelet`);
}

/** `--lr 1e-3` starts the paper's tenfold log decay there; `--lr 1e-3,1e-5` sets both ends. */
function learningRateOption(values: Record<string, unknown>, name: string): [number, number] | undefined {
  const text = values[name] as string | undefined;
  if (text === undefined) return undefined;
  const parts = text.split(',').map(Number);
  if (parts.length > 2 || parts.some((v) => !(v > 0))) throw new UsageError(`--${name} takes a positive rate or START,END (got "${text}")`);
  return [parts[0], parts[1] ?? parts[0] / 10];
}

function coordnetOptions(values: Record<string, unknown>): Partial<CoordnetParams> {
  return {
    width: intOption(values, 'width'),
    layers: intOption(values, 'layers'),
    slabRows: intOption(values, 'slab'),
    stepsFirst: intOption(values, 'steps-first'),
    stepsNext: intOption(values, 'steps-next'),
    lrFirst: learningRateOption(values, 'lr'),
    lrNext: learningRateOption(values, 'lr-next'),
    tv: numberOption(values, 'tv'),
    omega0: numberOption(values, 'omega0'),
    seed: intOption(values, 'seed'),
  };
}

export function progressPrinter(quiet: boolean): (p: Progress) => void {
  let last = -1;
  return (p) => {
    const percent = Math.floor(p.fraction * 100);
    if (quiet || percent === last) return;
    last = percent;
    process.stderr.write(`\r${percent.toString().padStart(3)}% ${p.message.padEnd(60)}`);
  };
}

/** Read a stack and its angle file from disk; warnings go to stderr. */
export async function readTiltSeriesPaths(tiltsPath: string, anglesPath: string): Promise<LoadedTiltSeries> {
  const read = async (path: string) => ({ name: basename(path), bytes: new Uint8Array(await readFile(path)) });
  const loaded = readTiltSeriesFiles([await read(tiltsPath), await read(anglesPath)]);
  for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`);
  return loaded;
}

export async function reconCommand(args: string[]): Promise<void> {
  const { values } = parseOptions(args, OPTIONS);
  const tiltsPath = requireOption(values, 'tilts');
  const anglesPath = requireOption(values, 'angles');
  const outPath = requireOption(values, 'out');
  const request = methodRequest(values);
  const loaded = await readTiltSeriesPaths(tiltsPath, anglesPath);
  const gpu = await openCliGpu();
  const started = performance.now();
  const result = await reconstruct(gpu, loaded.tiltSeries, request, { onProgress: progressPrinter(values.quiet === true), models: cliModelLibrary });
  const seconds = (performance.now() - started) / 1000;
  await writeFile(outPath, writeMrc(result.volume, { labels: [result.label, `from ${loaded.stackName}`] }));
  const { nx, ny, nz } = result.volume;
  process.stderr.write(`${values.quiet ? '' : '\n'}${result.label}: ${nx}×${ny}×${nz} in ${seconds.toFixed(2)} s on ${gpu.description} → ${outPath}\n`);
}
