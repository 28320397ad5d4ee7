/** Plain helpers over the result list. No React. */
import type { ResultSummary } from '../../../workers/api.ts';

/**
 * Rows of the result that hold data: all of them, or the rows fitted so far of a partial result.
 * A result's data change only when this does, so views key what they fetch on it.
 */
export function rowsFilled(result: Pick<ResultSummary, 'ny' | 'partial'>): number {
  return result.partial?.rowsDone ?? result.ny;
}

/** The list with `summary` in the place of the result with its id, or added at the end. */
export function upsertResult(results: ResultSummary[], summary: ResultSummary): ResultSummary[] {
  const index = results.findIndex((r) => r.id === summary.id);
  return index < 0 ? [...results, summary] : results.map((r, i) => (i === index ? summary : r));
}

/** The result a data set opens on: its newest (the list is in the order made), or none yet. */
export function latestResultOf(results: readonly Pick<ResultSummary, 'id' | 'datasetId'>[], datasetId: string): string | null {
  return results.findLast((r) => r.datasetId === datasetId)?.id ?? null;
}
