import { useEffect, useState } from 'react';
import type { Slice, SliceAxis } from '../../../../workers/api.ts';
import { errorMessage } from '../../engineClient.ts';
import { useAppStore } from '../../state/store.ts';
import { sliceCache } from '../../viewer/sliceCache.ts';
import type { SliceRenderer } from '../../viewer/types.ts';

export interface LoadedSlice {
  key: string;
  index: number;
  slice: Slice;
}

/** Fetch (through the cache) the slice `index` of `axis` and hand it to the renderer; again when `rowsFilled` grows. */
export function useAxisSlice(renderer: SliceRenderer, resultId: string | null, rowsFilled: number, axis: SliceAxis, index: number): LoadedSlice | null {
  const [loaded, setLoaded] = useState<LoadedSlice | null>(null);
  useEffect(() => {
    if (!resultId) return;
    let live = true;
    const key = `${resultId}|${axis}`;
    sliceCache.get(resultId, axis, index, rowsFilled).then(
      (slice) => {
        if (!live) return;
        renderer.setSlice(axis, slice);
        setLoaded({ key, index, slice });
      },
      (error: unknown) => {
        if (live) useAppStore.getState().showError(`Could not read the ${axis.toUpperCase()} slice ${index}: ${errorMessage(error)}`);
      },
    );
    return () => {
      live = false;
    };
  }, [renderer, resultId, rowsFilled, axis, index]);
  return loaded && resultId && loaded.key === `${resultId}|${axis}` ? loaded : null;
}
