/**
 * Lists of view or tilt numbers as IMOD writes them (tilt's EXCLUDELIST, `--exclude-tilts`): numbers from 1 and
 * ranges a-b, separated by commas or spaces ("1-3,41", "1 2 40-41").
 */

/** Larger than any series' count of tilts: a range past it is a typing slip, and would fill memory. */
const MAX_NUMBER = 99_999;

/** The numbers such a list names, sorted, each once; null when the text is not such a list (or is empty, or goes past MAX_NUMBER). */
export function parseNumberList(text: string): number[] | null {
  const parts = text.trim().replace(/\s*-\s*/g, '-').split(/\s*,\s*|\s+/);
  const numbers = new Set<number>();
  for (const part of parts) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    const [from, to] = range ? [Number(range[1]), Number(range[2] ?? range[1])] : [NaN, NaN];
    if (!(from >= 1 && to >= from && to <= MAX_NUMBER)) return null;
    for (let n = from; n <= to; n++) numbers.add(n);
  }
  return [...numbers].sort((a, b) => a - b);
}
