/** Small React hooks shared by the comparison views. */
import { useEffect, useMemo, useState } from 'react';
import type { DatasetSummary, ResultSummary } from '../../../workers/api.ts';
import { errorMessage, getEngine } from '../engineClient.ts';
import { useAppStore } from '../state/store.ts';
import { useCompareStore } from '../state/compareStore.ts';
import { resultTitle } from '../components/results/ResultList.tsx';
import { familyOf } from './linking.ts';

/** The results of one tilt series, in list order. */
export function useDatasetResults(datasetId: string | null): ResultSummary[] {
  const results = useAppStore((s) => s.results);
  return useMemo(() => (datasetId ? results.filter((r) => r.datasetId === datasetId) : []), [results, datasetId]);
}

/** The results of one tilt series and of those made from it or it from (its family: DatasetSummary.familyId), in list order. */
export function useFamilyResults(datasetId: string | null): ResultSummary[] {
  const results = useAppStore((s) => s.results);
  const datasets = useAppStore((s) => s.datasets);
  return useMemo(() => {
    const family = datasetId && familyOf(datasets, datasetId);
    return family ? results.filter((r) => familyOf(datasets, r.datasetId) === family) : [];
  }, [results, datasets, datasetId]);
}

/** The tilt series the figures are about: the one selected in the sidebar, else that of the picked results. */
export function useCompareDataset(): DatasetSummary | null {
  const selection = useCompareStore((s) => s.selection);
  return useAppStore((s) => {
    const id = s.selectedDatasetId ?? s.results.find((r) => selection.includes(r.id))?.datasetId;
    return s.datasets.find((d) => d.id === id) ?? null;
  });
}

/**
 * The picked results that still exist, in pick order, split into those of the tilt series selected in the
 * sidebar or of its family (DatasetSummary.familyId; all of them when none is selected) and those of another
 * series: the views follow the selected series, and the picks of another one wait until it is selected again.
 */
function usePicks(): { shown: ResultSummary[]; elsewhere: ResultSummary[] } {
  const selection = useCompareStore((s) => s.selection);
  const results = useAppStore((s) => s.results);
  const datasets = useAppStore((s) => s.datasets);
  const datasetId = useAppStore((s) => s.selectedDatasetId);
  return useMemo(() => {
    const picked = selection.map((id) => results.find((r) => r.id === id)).filter((r): r is ResultSummary => r !== undefined);
    const ofSeries = (r: ResultSummary) => datasetId === null || familyOf(datasets, r.datasetId) === familyOf(datasets, datasetId);
    return { shown: picked.filter(ofSeries), elsewhere: picked.filter((r) => !ofSeries(r)) };
  }, [selection, results, datasets, datasetId]);
}

/** The picked results of the selected tilt series, in pick order. */
export function useSelectedResults(): ResultSummary[] {
  return usePicks().shown;
}

/** The picked results of another tilt series than the one selected (shown again when it is selected). */
export function usePicksElsewhere(): ResultSummary[] {
  return usePicks().elsewhere;
}

const windowRequests = new Map<string, Promise<[number, number]>>();

function percentileWindow(resultId: string): Promise<[number, number]> {
  let request = windowRequests.get(resultId);
  if (!request) {
    request = getEngine()
      .percentiles(resultId, [1, 99])
      .then(([lo, hi]) => [lo, hi] as [number, number]);
    windowRequests.set(resultId, request);
    request.catch(() => windowRequests.delete(resultId));
  }
  return request;
}

/** The 1st–99th percentile grey windows of some results (each asked of the worker once). */
export function usePercentileWindows(resultIds: string[]): Record<string, [number, number]> {
  const [windows, setWindows] = useState<Record<string, [number, number]>>({});
  const key = resultIds.join('|');
  useEffect(() => {
    let live = true;
    for (const id of key ? key.split('|') : []) {
      percentileWindow(id).then(
        (window) => live && setWindows((w) => (w[id] ? w : { ...w, [id]: window })),
        (error: unknown) => live && useAppStore.getState().showError(`Could not compute percentiles: ${errorMessage(error)}`),
      );
    }
    return () => {
      live = false;
    };
  }, [key]);
  return windows;
}

/**
 * The tilt series a picked result belongs to when it is not the one the views follow (another of its family:
 * tilts left out or added), else null; and its title with that series' name, for labels that stand alone (a
 * figure's, a menu's).
 */
export function usePickSeries(): { seriesOf: (result: ResultSummary) => string | null; titleOf: (result: ResultSummary) => string } {
  const datasets = useAppStore((s) => s.datasets);
  const selectedId = useCompareDataset()?.id ?? null;
  return useMemo(() => {
    const seriesOf = (r: ResultSummary) => (r.datasetId === selectedId ? null : (datasets.find((d) => d.id === r.datasetId)?.name ?? null));
    const titleOf = (r: ResultSummary) => {
      const series = seriesOf(r);
      return series ? `${resultTitle(r)} (${series})` : resultTitle(r);
    };
    return { seriesOf, titleOf };
  }, [datasets, selectedId]);
}
