/** Keyboard stepping through slices in a focused slice panel. */

/** Slices moved per key; Shift moves ten times as far. */
const STEPS: Record<string, number> = { ArrowUp: 1, ArrowRight: 1, ArrowDown: -1, ArrowLeft: -1, PageUp: 10, PageDown: -10 };

/** The slice index a key leads to from `index` of `count`, or null for a key that does not step. */
export function steppedIndex(key: string, shift: boolean, index: number, count: number): number | null {
  const last = Math.max(0, count - 1);
  if (key === 'Home') return 0;
  if (key === 'End') return last;
  const step = STEPS[key];
  if (step === undefined) return null;
  return Math.min(last, Math.max(0, index + step * (shift ? 10 : 1)));
}
