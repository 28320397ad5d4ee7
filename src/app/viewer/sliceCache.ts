/**
 * A small LRU cache of volume slices fetched from the worker, with in-flight requests
 * shared, so scrubbing a slider or panning back and forth does not re-ask the worker.
 * Slices are keyed on the result's rows filled too (state/results.ts), so a result that is
 * still filling slab by slab is asked again once it has more.
 */
import type { Slice, SliceAxis } from '../../../workers/api.ts';
import { getEngine } from '../engineClient.ts';

const CAPACITY = 48;

class SliceCache {
  private readonly entries = new Map<string, Slice>();
  private readonly pending = new Map<string, Promise<Slice>>();

  private static key(resultId: string, axis: SliceAxis, index: number, rowsFilled: number): string {
    return `${resultId}|${axis}|${index}|${rowsFilled}`;
  }

  peek(resultId: string, axis: SliceAxis, index: number, rowsFilled: number): Slice | undefined {
    return this.entries.get(SliceCache.key(resultId, axis, index, rowsFilled));
  }

  get(resultId: string, axis: SliceAxis, index: number, rowsFilled: number): Promise<Slice> {
    const key = SliceCache.key(resultId, axis, index, rowsFilled);
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return Promise.resolve(hit);
    }
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const request = getEngine()
      .getSlice(resultId, axis, index)
      .then((slice) => {
        this.entries.set(key, slice);
        while (this.entries.size > CAPACITY) {
          const oldest = this.entries.keys().next().value;
          if (oldest === undefined) break;
          this.entries.delete(oldest);
        }
        return slice;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, request);
    return request;
  }

  /** Drop every slice of a deleted result. */
  forget(resultId: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(`${resultId}|`)) this.entries.delete(key);
  }
}

export const sliceCache = new SliceCache();
