import { useState } from 'react';
import { loadChosenSeries, useTypedAnglesStore, type PendingSeries } from '../../state/typedAngles.ts';
import { useRevealWhenShown } from '../../util/reveal.ts';

const QUESTION: Record<PendingSeries['kind'], (count: number) => string> = {
  relion: (n) => `This drop holds ${n} RELION tilt series. Load one (its table names its images; the others are set aside):`,
  stack: (n) => `This drop holds ${n} stacks with their tilt angles beside them. Load one (with the files named after it; the others are set aside):`,
  folder: (n) => `This drop holds ${n} folders of a tilt series each, their files named alike. Load one folder (the others are set aside):`,
};

function ChoiceForm({ pending }: { pending: PendingSeries }) {
  const [name, setName] = useState(pending.names[0]);
  const setPendingSeries = useTypedAnglesStore((s) => s.setPendingSeries);
  // Mounted once per drop (keyed below), and brought into view like the typed-angles question.
  const form = useRevealWhenShown<HTMLDivElement>(true);
  return (
    <div ref={form} className="typed-angles hint warn" data-testid="series-choice">
      <div>
        {QUESTION[pending.kind](pending.names.length)}
      </div>
      <label className="field">
        <span className="field-label">{pending.kind === 'folder' ? 'Folder' : 'Tilt series'}</span>
        <select value={name} onChange={(e) => setName(e.target.value)} data-testid="series-choice-select">
          {pending.names.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <div className="field-row">
        <button type="button" className="small primary" onClick={() => void loadChosenSeries(pending, name).catch(() => undefined)} data-testid="series-choice-load">
          Load {name}
        </button>
        <button type="button" className="small" onClick={() => setPendingSeries(null)} data-testid="series-choice-cancel">
          Cancel
        </button>
      </div>
    </div>
  );
}

/** Shown while a drop of several RELION tilt series, stacks or folders waits for the one to load (state/typedAngles.ts). */
export function SeriesChoiceForm() {
  const pending = useTypedAnglesStore((s) => s.pendingSeries);
  return pending ? <ChoiceForm key={pending.names.join('|')} pending={pending} /> : null;
}
