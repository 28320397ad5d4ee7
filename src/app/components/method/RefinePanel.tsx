import { methodsOfKind } from '../../../engine/methods/registry.ts';
import { methodTitle, type RefinementName } from '../../state/methodForm.ts';
import { selectResult, useAppStore } from '../../state/store.ts';
import { Section } from '../Section.tsx';
import { METHOD_PANELS } from './panels.ts';

/** Refine the selected result (tomogram → tomogram) with a refinement method; the new result is named after both. */
export function RefinePanel() {
  const method = useAppStore((s) => s.form.refinement);
  const setRefinement = useAppStore((s) => s.setRefinement);
  const refine = useAppStore((s) => s.refine);
  const running = useAppStore((s) => s.job !== null);
  const source = useAppStore(selectResult);
  const Fields = METHOD_PANELS[method];
  const ready = source !== null && !source.partial;
  return (
    <Section title="Refine" testId="refine-panel">
      <label className="field">
        <span className="field-label">Method</span>
        <select value={method} onChange={(e) => setRefinement(e.target.value as RefinementName)} data-testid="refine-method-select" disabled={running}>
          {methodsOfKind('refinement').map((d) => (
            <option key={d.name} value={d.name}>
              {d.menuLabel}
            </option>
          ))}
        </select>
      </label>
      <Fields disabled={running} />
      <button
        type="button"
        disabled={!ready || running}
        onClick={() => void refine().catch(() => undefined)}
        data-testid="refine-button"
        title={source ? `Refine ${source.label}` : 'Select a result to refine'}
      >
        {methodTitle(method)} of the selected result
      </button>
    </Section>
  );
}
