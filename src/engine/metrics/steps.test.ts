// Scores in steps: run to the end at once, or with progress and a cancel seen at the event loop's turns.
import { describe, expect, it } from 'vitest';
import { CancelledError, type Progress } from '../types.ts';
import { drain, stepped, type Steps } from './steps.ts';

/** Four steps of about `ms` each, then the answer 42. */
function* slow(ms: number): Steps<number> {
  for (let i = 1; i <= 4; i++) {
    const until = performance.now() + ms;
    while (performance.now() < until);
    yield i / 4;
  }
  return 42;
}

describe('steps', () => {
  it('drain runs to the answer', () => {
    expect(drain(slow(0))).toBe(42);
  });

  it('stepped tells the fraction done at its turns and gives the same answer', async () => {
    const seen: Progress[] = [];
    expect(await stepped(slow(60), 'scoring', { onProgress: (p) => seen.push(p) })).toBe(42);
    expect(seen.map((p) => p.fraction)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(new Set(seen.map((p) => p.message))).toEqual(new Set(['scoring']));
  });

  it('stepped stops at the turn after a cancel', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = stepped(slow(60), 'scoring', { signal: controller.signal, onProgress: (p) => (seen.push(p.fraction), controller.abort()) });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toEqual([0.25]);
  });
});
