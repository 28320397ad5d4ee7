/**
 * Which data sets and results the page keeps for after a reload by itself, and which it offers to keep (a Keep
 * button): keeping writes float32 values to the browser's private storage in the background (about 17 s per GiB
 * measured here) and takes that much disk beside the original files, so past a size the user decides.
 */
import type { DatasetSummary, ResultSummary } from '../../../workers/api.ts';

/** Kept without asking up to this many bytes written (a 1024 × 1024 × 256 tomogram); more is offered. */
export const AUTO_KEEP_BYTES = 2 ** 30;

const float32Bytes = (...dims: number[]) => dims.reduce((n, d) => n * d, 4);

/**
 * The bytes keeping `id` writes: a data set's tilts, or a result's tomogram, with its data set (and a simulation's
 * ground truth, which goes with it) when that is not kept yet: the engine keeps a result's series first. Null for
 * an id the page does not list.
 */
export function bytesToKeep(id: string, listed: { datasets: DatasetSummary[]; results: ResultSummary[] }, kept: ReadonlySet<string>): number | null {
  const datasetBytes = (datasetId: string) => {
    const dataset = listed.datasets.find((d) => d.id === datasetId);
    if (!dataset || kept.has(datasetId)) return 0;
    const truth = listed.results.find((r) => r.datasetId === datasetId && r.method === 'ground-truth');
    return float32Bytes(dataset.nx, dataset.ny, dataset.nTilts) + (truth ? float32Bytes(truth.nx, truth.ny, truth.nz) : 0);
  };
  if (listed.datasets.some((d) => d.id === id)) return datasetBytes(id);
  const result = listed.results.find((r) => r.id === id);
  return result ? float32Bytes(result.nx, result.ny, result.nz) + datasetBytes(result.datasetId) : null;
}
