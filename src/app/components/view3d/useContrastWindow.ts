import { useEffect, useState } from 'react';
import type { ResultSummary } from '../../../../workers/api.ts';
import { errorMessage, getEngine } from '../../engineClient.ts';
import { useAppStore } from '../../state/store.ts';
import { useViewerStore } from '../../state/viewerStore.ts';

/** The slice viewer's contrast (percentiles of the whole result, or window/level) in data units. */
export function useContrastWindow(result: ResultSummary): { lo: number; hi: number; ready: boolean } {
  const contrast = useViewerStore((s) => s.contrast);
  const pctLow = contrast.mode === 'percentile' ? contrast.low : null;
  const pctHigh = contrast.mode === 'percentile' ? contrast.high : null;
  const key = pctLow !== null ? `${result.id}|${pctLow}|${pctHigh}` : null;
  const [pct, setPct] = useState<{ key: string; lo: number; hi: number } | null>(null);
  useEffect(() => {
    if (!key || pctLow === null || pctHigh === null) return;
    let live = true;
    getEngine()
      .percentiles(result.id, [pctLow, pctHigh])
      .then(
        ([lo, hi]) => live && setPct({ key, lo, hi }),
        (error: unknown) => live && useAppStore.getState().showError(`Could not compute percentiles: ${errorMessage(error)}`),
      );
    return () => {
      live = false;
    };
  }, [key, result.id, pctLow, pctHigh]);

  if (contrast.mode === 'window') return { lo: contrast.level - contrast.width / 2, hi: contrast.level + contrast.width / 2, ready: true };
  if (pct && pct.key === key) return { lo: pct.lo, hi: pct.hi, ready: true };
  return { lo: result.stats.mean - 2.5 * result.stats.std, hi: result.stats.mean + 2.5 * result.stats.std, ready: false };
}
