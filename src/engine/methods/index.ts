/** One entry point for every reconstruction method: defaults, checks, binning, then the method. */
import type { GpuContext } from '../gpu/device.ts';
import type { TiltSeries, Volume } from '../types.ts';
import { reconstructCoordnet } from './coordnet.ts';
import { reconstructFbp } from './fbp.ts';
import { reconstructLocalnet } from './localnet.ts';
import { LocalModel } from '../onnx/session.ts';
import {
  describeFbp,
  describeLocalnet,
  describeSirt,
  fbpDefaults,
  localnetDefaults,
  resolveCoordnet,
  sirtDefaults,
  validateCommon,
  type CommonParams,
  type MethodParams,
  type MethodRequest,
} from './params.ts';
import { binTiltSeries, subtractTiltMeans, validateFinite, validateTiltAngles } from './preprocess.ts';
import { reconstructSirt } from './sirt.ts';
import type { RunOptions } from './slabs.ts';

export interface Reconstruction<P = MethodParams> {
  volume: Volume;
  /** Complete parameters, defaults filled in. */
  params: P;
  /** Method and parameters in one line, for result lists and MRC labels. */
  label: string;
  residuals?: number[];
  /** Training loss per step (coordinate network). */
  loss?: number[];
}

/** Binning, then the optional mean subtraction: what every method reconstructs from. */
function prepare(ts: TiltSeries, params: CommonParams): TiltSeries {
  const binned = binTiltSeries(ts, params.binning);
  return params.subtractMean ? subtractTiltMeans(binned) : binned;
}

/** Fill defaults from the unbinned series, bin, validate, and run the requested method. */
export async function reconstruct(gpu: GpuContext, ts: TiltSeries, request: MethodRequest, options: RunOptions = {}): Promise<Reconstruction> {
  validateTiltAngles(ts.tiltAngles);
  validateFinite(ts);
  if (request.method === 'fbp') {
    const params = fbpDefaults(ts, request.params);
    validateCommon(ts, params);
    const volume = await reconstructFbp(gpu, prepare(ts, params), params, options);
    return { volume, params, label: describeFbp(params) };
  }
  if (request.method === 'sirt') {
    const params = sirtDefaults(ts, request.params);
    validateCommon(ts, params);
    const { volume, residuals } = await reconstructSirt(gpu, prepare(ts, params), params, options);
    return { volume, params, label: describeSirt(params), residuals };
  }
  if (request.method === 'coordnet') {
    const { params, label } = resolveCoordnet(ts, request.params);
    validateCommon(ts, params);
    const { volume, losses } = await reconstructCoordnet(gpu, prepare(ts, params), params, options);
    return { volume, params, label, loss: losses };
  }
  if (request.method === 'localnet') {
    const params = localnetDefaults(ts, request.params);
    validateCommon(ts, params);
    if (!options.models) throw new Error('the local network needs a model library (the worker or the CLI provides one)');
    const model = await LocalModel.open(gpu, await options.models.load(params.model), { wasmUrl: options.models.wasmUrl });
    try {
      const volume = await reconstructLocalnet(gpu, prepare(ts, params), params, model, options);
      return { volume, params, label: describeLocalnet(params, model) };
    } finally {
      await model.release();
    }
  }
  throw new Error(`unknown method "${(request as { method: string }).method}": use fbp, sirt, coordnet or localnet`);
}
