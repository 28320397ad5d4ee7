/**
 * Display volumes fetched from the worker, kept for a few results so switching between the
 * slice and 3-D views (or toggling side-by-side panels) does not fetch them again. Requests in
 * flight are shared; results deleted from the store are dropped.
 */
import type { DisplayVolume } from '../../../workers/api.ts';
import { getEngine } from '../engineClient.ts';
import { useAppStore } from '../state/store.ts';
import { rowsFilled } from '../state/results.ts';

const MAX_ENTRIES = 4;
const entries = new Map<string, Promise<DisplayVolume>>();

function keyOf(resultId: string, maxVoxels: number): string {
  return `${resultId}|${maxVoxels}`;
}

/** The result at the pyramid level getVolume(maxVoxels) gives; `keep` false for one-off large fetches. */
export function fetchDisplayVolume(resultId: string, maxVoxels: number, keep = true): Promise<DisplayVolume> {
  const key = keyOf(resultId, maxVoxels);
  const known = entries.get(key);
  if (known) {
    entries.delete(key);
    entries.set(key, known);
    return known;
  }
  const request = getEngine().getVolume(resultId, maxVoxels);
  if (!keep) return request;
  entries.set(key, request);
  request.catch(() => entries.delete(key));
  while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  return request;
}

export function forgetVolumes(resultId: string): void {
  for (const key of [...entries.keys()]) if (key.startsWith(`${resultId}|`)) entries.delete(key);
}

/** Drop deleted results, and results whose data grew (a partial result filling slab by slab). */
useAppStore.subscribe((state, previous) => {
  if (state.results === previous.results) return;
  const now = new Map(state.results.map((r) => [r.id, r]));
  for (const r of previous.results) {
    const current = now.get(r.id);
    if (!current || rowsFilled(current) !== rowsFilled(r)) forgetVolumes(r.id);
  }
});
