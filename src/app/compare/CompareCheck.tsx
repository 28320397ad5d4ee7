import { useCompareStore } from '../state/compareStore.ts';

/** The "compare" tick of one result in the results list (2–6 of one tilt series, or of one family: linking.ts byFamily). */
export function CompareCheck({ resultId, title }: { resultId: string; title: string }) {
  const checked = useCompareStore((s) => s.selection.includes(resultId));
  const toggle = useCompareStore((s) => s.toggleSelected);
  return (
    <input
      type="checkbox"
      className="compare-check"
      checked={checked}
      onChange={() => toggle(resultId)}
      onClick={(e) => e.stopPropagation()}
      title={`Compare ${title} side by side (2–6 results of one tilt series, or of series made from it)`}
      aria-label={`Compare ${title}`}
      data-testid="compare-check"
    />
  );
}
