import { useState } from 'react';
import { tiltRange } from '../../../engine/sim/tiltScheme.ts';
import { loadWithTypedAngles, useTypedAnglesStore, type PendingDrop } from '../../state/typedAngles.ts';
import { NumberField } from '../NumberField.tsx';
import { useRevealWhenShown } from '../../util/reveal.ts';

/** A symmetric range with as many angles as the stack has sections: 3° steps up to 41 sections, else 2°. */
function defaultRange(sections: number): { from: number; to: number; step: number } {
  const step = sections <= 41 ? 3 : 2;
  const half = ((sections - 1) * step) / 2;
  return { from: -half, to: half, step };
}

/** The angles of a typed range, or the reason it cannot be used. */
function anglesOf(range: { from: number; to: number; step: number }, sections: number): { angles: number[] } | { problem: string } {
  let angles: number[];
  try {
    angles = tiltRange(range.from, range.to, range.step);
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
  if (angles.some((a) => Math.abs(a) > 90)) return { problem: 'tilt angles lie within ±90°' };
  if (angles.length !== sections) return { problem: `this range gives ${angles.length} angles; the stack has ${sections} sections` };
  return { angles };
}

function RangeForm({ pending }: { pending: PendingDrop }) {
  const [range, setRange] = useState(() => defaultRange(pending.sections));
  const setPending = useTypedAnglesStore((s) => s.setPending);
  const result = anglesOf(range, pending.sections);
  // Mounted once per drop (keyed below): a drop onto the page while the sidebar is scrolled down would leave it unseen.
  const form = useRevealWhenShown<HTMLDivElement>(true);
  return (
    <div ref={form} className="typed-angles hint warn" data-testid="typed-angles">
      <div>
        <strong>{pending.stackName}</strong> came without tilt angles ({pending.sections} sections). Type its tilt range, or drop it again with
        its .tlt, .rawtlt or .mdoc:
      </div>
      <div className="field-row">
        <NumberField label="From" unit="°" min={-90} max={90} value={range.from} onChange={(from) => setRange({ ...range, from })} testId="typed-from" />
        <NumberField label="To" unit="°" min={-90} max={90} value={range.to} onChange={(to) => setRange({ ...range, to })} testId="typed-to" />
        <NumberField label="Step" unit="°" min={0.01} max={90} value={range.step} onChange={(step) => setRange({ ...range, step })} testId="typed-step" />
      </div>
      {'problem' in result && <div data-testid="typed-problem">{result.problem}</div>}
      <div className="field-row">
        <button type="button" className="small primary" disabled={'problem' in result} onClick={() => 'angles' in result && void loadWithTypedAngles(pending, result.angles).catch(() => undefined)} data-testid="typed-load">
          Load with these angles
        </button>
        <button type="button" className="small" onClick={() => setPending(null)} data-testid="typed-cancel">
          Cancel
        </button>
      </div>
    </div>
  );
}

/** Shown while a dropped stack waits for its tilt range (state/typedAngles.ts). */
export function TypedAnglesForm() {
  const pending = useTypedAnglesStore((s) => s.pending);
  // Keyed by the drop, so a new drop starts from its own default range.
  return pending ? <RangeForm key={`${pending.stackName}|${pending.sections}`} pending={pending} /> : null;
}
